/**
 * What the fast signature check (fast-signature.ts) needs to know of a key, read once from
 * an openpgp `PublicKey`: its raw Ed25519 point, fingerprint, key id, and the times at which
 * openpgp lets its primary key sign. A few hundred bytes per key, plain data: a worker that
 * parsed a key can hand its facts to the main thread, which then needs no openpgp at all.
 *
 * Whether the primary key may sign at a time T (not expired then, self-signatures valid
 * then, its algorithm accepted) is asked of openpgp itself (`getSigningKey(id, T)`), so every
 * key rule openpgp applies still applies. That answer only changes at the times written in
 * the key (key and signature creation, signature and key expiry): every check compares T
 * with one of them. Asking at each such time gives the answer for all times.
 */
import type { PublicKey } from 'openpgp';

/** RFC 9580 public-key algorithm ids the fast path handles. */
export const EDDSA_LEGACY = 22;
export const ED25519 = 27;

export type KeyFacts = {
	version: 4 | 6;
	algorithm: typeof EDDSA_LEGACY | typeof ED25519;
	/** Lowercase hex, as `PublicKey.getFingerprint()`. */
	fingerprint: string;
	/** Lowercase hex, 16 digits, as `KeyID.toHex()`. */
	keyId: string;
	/** The raw 32-byte Ed25519 public point. */
	point: Uint8Array;
	/**
	 * Seconds since 1970, in pairs [from, to): the times at which openpgp accepts a data
	 * signature of the primary key (`to` may be Infinity). Sorted, not overlapping.
	 */
	spans: number[];
};

/** A hostile key with thousands of signatures must not cost thousands of checks. */
const MAX_TIMES = 64;
/**
 * openpgp checks a key's self-signatures again at every question (it remembers only those
 * that verified), so facts cost up to (times asked × self-signatures) signature checks, each
 * about 0.15 ms. Past this budget the fast path declines the key (openpgp judges its records).
 */
export const MAX_FACT_CHECKS = 512;
/**
 * Keys carrying more self-signatures than this are refused outright (verify-core.ts): openpgp
 * would check every invalid one again for each record of the key. Keys made by the app carry
 * 2; a GnuPG key gains one or two at each renewal.
 */
export const MAX_SELF_SIGNATURES = 64;

type SignatureTimes = {
	created: Date | null;
	signatureExpirationTime: number | null;
	keyExpirationTime: number | null;
	embeddedSignature?: SignatureTimes | null;
};

/** Whether openpgp lets the primary key make a data signature created at `seconds`. */
async function maySignAt(key: PublicKey, seconds: number): Promise<boolean> {
	const at = new Date(seconds * 1000);
	// openpgp.verify rejects a signature older than its key ("Key is newer than the signature").
	if (key.getCreationTime() > at) return false;
	try {
		await key.getSigningKey(key.getKeyID(), at);
		return true;
	} catch {
		return false;
	}
}

/** Self-signatures openpgp may check when asked whether the key can sign (embedded ones too). */
export function selfSignatureCount(key: PublicKey): number {
	const count = (signatures: readonly SignatureTimes[] | undefined) => {
		let n = 0;
		for (const signature of signatures ?? []) n += signature.embeddedSignature ? 2 : 1;
		return n;
	};
	// reason: openpgp's Key has `directSignatures` at runtime; its .d.ts does not declare it.
	let n = count((key as unknown as { directSignatures?: SignatureTimes[] }).directSignatures);
	for (const user of key.users) n += count(user.selfCertifications);
	for (const subkey of key.subkeys) n += count(subkey.bindingSignatures);
	return n;
}

/** Every time (in seconds) at which a check inside getSigningKey can change its answer. */
function criticalTimes(key: PublicKey): number[] | null {
	const times = new Set<number>();
	const addDate = (date: Date | null | undefined) => {
		if (date instanceof Date && Number.isFinite(date.getTime())) {
			times.add(Math.floor(date.getTime() / 1000));
		}
	};
	const addSignature = (signature: SignatureTimes, keyCreated: Date) => {
		addDate(signature.created);
		const created = signature.created?.getTime();
		if (created !== undefined && signature.signatureExpirationTime) {
			addDate(new Date(created + signature.signatureExpirationTime * 1000));
		}
		if (signature.keyExpirationTime) {
			addDate(new Date(keyCreated.getTime() + signature.keyExpirationTime * 1000));
		}
		if (signature.embeddedSignature) addSignature(signature.embeddedSignature, keyCreated);
	};
	const primaryCreated = key.keyPacket.created;
	addDate(primaryCreated);
	// reason: openpgp's Key has `directSignatures` at runtime; its .d.ts does not declare it.
	const direct = (key as unknown as { directSignatures?: SignatureTimes[] }).directSignatures;
	for (const signature of direct ?? []) addSignature(signature, primaryCreated);
	for (const user of key.users) {
		for (const signature of user.selfCertifications) addSignature(signature, primaryCreated);
	}
	for (const subkey of key.subkeys) {
		const created = subkey.keyPacket.created;
		addDate(created);
		for (const signature of subkey.bindingSignatures) addSignature(signature, created);
	}
	return times.size > MAX_TIMES ? null : [...times].sort((a, b) => a - b);
}

