/**
 * The fast path of signature checking: one OpenPGP signature packet read here and its
 * Ed25519 signature checked with WebCrypto, without openpgp. It takes only the shapes it
 * fully understands and for those gives exactly openpgp.verify's verdict (with `date:
 * null`, as verify-core.ts calls it); for anything else it says `null`, and the caller
 * asks openpgp. Which shapes, and why each rule holds, is in README.md ("Fast path").
 *
 * Hashing follows RFC 4880 §5.2.4 (v4) and RFC 9580 §5.2.4 (v6): the digest of (v6 salt ||
 * data || signature packet from its version through the hashed subpackets || version,
 * 0xFF, 4-byte length of that part); EdDSA signs the digest.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ED25519, EDDSA_LEGACY, maySign, type KeyFacts } from './key-facts';

/** 'valid' / a reason it is not / null: not a shape this path judges (ask openpgp). */
export type FastVerdict = { valid: true } | { valid: false; reason: string } | null;

/** RFC 9580 Table 23: v6 salt size per hash (8: SHA-256, 9: SHA-384, 10: SHA-512). */
const SALT = { 8: 16, 9: 24, 10: 32 } as const;
export type HashId = keyof typeof SALT;

const SUB_CREATED = 2;
const SUB_SIGNATURE_EXPIRY = 3;
const SUB_ISSUER_KEY_ID = 16;
const SUB_NOTATION = 20;
const SUB_ISSUER_FINGERPRINT = 33;

/** A signature packet's parts the check needs. */
type Packet = {
	version: 4 | 6;
	hash: HashId;
	/** From the version octet through the hashed subpackets. */
	hashed: Uint8Array;
	created: number;
	left16: Uint8Array;
	salt: Uint8Array;
	/** R || S, 64 bytes. */
	signature: Uint8Array<ArrayBuffer>;
};

const readUint = (bytes: Uint8Array, at: number, size: number): number => {
	let n = 0;
	for (let i = 0; i < size; i++) n = n * 256 + (bytes[at + i] as number);
	return n;
};

const toHex = (bytes: Uint8Array): string => {
	let hex = '';
	for (const b of bytes) hex += b.toString(16).padStart(2, '0');
	return hex;
};

/** The body of the one packet in `bytes` if it is a signature packet (tag 2), else null. */
function signatureBody(bytes: Uint8Array): Uint8Array | null {
	const first = bytes[0];
	if (first === undefined || (first & 0x80) === 0) return null;
	let at: number;
	let length: number;
	if (first & 0x40) {
		if ((first & 0x3f) !== 2) return null;
		const b = bytes[1];
		if (b === undefined) return null;
		if (b < 192) [at, length] = [2, b];
		else if (b < 224) [at, length] = [3, ((b - 192) << 8) + (bytes[2] ?? 0) + 192];
		else if (b === 255) [at, length] = [6, readUint(bytes, 2, 4)];
		// Partial body lengths: openpgp streams those; not a shape for this path.
		else return null;
	} else {
		if (((first >> 2) & 0x0f) !== 2) return null;
		const size = [1, 2, 4][first & 0x03];
		if (size === undefined) return null;
		[at, length] = [1 + size, readUint(bytes, 1, size)];
	}
	// Exactly one packet, nothing after it.
	return at + length === bytes.length ? bytes.subarray(at) : null;
}

type Subpackets = { created: number | null; issuer: boolean; ok: boolean };

/**
 * Walk one subpacket area. Hashed: only creation time, signature expiry (openpgp ignores it
 * with no date), issuer, issuer fingerprint and non-critical notations. Unhashed: openpgp
 * reads only issuer, issuer fingerprint and embedded signatures and ignores the rest.
 */
