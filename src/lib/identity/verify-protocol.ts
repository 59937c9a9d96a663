/**
 * What the verifier, its workers and its pool say to each other: jobs, outcomes, the wire
 * format. Apart from the checking itself (verify-core.ts), so the page's first load carries
 * the protocol and not the parser and WebCrypto code behind it, which load on demand.
 */
import type { KeyFacts } from './key-facts';
import type { AnyRecord } from '../model/record';
import type { Err } from '../model/result';

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
	/**
	 * The key's facts when the caller already has them (the main thread, learned from a
	 * worker): then this job needs no openpgp unless its signature is not a fast-path shape.
	 * Never sent to a worker.
	 */
	facts?: KeyFacts;
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

/**
 * A stored entry not parsed yet (check-entries.ts): the checker parses it, and verifies it
 * only if it parses and names `author`, whose key is `publicKey`, as its author and signer.
 * So the page need not parse (or hash) what it hands to a worker: it reads the author the
 * text claims, picks that author's key, and gets back the parsed record with its verdict.
 */
export type EntryJob = {
	id: string;
	record: string;
	signature: string;
	/** The author the caller expects; a record naming another gets no verdict. */
	author: string;
	publicKey: string;
	checkSignature: boolean;
	/** As in VerifyJob: the key's facts when the caller has them. Never sent to a worker. */
	facts?: KeyFacts;
};

/**
 * A parsed entry's record, or why it did not parse (parseEntry's error). `outcome` is null
 * when the record is not `author`'s or carries its own key (genesis, citizen): the caller
 * verifies it as it verifies any parsed record.
 */
export type EntryOutcome = {
	parsed: { ok: true; record: AnyRecord } | Err;
	outcome: VerifyOutcome | null;
};

/** A job on its way to a worker: its key is an index into the request's `keys`. */
export type WireJob = Omit<VerifyJob, 'publicKey' | 'facts'> & { key: number };
export type WireEntryJob = Omit<EntryJob, 'publicKey' | 'facts'> & { key: number };
/**
 * One message to a worker. Each distinct armored key travels once per message, however
 * many of its records the message holds (a key is about as large as a record). `warmUp`:
 * first check the worker's own known-good record (warm-up.ts), so later ones find openpgp
 * loaded and its code compiled. `entries`: entries to parse and verify (no `jobs` then).
 */
export type WorkerRequest = {
	seq: number;
	keys: string[];
	jobs: WireJob[];
	entries?: WireEntryJob[];
	warmUp?: boolean;
};
export type WorkerResponse =
	| ({ seq: number } & Pick<BatchResult, 'outcomes'> & Partial<Omit<BatchResult, 'outcomes'>>)
	| { seq: number; error: string };
/** The answer to a request with `entries`. */
export type EntryWorkerResponse =
	| ({ seq: number } & Pick<EntryBatchResult, 'outcomes'> &
			Partial<Omit<EntryBatchResult, 'outcomes'>>)
	| { seq: number; error: string };

/** Jobs with their keys listed once each, and each job pointing at its key. */
function packKeys<J extends { publicKey: string; facts?: KeyFacts }>(
	jobs: readonly J[]
): { keys: string[]; wire: (Omit<J, 'publicKey' | 'facts'> & { key: number })[] } {
	const keys: string[] = [];
	const index = new Map<string, number>();
	// reason: `facts` is left out of the wire job on purpose (workers read keys themselves).
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const wire = jobs.map(({ publicKey, facts, ...job }) => {
		let key = index.get(publicKey);
		if (key === undefined) {
			key = keys.push(publicKey) - 1;
			index.set(publicKey, key);
		}
		return { ...job, key };
	});
	return { keys, wire };
}

/** The request for `jobs`, with every distinct key listed once. */
export function packRequest(seq: number, jobs: readonly VerifyJob[]): WorkerRequest {
	const { keys, wire } = packKeys(jobs);
	return { seq, keys, jobs: wire };
}

/** The request to parse and verify `entries`, with every distinct key listed once. */
export function packEntryRequest(seq: number, entries: readonly EntryJob[]): WorkerRequest {
	const { keys, wire } = packKeys(entries);
	return { seq, keys, jobs: [], entries: wire };
}

/** A batch's outcomes, plus what the caller may keep: see VerifyCore.verifyDetailed. */
export type BatchResult = {
	outcomes: VerifyOutcome[];
	/** Indices of the jobs whose signature the fast path checked (the rest used openpgp). */
	fast: number[];
	/** [job index, facts of that job's key], once per key read in this batch. */
	facts: [number, KeyFacts][];
	/** Set by handleRequest: ms the worker spent on the request (for stats). */
	ms?: number;
};

/** The same for entries (check-entries.ts): indices are indices of the entries. */
export type EntryBatchResult = Omit<BatchResult, 'outcomes'> & { outcomes: EntryOutcome[] };

/**
 * Keys remembered by default: a key's facts are a few hundred bytes, so tens of thousands
 * of authors fit in a few megabytes (the armored keys themselves are not held: their
 * SHA-256 names them).
 */
export const DEFAULT_MAX_KEYS = 65_536;