/**
 * Facts for the fast path, or null when this key is not one it handles (then every
 * signature of the key goes through openpgp.verify).
 */
export async function keyFactsOf(key: PublicKey): Promise<KeyFacts | null> {
	const packet = key.keyPacket;
	const version = packet.version;
	if (version !== 4 && version !== 6) return null;
	// Revocations leave marks on openpgp's objects that outlive one check (a signature once
	// found revoked stays so), so their answers depend on history: those keys stay on openpgp.
	if (
		key.revocationSignatures.length > 0 ||
		key.users.some((user) => user.revocationSignatures.length > 0) ||
		key.subkeys.some((subkey) => subkey.revocationSignatures.length > 0)
	) {
		return null;
	}
	const point = rawPoint(packet.algorithm, packet.publicParams);
	if (!point) return null;
	const times = criticalTimes(key);
	if (!times || times.length * selfSignatureCount(key) > MAX_FACT_CHECKS) return null;
	const spans: number[] = [];
	for (let i = 0; i < times.length; i++) {
		if (!(await maySignAt(key, times[i] as number))) continue;
		const until = times[i + 1] ?? Infinity;
		// Adjacent valid stretches join into one span.
		if (spans.length > 0 && spans[spans.length - 1] === times[i]) spans[spans.length - 1] = until;
		else spans.push(times[i] as number, until);
	}
	return {
		version,
		algorithm: packet.algorithm as KeyFacts['algorithm'],
		fingerprint: key.getFingerprint(),
		keyId: key.getKeyID().toHex(),
		point,
		spans
	};
}

/** The raw Ed25519 point of an EdDSA-legacy (Ed25519 curve) or Ed25519 key, else null. */
function rawPoint(algorithm: number, params: object): Uint8Array | null {
	const { oid, Q, A } = params as { oid?: { getName?: () => string }; Q?: unknown; A?: unknown };
	if (algorithm === EDDSA_LEGACY) {
		let curve: string | undefined;
		try {
			curve = oid?.getName?.();
		} catch {
			return null;
		}
		// openpgp's own check: the point is 0x40 followed by the 32 bytes.
		if (curve !== 'ed25519Legacy' || !(Q instanceof Uint8Array)) return null;
		if (Q.length !== 33 || Q[0] !== 0x40) return null;
		return Q.slice(1);
	}
	if (algorithm === ED25519) {
		return A instanceof Uint8Array && A.length === 32 ? A.slice() : null;
	}
	return null;
}

/** Whether openpgp lets the key sign at `seconds` (a signature's creation time). */
export function maySign(facts: KeyFacts, seconds: number): boolean {
	const { spans } = facts;
	for (let i = 0; i + 1 < spans.length; i += 2) {
		if (seconds >= (spans[i] as number) && seconds < (spans[i + 1] as number)) return true;
	}
	return false;
}

const HEX = /^[0-9a-f]+$/;

/**
 * Facts that came over a message (from a worker): the right shape, or null. The worker is
 * ours, but a message is still data; a wrong shape must not become a wrong verdict.
 */
export function checkFacts(value: unknown): KeyFacts | null {
	const f = value as Partial<KeyFacts> | null;
	if (typeof f !== 'object' || f === null) return null;
	const { version, algorithm, fingerprint, keyId, point, spans } = f;
	if (version !== 4 && version !== 6) return null;
	if (algorithm !== EDDSA_LEGACY && algorithm !== ED25519) return null;
	if (typeof fingerprint !== 'string' || fingerprint.length !== (version === 4 ? 40 : 64)) {
		return null;
	}
	if (typeof keyId !== 'string' || keyId.length !== 16) return null;
	if (!HEX.test(fingerprint) || !HEX.test(keyId)) return null;
	if (!(point instanceof Uint8Array) || point.length !== 32) return null;
	if (!Array.isArray(spans) || spans.length % 2 !== 0) return null;
	if (!spans.every((n) => typeof n === 'number' && !Number.isNaN(n))) return null;
	return { version, algorithm, fingerprint, keyId, point, spans };
}