function readSubpackets(area: Uint8Array, facts: KeyFacts, hashed: boolean, into: Subpackets) {
	let i = 0;
	while (i < area.length) {
		const b = area[i] as number;
		// A length cut short by the area's end: openpgp reads on into the next field (an
		// unhashed one into the left 16 bits and the signature) and parses something else.
		const header = b < 192 ? 1 : b < 255 ? 2 : 5;
		if (i + header > area.length) return void (into.ok = false);
		let length: number;
		if (b < 192) length = b;
		else if (b < 255) length = ((b - 192) << 8) + (area[i + 1] as number) + 192;
		else length = readUint(area, i + 1, 4);
		i += header;
		if (length < 1 || i + length > area.length) return void (into.ok = false);
		const type = (area[i] as number) & 0x7f;
		const critical = ((area[i] as number) & 0x80) !== 0;
		const body = area.subarray(i + 1, i + length);
		i += length;
		if (type === SUB_ISSUER_KEY_ID) {
			// openpgp: v6 signatures must not carry it (hashed: rejected; unhashed: ignored).
			if (facts.version !== 4 || body.length !== 8 || toHex(body) !== facts.keyId) {
				return void (into.ok = false);
			}
			into.issuer = true;
		} else if (type === SUB_ISSUER_FINGERPRINT) {
			if (body[0] !== facts.version || toHex(body.subarray(1)) !== facts.fingerprint) {
				return void (into.ok = false);
			}
			into.issuer = true;
		} else if (!hashed) {
			// Embedded signatures are parsed (and may throw) even unhashed.
			if (type === 32) return void (into.ok = false);
		} else if (type === SUB_CREATED) {
			if (body.length !== 4 || into.created !== null) return void (into.ok = false);
			into.created = readUint(body, 0, 4);
		} else if (type === SUB_SIGNATURE_EXPIRY) {
			if (body.length !== 4) return void (into.ok = false);
		} else if (type === SUB_NOTATION) {
			// A critical notation is rejected unless configured as known: leave it to openpgp.
			if (critical || body.length < 8) return void (into.ok = false);
			if (8 + readUint(body, 4, 2) + readUint(body, 6, 2) !== body.length) {
				return void (into.ok = false);
			}
		} else return void (into.ok = false);
	}
}

/** The packet, if it is exactly a shape this path judges for this key. */
export function readPacket(bytes: Uint8Array, facts: KeyFacts): Packet | null {
	const body = signatureBody(bytes);
	if (!body) return null;
	const version = body[0];
	// Type 0x00 (binary document), the key's own version and algorithm, a SHA-2 hash.
	if (version !== facts.version || body[1] !== 0x00 || body[2] !== facts.algorithm) return null;
	const hash = body[3] as HashId;
	if (!(hash in SALT)) return null;
	const areaSize = version === 6 ? 4 : 2;
	if (body.length < 4 + areaSize) return null;
	const subpackets: Subpackets = { created: null, issuer: false, ok: true };
	let at = 4;
	const hashedLength = readUint(body, at, areaSize);
	at += areaSize;
	if (at + hashedLength > body.length) return null;
	readSubpackets(body.subarray(at, at + hashedLength), facts, true, subpackets);
	at += hashedLength;
	const hashed = body.subarray(0, at);
	if (at + areaSize > body.length) return null;
	const unhashedLength = readUint(body, at, areaSize);
	at += areaSize;
	if (at + unhashedLength > body.length) return null;
	readSubpackets(body.subarray(at, at + unhashedLength), facts, false, subpackets);
	at += unhashedLength;
	if (!subpackets.ok || subpackets.created === null || !subpackets.issuer) return null;
	if (at + 2 > body.length) return null;
	const left16 = body.subarray(at, at + 2);
	at += 2;
	let salt: Uint8Array = new Uint8Array(0);
	if (version === 6) {
		const size = body[at];
		if (size !== SALT[hash] || at + 1 + size > body.length) return null;
		salt = body.subarray(at + 1, at + 1 + size);
		at += 1 + size;
	}
	const signature = signatureValue(body.subarray(at), facts.algorithm);
	if (!signature) return null;
	return { version, hash, hashed, created: subpackets.created, left16, salt, signature };
}

/** R || S from the algorithm-specific fields, or null if they are not exactly that. */
function signatureValue(fields: Uint8Array, algorithm: number): Uint8Array<ArrayBuffer> | null {
	if (algorithm === ED25519) return fields.length === 64 ? fields.slice() : null;
	if (algorithm !== EDDSA_LEGACY) return null;
	// Two MPIs, r and s, each left-padded to 32 bytes as openpgp does.
	const value = new Uint8Array(64);
	let at = 0;
	for (const offset of [0, 32]) {
		if (at + 2 > fields.length) return null;
		const size = (readUint(fields, at, 2) + 7) >>> 3;
		at += 2;
		if (size > 32 || at + size > fields.length) return null;
		value.set(fields.subarray(at, at + size), offset + 32 - size);
		at += size;
	}
	return at === fields.length ? value : null;
}

const DIGEST_NAMES = { 8: 'SHA-256', 9: 'SHA-384', 10: 'SHA-512' } as const;

