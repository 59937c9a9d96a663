import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { utf8 } from './canonical';

/** Lowercase hex SHA-256. Pure and synchronous, so ids can be computed anywhere. */
export const sha256Hex = (data: Uint8Array | string): string =>
	bytesToHex(sha256(typeof data === 'string' ? utf8(data) : data));

export const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 over the sorted ids of a record set: names a set compactly (announcements, forks, results). */
export const recordSetDigest = (ids: Iterable<string>): string =>
	sha256Hex([...ids].sort().join('\n'));
