import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from './canonical';
import { recordSetDigest, sha256Hex, sha256HexPortable } from './hash';

describe('sha256Hex', () => {
	it('is the known SHA-256 of the test vectors (FIPS 180-2)', () => {
		for (const hash of [sha256Hex, sha256HexPortable]) {
			expect(hash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
			expect(hash(new Uint8Array(0))).toBe(
				'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
			);
		}
	});

	it('in Node, the native hash is the one in use', () => {
		// Vitest runs in Node ≥ 20.16, which hands node:crypto over without an import.
		expect(sha256Hex).not.toBe(sha256HexPortable);
	});

	it('native and portable agree on any text or bytes, lone surrogates too (seed 0x5eed)', () => {
		const text = fc.oneof(
			fc.string({ unit: 'binary', maxLength: 300 }),
			fc.string({ unit: fc.constantFrom('a', '\ud800', '\udc00', '😀', 'é', '\u0000') })
		);
		fc.assert(
			fc.property(fc.oneof(text, fc.uint8Array({ maxLength: 300 })), (data) => {
				expect(sha256Hex(data)).toBe(sha256HexPortable(data));
				if (typeof data === 'string') expect(sha256Hex(data)).toBe(sha256Hex(utf8(data)));
			}),
			{ seed: 0x5eed, numRuns: 1000 }
		);
	});

	it('names a record set by its sorted ids', () => {
		expect(recordSetDigest(['b', 'a'])).toBe(sha256HexPortable('a\nb'));
	});
});
