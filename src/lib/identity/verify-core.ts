/**
 * Signature checking itself, the same code in a Web Worker and inline. Knows nothing of
 * caches of results or of workers: it takes jobs and returns outcomes, and never throws.
 */
import type { PublicKey } from 'openpgp';
import { sha256Hex } from '../model/hash';
import { base64ToBytes } from './base64';
import { loadOpenpgp, type OpenPGPModule } from './openpgp';

export type VerifyJob = {
	id: string;
	text: string;
	signature: string;
	publicKey: string;
	author: string;
	/**
	 * false when a persistent cache already vouches for (id, author, signature): only the
	 * key's fingerprint is still needed, to hold it against the author.
	 */
	checkSignature: boolean;
};

export type VerifyCode = 'signature_invalid' | 'key_mismatch' | 'record_malformed';

export type VerifyOutcome = {
	/** The key's fingerprint, or null when the key could not be read. */
	fingerprint: string | null;
	/** null: valid. */
	code: VerifyCode | null;
	message: string;
	/** Whether a signature was actually checked (for stats). */
	checked: boolean;
};

/** A job on its way to a worker: its key is an index into the request's `keys`. */
export type WireJob = Omit<VerifyJob, 'publicKey'> & { key: number };
/**
 * One message to a worker. Each distinct armored key travels once per message, however
 * many of its records the message holds (a key is about as large as a record). `warmUp`:
 * first check the worker's own known-good record (warm-up.ts), so later ones find openpgp
 * loaded and its code compiled.
 */
export type WorkerRequest = { seq: number; keys: string[]; jobs: WireJob[]; warmUp?: boolean };
export type WorkerResponse =
	{ seq: number; outcomes: VerifyOutcome[] } | { seq: number; error: string };

/** The request for `jobs`, with every distinct key listed once. */
export function packRequest(seq: number, jobs: readonly VerifyJob[]): WorkerRequest {
	const keys: string[] = [];
	const index = new Map<string, number>();
	const wire = jobs.map(({ publicKey, ...job }): WireJob => {
		let key = index.get(publicKey);
		if (key === undefined) {
			key = keys.push(publicKey) - 1;
			index.set(publicKey, key);
		}
		return { ...job, key };
	});
	return { seq, keys, jobs: wire };
}

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
/** Enough to overlap WebCrypto calls without holding a whole batch of messages in memory. */
const CONCURRENCY = 8;

type ParsedKey = { key: PublicKey; fingerprint: string } | { error: string };

const messageOf = (error: unknown): string =>
	error instanceof Error ? error.message : String(error);

const outcome = (
	fingerprint: string | null,
	code: VerifyCode | null,
	message = '',
	checked = false
): VerifyOutcome => ({ fingerprint, code, message, checked });

export type VerifyCore = {
	verifyBatch(jobs: readonly VerifyJob[]): Promise<VerifyOutcome[]>;
	/** Parsed keys held (readKey costs about a millisecond; a country has few keys). */
	readonly keyCount: number;
};

export function createVerifyCore(options: { maxKeys?: number } = {}): VerifyCore {
	const maxKeys = options.maxKeys ?? 2048;
	// Promises, so a batch full of one author's records parses that key once.
	const keys = new Map<string, Promise<ParsedKey>>();
	const encoder = new TextEncoder();

	function keyFor(openpgp: OpenPGPModule, armored: string): Promise<ParsedKey> {
		const known = keys.get(armored);
		if (known) return known;
		const parsed = openpgp.readKey({ armoredKey: armored }).then(
			(key): ParsedKey => ({ key, fingerprint: key.getFingerprint() }),
			(error: unknown): ParsedKey => ({ error: messageOf(error) })
		);
		if (keys.size >= maxKeys) {
			const oldest = keys.keys().next();
			if (!oldest.done) keys.delete(oldest.value);
		}
		keys.set(armored, parsed);
		return parsed;
	}

	async function verifyOne(openpgp: OpenPGPModule, job: VerifyJob): Promise<VerifyOutcome> {
		if (typeof job.publicKey !== 'string') {
			return outcome(null, 'key_mismatch', 'no public key given');
		}
		if (job.publicKey.length > MAX_KEY_CHARS) {
			return outcome(null, 'key_mismatch', 'the public key is too large to be one key');
		}
		const parsed = await keyFor(openpgp, job.publicKey);
		if ('error' in parsed) {
			return outcome(null, 'key_mismatch', `the public key cannot be read: ${parsed.error}`);
		}
		const { fingerprint, key } = parsed;
		if (fingerprint !== job.author) {
			return outcome(fingerprint, 'key_mismatch', 'the key is not the author’s key');
		}
		// Results are cached by id: an id that is not the text's hash would poison the cache,
		// or borrow another text's cached result.
		if (typeof job.text !== 'string' || sha256Hex(job.text) !== job.id) {
			return outcome(fingerprint, 'record_malformed', 'record does not match its id');
		}
		if (!job.checkSignature) return outcome(fingerprint, null);
		const bytes = base64ToBytes(job.signature);
		if (!bytes) return outcome(fingerprint, 'signature_invalid', 'signature is not base64', true);
		try {
			const signature = await openpgp.readSignature({ binarySignature: bytes });
			// One signature, not a bundle in which any one verifying would do.
			if (signature.packets.length !== 1) {
				return outcome(fingerprint, 'signature_invalid', 'expected exactly one signature', true);
			}
			const { signatures } = await openpgp.verify({
				message: await openpgp.createMessage({ binary: encoder.encode(job.text) }),
				signature,
				verificationKeys: key,
				// No clock: validity must not change with the time or device it is checked at.
				// Key expiry and revocation are still judged at the signature's creation time.
				date: null,
				format: 'binary'
			});
			const [first] = signatures;
			if (!first) {
				return outcome(fingerprint, 'signature_invalid', 'not a signature over data', true);
			}
			// openpgp reports a bad signature by rejecting `verified`.
			await first.verified;
			return outcome(fingerprint, null, '', true);
		} catch (error) {
			return outcome(fingerprint, 'signature_invalid', messageOf(error), true);
		}
	}

	async function verifyBatch(jobs: readonly VerifyJob[]): Promise<VerifyOutcome[]> {
		let openpgp: OpenPGPModule;
		try {
			openpgp = await loadOpenpgp();
		} catch (error) {
			// Not the records' fault, but nothing can be shown as verified either.
			const message = `the OpenPGP library could not load: ${messageOf(error)}`;
			return jobs.map(() => outcome(null, 'signature_invalid', message));
		}
		const outcomes = new Array<VerifyOutcome>(jobs.length);
		let next = 0;
		const lane = async () => {
			while (next < jobs.length) {
				const index = next++;
				const job = jobs[index] as VerifyJob;
				try {
					outcomes[index] = await verifyOne(openpgp, job);
				} catch (error) {
					// verifyOne catches what openpgp throws; this is for jobs that are not objects.
					outcomes[index] = outcome(null, 'signature_invalid', messageOf(error));
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, lane));
		return outcomes;
	}

	return {
		verifyBatch,
		get keyCount() {
			return keys.size;
		}
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
	const unpacked = keys === undefined ? (jobs as VerifyJob[]) : unpackJobs(keys, jobs);
	return { seq, outcomes: await core.verifyBatch(unpacked) };
}
