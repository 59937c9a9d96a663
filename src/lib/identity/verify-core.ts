/**
 * Signature checking itself, the same code in a Web Worker and inline. Knows nothing of
 * caches of results or of workers: it takes jobs and returns outcomes, and never throws.
 */
import type { PublicKey } from 'openpgp';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256Hex } from '../model/hash';
import { messageOf } from '../model/result';
import { base64ToBytes } from './base64';
import { verifyFast, webCrypto, type FastCrypto } from './fast-signature';
import {
	checkFacts,
	keyFactsOf,
	MAX_SELF_SIGNATURES,
	selfSignatureCount,
	type KeyFacts
} from './key-facts';
import { Lru } from './lru';
import { loadOpenpgp, type OpenPGPModule } from './openpgp';
import {
	DEFAULT_MAX_KEYS,
	type BatchResult,
	type VerifyCode,
	type VerifyJob,
	type VerifyOutcome,
	type WireJob,
	type WorkerRequest,
	type WorkerResponse
} from './verify-protocol';

export * from './verify-protocol';

/** The jobs of a request; a job whose key index is not in `keys` gets no key (rejected). */
function unpackJobs(keys: readonly unknown[], jobs: readonly unknown[]): VerifyJob[] {
	return jobs.map((job) => {
		const { key, ...rest } = (job ?? {}) as Partial<WireJob>;
		const publicKey = Number.isInteger(key) ? keys[key as number] : undefined;
		return { ...rest, publicKey } as VerifyJob;
	});
}

/** Bigger than any key a record may carry (model's MAX_ARMORED_KEY is 16 KiB). */
export const MAX_KEY_CHARS = 64 * 1024;
/**
 * WebCrypto calls in flight per batch: enough to keep Chromium's one WebCrypto thread (shared
 * by the page and its workers) fed, without holding a whole batch in memory. 16 against 8:
 * a join's checking took 2.65 s against 3.36 s (median of 6 rounds each, load ~3).
 */
const CONCURRENCY = 16;
/**
 * Parsed openpgp keys are large (tens of KB each) and needed only to read a key's facts or
 * for signatures the fast path does not judge: a few hundred, the most recently used.
 */
const DEFAULT_MAX_PARSED = 256;

/** What a key's first reading tells: its fingerprint, and facts if the fast path takes it. */
type KeyEntry =
	| { fingerprint: string; facts: KeyFacts | null; cryptoKey: Promise<unknown> | null }
	| { error: string };

const outcome = (
	fingerprint: string | null,
	code: VerifyCode | null,
	message = '',
	checked = false
): VerifyOutcome => ({ fingerprint, code, message, checked });

export type VerifyCore = {
	verifyBatch(jobs: readonly VerifyJob[]): Promise<VerifyOutcome[]>;
	/** The same, saying which checks took the fast path and what was learned of the keys. */
	verifyDetailed(jobs: readonly VerifyJob[], options?: DetailOptions): Promise<BatchResult>;
	/** Keys known (each read once with openpgp.readKey, about a millisecond). */
	readonly keyCount: number;
	/** Lowercase hex SHA-256 by the backend (native: WebCrypto, or node:crypto). */
	sha256Hex(data: Uint8Array): Promise<string>;
};

export type DetailOptions = {
	/**
	 * Every job's id was checked against its text in this process (parseEntry did it): not
	 * hashed again. Never set from a message: only a caller that parsed the text itself.
	 */
	idsChecked?: boolean;
};

export type VerifyCoreOptions = {
	maxKeys?: number;
	maxParsedKeys?: number;
	/**
	 * Hashing and Ed25519 for the fast path and the id check: WebCrypto by default. Node entry
	 * points pass node-crypto.ts (synchronous node:crypto), never imported by the app.
	 */
	crypto?: FastCrypto;
};

/** Keys whose names are remembered: at most 4 MiB of key text (keys are up to 16 KiB). */
const KEY_NAMES_KEPT = 256;

