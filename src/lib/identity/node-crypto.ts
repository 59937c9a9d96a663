/**
 * The fast path's crypto on Node's own node:crypto (OpenSSL). Hashes are synchronous: one
 * native call for a 1 KB record, where WebCrypto in Node wraps each in a job and a promise
 * that cost more than the hash. Ed25519 checks go to libuv's thread pool (crypto.verify with
 * a callback), as WebCrypto's do but without its per-call wrapping: on the pool, the checks
 * of a batch run on every core while this thread parses and hashes the next records; done
 * here synchronously, a batch would use one core. For Node entry points only (mirror/, the
 * command line, benches): the app never imports this file, so node:crypto stays out of its
 * bundle. Pass it as `crypto` to createVerifier or createVerifyCore.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { FastCrypto, HashId } from './fast-signature';

const HASH_NAMES: Record<HashId, string> = { 8: 'sha256', 9: 'sha384', 10: 'sha512' };
/** DER SubjectPublicKeyInfo of an Ed25519 key (RFC 8410), before the 32-byte point. */
const SPKI_PREFIX = Uint8Array.from([
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
]);

export const nodeCrypto = {
	importKey(point: Uint8Array): KeyObject | null {
		if (point.length !== 32) return null;
		const der = new Uint8Array(SPKI_PREFIX.length + 32);
		der.set(SPKI_PREFIX);
		der.set(point, SPKI_PREFIX.length);
		try {
			return createPublicKey({ key: Buffer.from(der.buffer), format: 'der', type: 'spki' });
		} catch {
			return null;
		}
	},
	digest(hash: HashId, parts: readonly Uint8Array[]): Uint8Array {
		const name = HASH_NAMES[hash];
		if (!name) throw new Error(`no hash ${hash}`);
		const state = createHash(name);
		for (const part of parts) state.update(part);
		return state.digest();
	},
	verify(key: KeyObject, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
		return new Promise((resolve, reject) => {
			// null: Ed25519 takes no separate digest (it hashes the message itself).
			verify(null, message, key, signature, (error: Error | null, good: boolean) =>
				error ? reject(error) : resolve(good)
			);
		});
	}
} satisfies FastCrypto<KeyObject>;
