import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { utf8 } from './canonical';

type NodeHashing = {
	createHash(algorithm: 'sha256'): {
		update(data: Uint8Array | string): { digest(encoding: 'hex'): string };
	};
};

/**
 * Node's native SHA-256 where the runtime hands it over without an import (Node ≥ 20.16,
 * `process.getBuiltinModule`): the mirror and the command line hash every record they read,
 * and noble's JS SHA-256 of a 1 KB record cost ~50 µs against ~4 µs. A browser has no
 * `process`, so the app keeps noble and its bundle gains no node:crypto. Same bytes, same
 * digest: a string is hashed as its UTF-8 encoding either way (lone surrogates as U+FFFD).
 */
const native = ((): NodeHashing | null => {
	try {
		const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
			.process;
		const module = runtime?.getBuiltinModule?.('node:crypto') as NodeHashing | undefined;
		return typeof module?.createHash === 'function' ? module : null;
	} catch {
		return null;
	}
})();

/** Lowercase hex SHA-256 by noble: what every runtime without node:crypto uses. */
export const sha256HexPortable = (data: Uint8Array | string): string =>
	bytesToHex(sha256(typeof data === 'string' ? utf8(data) : data));

/** Lowercase hex SHA-256. Pure and synchronous, so ids can be computed anywhere. */
export const sha256Hex: (data: Uint8Array | string) => string = native
	? (data) => native.createHash('sha256').update(data).digest('hex')
	: sha256HexPortable;

export const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 over the sorted ids of a record set: names a set compactly (announcements, forks, results). */
export const recordSetDigest = (ids: Iterable<string>): string =>
	sha256Hex([...ids].sort().join('\n'));
