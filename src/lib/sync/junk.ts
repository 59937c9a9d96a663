/**
 * Which stored entries are junk for good: no version of the app, now or later, and no key
 * that may still arrive, can ever make them a record. Honest peers remove only these
 * (RecordStore), so an older peer never deletes what a newer one would accept. Everything
 * else that fails (too large, not JSON, not canonical, an unknown kind or version, a bad
 * signature, a key not here yet, a rule) may pass elsewhere or later, and stays.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256Hex, HEX64, type SignedEntry } from '../model';

/**
 * `not_an_entry`: the value is not an object holding a string `record` and a string
 * `signature` (other fields are ignored, as parseEntry ignores them: a later version may add
 * some). `wrong_id`: the id is not the SHA-256 hex of the record text — content addressing,
 * the one thing every version of the record model shares.
 */
export type JunkReason = 'not_an_entry' | 'wrong_id';

/** The value as an entry when it has the shape of one (two strings), or null: junk. */
export function storedEntry(value: unknown): SignedEntry | null {
	if (typeof value !== 'object' || value === null) return null;
	const { record, signature } = value as Partial<Record<keyof SignedEntry, unknown>>;
	return typeof record === 'string' && typeof signature === 'string' ? { record, signature } : null;
}

const encoder = new TextEncoder();

/** SHA-256 hex of a text's UTF-8 bytes, as parseEntry hashes it; off this thread where it can. */
async function hashText(text: string): Promise<string> {
	const subtle = globalThis.crypto?.subtle;
	// Without WebCrypto (a page served over plain http from another host): the model's own.
	if (!subtle) return sha256Hex(text);
	return bytesToHex(new Uint8Array(await subtle.digest('SHA-256', encoder.encode(text))));
}

/**
 * Why the value stored under `id` can never be a record anywhere, or null when it might
 * be one. `present`: the map holds the id (Yjs can store `undefined`, which reads as absent).
 * Never throws.
 */
export async function junkReason(
	id: string,
	value: unknown,
	present = value !== undefined
): Promise<JunkReason | null> {
	if (!present) return null;
	const text = storedEntry(value)?.record;
	if (text === undefined) return 'not_an_entry';
	// Every SHA-256 hex has this form: another id needs no hashing to be wrong.
	if (!HEX64.test(id)) return 'wrong_id';
	try {
		return (await hashText(text)) === id ? null : 'wrong_id';
	} catch {
		// WebCrypto refused (out of memory): no verdict, the entry stays for now.
		return null;
	}
}