/**
 * What the fast path needs of a crypto library. WebCrypto by default (`webCrypto`); Node
 * entry points pass node:crypto's synchronous calls (node-crypto.ts), which cost a fraction
 * of a WebCrypto promise per call. Any call may throw or reject: the fast path then declines
 * and openpgp judges. `K` is whatever the library verifies with.
 */
export type FastCrypto<K = unknown> = {
	/** The verifying key for a raw Ed25519 point, or null where the library has no Ed25519. */
	importKey(point: Uint8Array): Promise<K | null> | K | null;
	/** The digest of the parts, one after the other. */
	digest(hash: HashId, parts: readonly Uint8Array[]): Promise<Uint8Array> | Uint8Array;
	/** Whether `signature` (R || S) is the key's Ed25519 signature of `message`. */
	verify(key: K, signature: Uint8Array, message: Uint8Array): Promise<boolean> | boolean;
};

/**
 * A digest by WebCrypto where it has one (native, and off this thread in browsers: a JS hash
 * of a 1 KB record cost as much as a third of the signature check), else SHA-256 by noble.
 * No JS SHA-384/512: bundled beside the SHA-256 the model uses, they would weigh on the
 * page's first load; without WebCrypto those signatures go to openpgp (see verifyFast).
 */
async function digest(hash: HashId, bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
	try {
		const copy = bytes as Uint8Array<ArrayBuffer>;
		return new Uint8Array(await crypto.subtle.digest(DIGEST_NAMES[hash], copy));
	} catch (error) {
		if (hash === 8) return sha256(bytes) as Uint8Array<ArrayBuffer>;
		throw error;
	}
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	if (parts.length === 1) return parts[0] as Uint8Array;
	let size = 0;
	for (const part of parts) size += part.length;
	const all = new Uint8Array(size);
	let at = 0;
	for (const part of parts) {
		all.set(part, at);
		at += part.length;
	}
	return all;
}

/** The key for WebCrypto, or null where WebCrypto has no Ed25519 (openpgp then uses its own code). */
export async function importPoint(point: Uint8Array): Promise<CryptoKey | null> {
	try {
		const bytes = new Uint8Array(point);
		return await crypto.subtle.importKey('raw', bytes, { name: 'Ed25519' }, false, ['verify']);
	} catch {
		return null;
	}
}

/** The browser's (and the default) backend. */
export const webCrypto: FastCrypto<CryptoKey> = {
	importKey: importPoint,
	digest: (hash, parts) => digest(hash, concat(parts)),
	verify: (key, signature, message) =>
		crypto.subtle.verify(
			'Ed25519',
			key,
			signature as Uint8Array<ArrayBuffer>,
			message as Uint8Array<ArrayBuffer>
		)
};

/** The parts whose digest the packet's EdDSA signature is over, in order. */
function packetParts(packet: Packet, data: Uint8Array): Uint8Array[] {
	const { salt, hashed } = packet;
	const trailer = new Uint8Array(6);
	trailer[0] = packet.version;
	trailer[1] = 0xff;
	new DataView(trailer.buffer).setUint32(2, hashed.length);
	return salt.length > 0 ? [salt, data, hashed, trailer] : [data, hashed, trailer];
}

/**
 * openpgp.verify's verdict on `signature` (the bytes of one binary signature) over `data`,
 * for a key with these facts, or null when this path does not judge this signature.
 * `key` is what `backend.importKey` made of the facts' point.
 */
export async function verifyFast<K>(
	facts: KeyFacts,
	key: K,
	data: Uint8Array,
	signature: Uint8Array,
	backend: FastCrypto<K> = webCrypto as FastCrypto<unknown> as FastCrypto<K>
): Promise<FastVerdict> {
	const packet = readPacket(signature, facts);
	if (!packet) return null;
	let hashed: Uint8Array;
	try {
		hashed = await backend.digest(packet.hash, packetParts(packet, data));
	} catch {
		return null; // no digest here: openpgp judges it
	}
	if (hashed[0] !== packet.left16[0] || hashed[1] !== packet.left16[1]) {
		return { valid: false, reason: 'Signed digest did not match' };
	}
	let good: boolean;
	try {
		good = await backend.verify(key, packet.signature, hashed);
	} catch {
		return null;
	}
	if (good !== true) return { valid: false, reason: 'Signature verification failed' };
	if (!maySign(facts, packet.created)) {
		return { valid: false, reason: 'the key could not sign at the signature’s creation time' };
	}
	return { valid: true };
}
