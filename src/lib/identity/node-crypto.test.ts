/**
 * The node:crypto backend on its own: keys it will not make, digests and Ed25519 verdicts
 * equal to WebCrypto's. (fast-signature*.test.ts hold it against openpgp.verify.)
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webCrypto, type HashId } from './fast-signature';
import { nodeCrypto } from './node-crypto';

const HASHES: [HashId, string][] = [
	[8, 'sha256'],
	[9, 'sha384'],
	[10, 'sha512']
];

describe('nodeCrypto', () => {
	it('makes no key of a point that is not 32 bytes', () => {
		expect(nodeCrypto.importKey(new Uint8Array(31))).toBeNull();
		expect(nodeCrypto.importKey(new Uint8Array(33))).toBeNull();
	});

	it('digests the parts one after the other, as WebCrypto digests them joined', async () => {
		const parts = fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 });
		await fc.assert(
			fc.asyncProperty(parts, fc.constantFrom(...HASHES), async (list, [id, name]) => {
				const whole = createHash(name);
				for (const part of list) whole.update(part);
				const expected = [...whole.digest()];
				expect([...(await nodeCrypto.digest(id, list))]).toEqual(expected);
				expect([...(await webCrypto.digest(id, list))]).toEqual(expected);
			}),
			{ seed: 0x5eed, numRuns: 200 }
		);
		expect(() => nodeCrypto.digest(2 as HashId, [])).toThrow();
	});

	it('says what WebCrypto says of good, altered and foreign Ed25519 signatures', async () => {
		const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
			'sign',
			'verify'
		])) as CryptoKeyPair;
		const other = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
			'sign',
			'verify'
		])) as CryptoKeyPair;
		const point = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
		const nodeKey = nodeCrypto.importKey(point);
		expect(nodeKey).not.toBeNull();
		const webKey = (await webCrypto.importKey(point)) as CryptoKey;
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ maxLength: 64 }),
				fc.constantFrom('good', 'flip', 'message', 'foreign'),
				fc.nat(),
				async (message, change, at) => {
					const signer = change === 'foreign' ? other.privateKey : pair.privateKey;
					const signature = new Uint8Array(
						await crypto.subtle.sign('Ed25519', signer, message as Uint8Array<ArrayBuffer>)
					);
					let checked = message;
					if (change === 'flip') signature[at % 64] = (signature[at % 64] as number) ^ 1;
					if (change === 'message') checked = Uint8Array.from([...message, at % 256]);
					const web = await webCrypto.verify(webKey, signature, checked);
					expect(await nodeCrypto.verify(nodeKey!, signature, checked)).toBe(web);
					expect(web).toBe(change === 'good');
				}
			),
			{ seed: 0x5eed, numRuns: 200 }
		);
	});
});