export function createVerifyCore(options: VerifyCoreOptions = {}): VerifyCore {
	const backend = options.crypto ?? (webCrypto as FastCrypto);
	// Promises, so a batch full of one author's records reads that key once.
	const keys = new Lru<string, Promise<KeyEntry>>(options.maxKeys ?? DEFAULT_MAX_KEYS);
	const parsedKeys = new Lru<string, Promise<PublicKey>>(
		options.maxParsedKeys ?? DEFAULT_MAX_PARSED
	);
	/**
	 * Armored key → the name its entries go by (its hash): a live record comes alone, and
	 * hashing its author's key again for each would cost a third of parsing the record. Few:
	 * live records come from a few recent authors, and each entry holds a whole key's text.
	 */
	const keyNames = new Lru<string, string>(KEY_NAMES_KEPT);
	/** Backend keys for facts handed in with jobs (the main thread's, from a worker). */
	const givenKeys = new WeakMap<KeyFacts, Promise<unknown>>();
	const encoder = new TextEncoder();

	/** A key the backend verifies with, or null (then openpgp judges); never rejects. */
	async function importKey(point: Uint8Array): Promise<unknown> {
		try {
			return (await backend.importKey(point)) ?? null;
		} catch {
			return null;
		}
	}

	// Both backends hash SHA-256 whatever happens (WebCrypto's falls back to noble).
	const nativeSha256Hex = async (data: Uint8Array): Promise<string> =>
		bytesToHex(await backend.digest(8, [data]));
	const idMatches = async (data: Uint8Array, id: string): Promise<boolean> =>
		(await nativeSha256Hex(data)) === id;

	function parsedKey(openpgp: OpenPGPModule, name: string, armored: string) {
		let parsed = parsedKeys.get(name);
		if (!parsed) {
			parsed = openpgp.readKey({ armoredKey: armored });
			parsedKeys.set(name, parsed);
			// A key that cannot be read is not kept; its entry says so.
			parsed.catch(() => parsedKeys.delete(name));
		}
		return parsed;
	}

	function keyEntry(openpgp: OpenPGPModule, name: string, armored: string): Promise<KeyEntry> {
		const known = keys.get(name);
		if (known) return known;
		const entry = parsedKey(openpgp, name, armored).then(
			async (key): Promise<KeyEntry> => {
				if (selfSignatureCount(key) > MAX_SELF_SIGNATURES) {
					return { error: `it carries more than ${MAX_SELF_SIGNATURES} self-signatures` };
				}
				let facts: KeyFacts | null = null;
				try {
					facts = await keyFactsOf(key);
				} catch {
					// Not a key the fast path understands: openpgp judges its signatures.
				}
				return {
					fingerprint: key.getFingerprint(),
					facts,
					cryptoKey: facts ? importKey(facts.point) : null
				};
			},
			(error: unknown): KeyEntry => ({ error: messageOf(error) })
		);
		keys.set(name, entry);
		return entry;
	}

	function givenEntry(job: VerifyJob): KeyEntry | null {
		const facts = job.facts ? checkFacts(job.facts) : null;
		if (!facts || !job.facts) return null;
		let cryptoKey = givenKeys.get(job.facts);
		if (!cryptoKey) {
			cryptoKey = importKey(facts.point);
			givenKeys.set(job.facts, cryptoKey);
		}
		return { fingerprint: facts.fingerprint, facts, cryptoKey };
	}

	async function verifyDetailed(
		jobs: readonly VerifyJob[],
		options: DetailOptions = {}
	): Promise<BatchResult> {
		const result: BatchResult = { outcomes: new Array(jobs.length), fast: [], facts: [] };
		/** Loaded only when a job needs it: known keys on the fast path need no openpgp. */
		let openpgp: Promise<OpenPGPModule> | null = null;
		const load = () => (openpgp ??= loadOpenpgp());
		/** Each distinct armored key is hashed once per batch, however many authors it has. */
		const names = new Map<string, string>();
		const reported = new Set<string>();

		async function openpgpCheck(
			lib: OpenPGPModule,
			job: VerifyJob,
			name: string,
			data: Uint8Array,
			bytes: Uint8Array
		): Promise<string | null> {
			const key = await parsedKey(lib, name, job.publicKey);
			const signature = await lib.readSignature({ binarySignature: bytes });
			// One signature, not a bundle in which any one verifying would do.
			if (signature.packets.length !== 1) return 'expected exactly one signature';
			const { signatures } = await lib.verify({
				message: await lib.createMessage({ binary: data }),
				signature,
				verificationKeys: key,
				// No clock: validity must not change with the time or device it is checked at.
				// Key expiry and revocation are still judged at the signature's creation time.
				date: null,
				format: 'binary'
			});
			const [first] = signatures;
			if (!first) return 'not a signature over data';
			// openpgp reports a bad signature by rejecting `verified`.
			await first.verified;
			return null;
		}

		async function verifyOne(job: VerifyJob, index: number): Promise<VerifyOutcome> {
			if (typeof job.publicKey !== 'string') {
				return outcome(null, 'key_mismatch', 'no public key given');
			}
			if (job.publicKey.length > MAX_KEY_CHARS) {
				return outcome(null, 'key_mismatch', 'the public key is too large to be one key');
			}
			let name = names.get(job.publicKey) ?? keyNames.get(job.publicKey);
			if (name === undefined) {
				name = sha256Hex(job.publicKey);
				keyNames.set(job.publicKey, name);
			}
			names.set(job.publicKey, name);
			let entry = givenEntry(job);
			if (!entry) {
				const known = keys.get(name);
				if (known) entry = await known;
				else {
					try {
						entry = await keyEntry(await load(), name, job.publicKey);
					} catch (error) {
						// Not the record's fault, but nothing can be shown as verified either.
						const message = `the OpenPGP library could not load: ${messageOf(error)}`;
						return outcome(null, 'signature_invalid', message);
					}
				}
				if ('fingerprint' in entry && entry.facts && !reported.has(job.publicKey)) {
					reported.add(job.publicKey);
					result.facts.push([index, entry.facts]);
				}
			}
			if ('error' in entry) {
				return outcome(null, 'key_mismatch', `the public key cannot be read: ${entry.error}`);
			}
			const { fingerprint, facts } = entry;
			if (fingerprint !== job.author) {
				return outcome(fingerprint, 'key_mismatch', 'the key is not the author’s key');
			}
			// Results are cached by id: an id that is not the text's hash would poison the cache,
			// or borrow another text's cached result.
			if (typeof job.text !== 'string') {
				return outcome(fingerprint, 'record_malformed', 'record does not match its id');
			}
			const data = encoder.encode(job.text);
			if (!options.idsChecked && !(await idMatches(data, job.id))) {
				return outcome(fingerprint, 'record_malformed', 'record does not match its id');
			}
			if (!job.checkSignature) return outcome(fingerprint, null);
			const bytes = base64ToBytes(job.signature);
			if (!bytes) return outcome(fingerprint, 'signature_invalid', 'signature is not base64', true);
			const cryptoKey = facts && (await entry.cryptoKey);
			if (facts && cryptoKey) {
				const verdict = await verifyFast(facts, cryptoKey, data, bytes, backend);
				if (verdict) {
					result.fast.push(index);
					return verdict.valid
						? outcome(fingerprint, null, '', true)
						: outcome(fingerprint, 'signature_invalid', verdict.reason, true);
				}
			}
			let lib: OpenPGPModule;
			try {
				lib = await load();
			} catch (error) {
				const message = `the OpenPGP library could not load: ${messageOf(error)}`;
				return outcome(fingerprint, 'signature_invalid', message, false);
			}
			try {
				const failure = await openpgpCheck(lib, job, name, data, bytes);
				return failure === null
					? outcome(fingerprint, null, '', true)
					: outcome(fingerprint, 'signature_invalid', failure, true);
			} catch (error) {
				return outcome(fingerprint, 'signature_invalid', messageOf(error), true);
			}
		}

		let next = 0;
		const lane = async () => {
			while (next < jobs.length) {
				const index = next++;
				try {
					result.outcomes[index] = await verifyOne(jobs[index] as VerifyJob, index);
				} catch (error) {
					// verifyOne catches what openpgp throws; this is for jobs that are not objects.
					result.outcomes[index] = outcome(null, 'signature_invalid', messageOf(error));
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, lane));
		return result;
	}

	return {
		verifyDetailed,
		async verifyBatch(jobs) {
			return (await verifyDetailed(jobs)).outcomes;
		},
		get keyCount() {
			return keys.size;
		},
		sha256Hex: nativeSha256Hex
	};
}

/**
 * The worker's whole protocol: one request, one response with the same seq. A request
 * without `keys` carries whole VerifyJobs (each with its own publicKey).
 */
export async function handleRequest(core: VerifyCore, request: unknown): Promise<WorkerResponse> {
	const { seq, jobs, keys } = (request ?? {}) as Partial<Record<keyof WorkerRequest, unknown>>;
	if (
		typeof seq !== 'number' ||
		!Array.isArray(jobs) ||
		!(keys === undefined || Array.isArray(keys))
	) {
		return { seq: typeof seq === 'number' ? seq : -1, error: 'malformed request' };
	}
	const start = performance.now();
	const unpacked = keys === undefined ? (jobs as VerifyJob[]) : unpackJobs(keys, jobs);
	const result = await core.verifyDetailed(unpacked);
	return { seq, ...result, ms: performance.now() - start };
}
