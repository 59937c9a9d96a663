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
 * Whether some string of this text may need the NFC and surrogate checks: the text has a
 * non-ASCII character, or an escape that may stand for one (JSON.stringify escapes only
 * control characters and lone surrogates). Two scans: one regex with both was slower.
 */
const NON_ASCII = /[\u0080-\uffff]/;
const mayNeedStringChecks = (text: string): boolean => NON_ASCII.test(text) || text.includes('\\u');

const plainString = (value: string): boolean =>
	!LONE_SURROGATE.test(value) && value.normalize('NFC') === value;

/**
 * Whether a value fresh from JSON.parse keeps every rule the encoder checks, keys already in
 * sorted order (as JSON.parse lays them out, which is the text's order unless a key is an
 * array index). Only ever says yes to values the encoder accepts; it may say no to some it
 * accepts too (array-index keys, the deepest levels), which then go the slow way.
 */
function plainCanonical(value: unknown, depth: number, strings: boolean): boolean {
	switch (typeof value) {
		case 'string':
			return !strings || plainString(value);
		case 'number':
			return Number.isSafeInteger(value) && !Object.is(value, -0);
		case 'boolean':
			return true;
		case 'object': {
			if (value === null) return true;
			if (depth >= MAX_DEPTH) return false;
			if (Array.isArray(value)) {
				for (const item of value) if (!plainCanonical(item, depth + 1, strings)) return false;
				return true;
			}
			const record = value as Record<string, unknown>;
			let previous: string | null = null;
			for (const key of Object.keys(record)) {
				if (previous !== null && !(previous < key)) return false;
				if (strings && !plainString(key)) return false;
				if (!plainCanonical(record[key], depth + 1, strings)) return false;
				previous = key;
			}
			return true;
		}
		default:
			return false;
	}
}

/**
 * Parse text that claims to be canonical: it must be JSON and re-encode to exactly the
 * same text. This is how a received record proves it has the one encoding.
 *
 * The usual case takes a cheaper exact route: JSON.stringify gives back the very text (so
 * it has no spaces, JSON.stringify's escapes, no duplicate keys, and its keys in the order
 * JSON.parse keeps), and one walk checks the encoder's other rules (sorted keys, safe
 * integers, NFC strings without lone surrogates, depth). Such text is exactly what the
 * encoder writes. Anything else goes through the encoder, which says what is wrong.
 */
export function parseCanonical(text: string): Result<CanonicalValue, 'not_json' | CanonicalError> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return err('not_json', 'not valid JSON');
	}
	if (plainCanonical(value, 0, mayNeedStringChecks(text)) && JSON.stringify(value) === text) {
		return ok(value as CanonicalValue);
	}
	const again = canonicalText(value);
	if (!again.ok) return again;
	if (again.value !== text) return err('not_canonical', 'not in canonical form');
	return ok(value as CanonicalValue);
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
