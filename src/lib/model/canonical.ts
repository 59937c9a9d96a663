/**
 * The one byte encoding of a record: RFC 8785 (JCS) restricted to a subset that has a
 * single obvious form everywhere. See docs/records.md.
 *
 * - objects: keys sorted by UTF-16 code units (JS default sort, as JCS), no spaces;
 * - numbers: safe integers only (no fractions, no exponent, -0 is refused), because
 *   float formatting is where encoders disagree;
 * - strings: must be NFC and well-formed UTF-16 (no lone surrogates), escaped as
 *   `JSON.stringify` does (ES2019 well-formed stringify == JCS escaping);
 * - no `undefined`, functions, symbols, bigints, or non-plain objects; depth ≤ 32.
 *
 * Constructors normalise user text to NFC before encoding; the encoder refuses
 * non-NFC strings instead of silently changing them, so decode(encode(x)) is x.
 */
import { err, ok, type Result } from './result';

export type CanonicalValue =
	null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

export type CanonicalError = 'not_canonical';

const MAX_DEPTH = 32;
const encoder = new TextEncoder();

/** Lone surrogate anywhere in the string: not representable in UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function encodeValue(value: unknown, path: string, depth: number): Result<string, CanonicalError> {
	if (depth > MAX_DEPTH) return err('not_canonical', 'nested too deeply', path);
	if (value === null) return ok('null');
	switch (typeof value) {
		case 'boolean':
			return ok(value ? 'true' : 'false');
		case 'number':
			if (!Number.isSafeInteger(value)) {
				return err('not_canonical', 'numbers must be safe integers', path);
			}
			if (Object.is(value, -0)) return err('not_canonical', '-0 is not allowed', path);
			return ok(String(value));
		case 'string':
			if (LONE_SURROGATE.test(value)) {
				return err('not_canonical', 'string has a lone surrogate', path);
			}
			if (value.normalize('NFC') !== value) {
				return err('not_canonical', 'string is not in Unicode NFC', path);
			}
			return ok(JSON.stringify(value));
		case 'object': {
			if (Array.isArray(value)) {
				const parts: string[] = [];
				for (let i = 0; i < value.length; i++) {
					const part = encodeValue(value[i], `${path}[${i}]`, depth + 1);
					if (!part.ok) return part;
					parts.push(part.value);
				}
				return ok(`[${parts.join(',')}]`);
			}
			const proto = Object.getPrototypeOf(value);
			if (proto !== Object.prototype && proto !== null) {
				return err('not_canonical', 'only plain objects are allowed', path);
			}
			const record = value as Record<string, unknown>;
			const parts: string[] = [];
			for (const key of Object.keys(record).sort()) {
				const keyPath = path ? `${path}.${key}` : key;
				const keyText = encodeValue(key, keyPath, depth + 1);
				if (!keyText.ok) return keyText;
				const part = encodeValue(record[key], keyPath, depth + 1);
				if (!part.ok) return part;
				parts.push(`${keyText.value}:${part.value}`);
			}
			return ok(`{${parts.join(',')}}`);
		}
		default:
			return err('not_canonical', `${typeof value} cannot be encoded`, path);
	}
}

/** Canonical JSON text of a value, or why it has none. Never throws. */
export function canonicalText(value: unknown): Result<string, CanonicalError> {
	return encodeValue(value, '', 0);
}

/** Canonical UTF-8 bytes of a value, or why it has none. Never throws. */
export function canonicalBytes(value: unknown): Result<Uint8Array, CanonicalError> {
	const text = canonicalText(value);
	return text.ok ? ok(encoder.encode(text.value)) : text;
}

/**
 * Parse text that claims to be canonical: it must be JSON and re-encode to exactly the
 * same text. This is how a received record proves it has the one encoding.
 */
export function parseCanonical(text: string): Result<CanonicalValue, 'not_json' | CanonicalError> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return err('not_json', 'not valid JSON');
	}
	const again = canonicalText(value);
	if (!again.ok) return again;
	if (again.value !== text) return err('not_canonical', 'not in canonical form');
	return ok(value as CanonicalValue);
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
