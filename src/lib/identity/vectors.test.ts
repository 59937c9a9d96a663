/**
 * Known-answer vectors: records and signatures committed in fixtures/vectors/ that must
 * verify forever, whatever the date, on any device. One folder per vector.
 */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../model/hash';
import { parseEntry } from '../model/record';
import { vectors } from './fixtures';
import { fingerprintOf } from './keys';
import { createVerifier } from './verify';

const all = vectors();

describe('known-answer vectors', () => {
	it('has the vectors it should', () => {
		expect(all.map((v) => v.name)).toEqual([
			'citizen-gnupg-v4',
			'citizen-openpgpjs-v6',
			'genesis-openpgpjs-v4'
		]);
	});

	it.each(all)('$name parses, names its key, and verifies', async ({ entry, publicKey }) => {
		const parsed = parseEntry(entry.id, { record: entry.record, signature: entry.signature });
		if (!parsed.ok) throw new Error(parsed.message);
		expect(await fingerprintOf(publicKey)).toEqual({ ok: true, value: parsed.value.record.author });
		const verifier = createVerifier();
		const result = await verifier.verify(parsed.value, publicKey);
		expect(result.ok).toBe(true);
		// Each vector (GnuPG v4, openpgp.js v4 and v6) is a shape the fast path judges.
		expect(verifier.stats()).toMatchObject({ signatureChecks: 1, fastChecks: 1 });
	});

	it.each(all)('$name fails with every other vector’s key (key_mismatch)', async (vector) => {
		const parsed = parseEntry(vector.entry.id, vector.entry);
		if (!parsed.ok) throw new Error(parsed.message);
		const verifier = createVerifier();
		for (const other of all.filter((o) => o.name !== vector.name)) {
			expect(await verifier.verify(parsed.value, other.publicKey)).toMatchObject({
				ok: false,
				code: 'key_mismatch'
			});
		}
	});

	it.each(all)('$name fails once its record is changed', async ({ entry, publicKey }) => {
		const text = entry.record.replace('"at":17639', '"at":17638');
		expect(text).not.toBe(entry.record);
		const parsed = parseEntry(sha256Hex(text), { record: text, signature: entry.signature });
		if (!parsed.ok) throw new Error(parsed.message);
		const verifier = createVerifier();
		expect(await verifier.verify(parsed.value, publicKey)).toMatchObject({
			ok: false,
			code: 'signature_invalid'
		});
		expect(verifier.stats()).toMatchObject({ signatureChecks: 1, fastChecks: 1 });
	});
});
