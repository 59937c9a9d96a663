/** Shared schema pieces for record kinds, and the one place valibot issues become our errors. */
import * as v from 'valibot';
import { err, ok, type Result } from './result';
import { HEX64 } from './hash';

/** C0 and C1 control characters (incl. newlines): names and titles are one line. */
const hasControl = (s: string): boolean => {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
	}
	return false;
};

/** A one-line human text (name, title): trimmed, NFC, no control characters. */
export const lineText = (min: number, max: number) =>
	v.pipe(
		v.string(),
		v.check((s) => s.trim() === s, 'must not start or end with spaces'),
		v.check((s) => !hasControl(s), 'must not contain control characters'),
		v.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
		v.maxLength(max, `must be at most ${max} characters`)
	);

export const recordId = v.pipe(v.string(), v.regex(HEX64, 'must be a record id (64 hex digits)'));

/** OpenPGP v4 (40 hex) or v6 (64 hex) fingerprint, lowercase. */
export const fingerprint = v.pipe(
	v.string(),
	v.regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a key fingerprint (lowercase hex)')
);

export const MAX_ARMORED_KEY = 16 * 1024;

export const armoredPublicKey = v.pipe(
	v.string(),
	v.startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----', 'must be an armored OpenPGP public key'),
	v.maxLength(MAX_ARMORED_KEY, 'key is too large')
);

export const timestamp = v.pipe(
	v.number(),
	v.safeInteger('must be an integer number of milliseconds'),
	v.minValue(0, 'must not be negative')
);

/** Run a schema; on failure, report the first issue with its dotted path. Never throws. */
export function check<S extends v.GenericSchema>(
	schema: S,
	input: unknown,
	pathPrefix = ''
): Result<v.InferOutput<S>> {
	const result = v.safeParse(schema, input);
	if (result.success) return ok(result.output);
	const issue = result.issues[0];
	const path = [pathPrefix, v.getDotPath(issue) ?? ''].filter(Boolean).join('.');
	return err('schema_invalid', `${path || 'value'}: ${issue.message}`, path);
}
