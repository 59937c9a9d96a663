/**
 * The only way a ParsedRecord becomes Verified: its signature checks against the given
 * armored public key, and that key's fingerprint is the record's author.
 *
 * A record is verified once per device. Results are cached by (record id, author
 * fingerprint, signature) in memory, and positives optionally in a persistent store.
 * A cached positive is sound for any caller: it says the holder of that fingerprint
 * signed the text whose SHA-256 is the id, and every miss re-checks that hash before
 * the result is cached. The one trust this module places in its input is that a
 * ParsedRecord's id is the hash of its text, which `parseEntry` guarantees.
 *
 * Misses go to a pool of module Web Workers in the browser, or run inline where there
 * are no workers (Node, Vitest, old browsers) with the same code.
 */
import type { ParsedRecord, SignedEntry } from '../model/record';
import { err, messageOf, ok, type Err, type Result } from '../model/result';
import { unsafeAssumeVerified, type Verified } from '../model/verified';
import { checkFacts, type KeyFacts } from './key-facts';
import { Lru } from './lru';
import { createPool, type VerifyPool, type WorkerLike } from './pool';
import type { FastCrypto } from './fast-signature';
import type { VerifyCore } from './verify-core';
import {
	DEFAULT_MAX_KEYS,
	type BatchResult,
	type EntryJob,
	type EntryOutcome,
	type VerifyJob,
	type VerifyOutcome
} from './verify-protocol';

/** Remembers positive results across sessions. Implemented on IndexedDB in store.ts. */
export type PersistentVerifiedCache = {
	/** For each key: was it stored by addMany? */
	hasMany(keys: readonly string[]): Promise<boolean[]>;
	addMany(keys: readonly string[]): Promise<void>;
};

export type VerifyItem = { parsed: ParsedRecord; publicKey: string };

/**
 * A stored entry not parsed yet, with the author its text claims and that author's key
 * (see Verifier.checkEntries).
 */
export type EntryItem = { id: string; entry: SignedEntry; author: string; publicKey: string };

/**
 * What parseEntry says of an entry, and, when it parsed as a record of `author` signed with
 * the key given (not a genesis or citizen record), its verdict; null: not judged here.
 */
export type EntryVerdict = { parsed: Result<ParsedRecord>; verified: Result<Verified> | null };

export type VerifierStats = {
	/** Records asked about, through verify and verifyMany. */
	requests: number;
	memoryHits: number;
	/** Signature checks skipped because the persistent cache vouched for them. */
	persistentHits: number;
	/** Signatures actually checked (fast path or openpgp). */
	signatureChecks: number;
	/**
	 * Of those, checked by the fast path (fast-signature.ts: the packet read here, Ed25519
	 * through WebCrypto) rather than by openpgp.verify.
	 */
	fastChecks: number;
	/** Results that were errors (any code). */
	rejected: number;
	/** Persistent cache calls that failed (they count as misses; verification goes on). */
	cacheErrors: number;
	/** Live verify workers; 0 when running inline. */
	workers: number;
	/** Messages posted to workers. */
	messages: number;
	/**
	 * Time the workers spent on those messages (ms, summed over workers, from their arrival
	 * to the answer): set beside the wall time, it tells whether the workers wait for work.
	 */
	workerMs: number;
	memoryEntries: number;
	knownKeys: number;
};

export type Verifier = {
	verify(parsed: ParsedRecord, publicKey: string): Promise<Result<Verified>>;
	/** One result per item, in order. Misses travel to the workers in a few large messages. */
	verifyMany(items: readonly VerifyItem[]): Promise<Result<Verified>[]>;
	/**
	 * Parse and verify entries where the checking runs (a worker): one result per item, in
	 * order, each as parseEntry and verifyMany would have said. For a large sync, so the page
	 * neither parses nor hashes what a worker parses and hashes anyway.
	 */
	checkEntries(items: readonly EntryItem[]): Promise<EntryVerdict[]>;
	stats(): VerifierStats;
	/**
	 * Get ready for the first record: start the workers and have the first check a built-in
	 * known-good record, so openpgp is loaded and its code compiled (inline: load openpgp).
	 * Call it when a country opens (RecordStore does), so the first live record does not pay
	 * for a cold start. Once per verifier; never rejects; after destroy() it does nothing.
	 */
	warmUp(): Promise<void>;
	/** Stop the workers and drop the caches. Later calls still work, inline. */
	destroy(): void;
};

export type VerifierOptions = {
	cache?: PersistentVerifiedCache;
	/** Default: true where module workers exist. */
	useWorkers?: boolean;
	/**
	 * Batches smaller than this skip the persistent cache lookup (live writes are new), and
	 * their positives are stored a moment later, several batches in one write.
	 */
	persistentLookupMin?: number;
	/** Default: min(2, hardwareConcurrency). */
	poolSize?: number;
	/**
	 * Batches with at most this many signatures to check run inline even when there are
	 * workers (default 3): a live record or two is checked in about a millisecond, less than
	 * the round trip to a worker.
	 */
	inlineMax?: number;
	/** For tests: how to start a worker. */
	createWorker?: () => WorkerLike;
	/** Records remembered in memory (oldest forgotten first). */
	memoryEntries?: number;
	/**
	 * Armored keys whose fingerprint (and fast-path facts) are remembered, least recently
	 * used forgotten first (default 65,536: a country of tens of thousands of authors).
	 */
	keyEntries?: number;
	/**
	 * Crypto for inline checks (not the workers'): WebCrypto by default; Node entry points
	 * pass `nodeCrypto` from node-crypto.ts (synchronous node:crypto, never in the app).
	 */
	crypto?: FastCrypto;
};

/**
 * Entries parsed inline at most, whatever their signatures: about a millisecond of parsing,
 * less than the round trip to a worker.
 */
const ENTRIES_INLINE_MAX = 16;

/** How long live positives wait to be stored together: off the path to the view. */
const CACHE_WRITE_DELAY_MS = 250;

/**
 * The key under which the persistent cache stores a positive result: the three parts as
 * they are (hex, hex, base64: a space cannot occur in them, so the key is unambiguous).
 * Not hashed: a country opening looks up every record, and hashing 10,000 keys cost more
 * main-thread time than the rest of the lookup.
 */
export const verifiedCacheKey = (id: string, fingerprint: string, signature: string): string =>
	`${id} ${fingerprint} ${signature}`;

/** Vite finds the worker through this exact `new Worker(new URL(...))` shape. */
function createVerifyWorker(): WorkerLike {
	return new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module' });
}

function canUseWorkers(): boolean {
	return typeof Worker !== 'undefined' && typeof navigator !== 'undefined';
}

/** One id usually has one entry; a forged signature under the same id chains a second. */
type MemoryEntry = {
	author: string;
	signature: string;
	result: true | Err;
	next: MemoryEntry | null;
};

function malformed(item: unknown): Err | null {
	const { parsed, publicKey } = (item ?? {}) as Partial<VerifyItem>;
	const record = parsed?.record as { author?: unknown } | undefined;
	if (
		typeof parsed !== 'object' ||
		parsed === null ||
		typeof parsed.id !== 'string' ||
		typeof parsed.text !== 'string' ||
		typeof parsed.signature !== 'string' ||
		typeof record?.author !== 'string'
	) {
		return err('entry_malformed', 'not a parsed record');
	}
	if (typeof publicKey !== 'string') return err('key_mismatch', 'no public key given');
	return null;
}

export function createVerifier(options: VerifierOptions = {}): Verifier {
	const { cache } = options;
	const maxMemory = options.memoryEntries ?? 50_000;
	const persistentLookupMin = options.persistentLookupMin ?? 16;
	const inlineMax = options.inlineMax ?? 3;
	const maxKeys = options.keyEntries ?? DEFAULT_MAX_KEYS;
	const useWorkers = options.createWorker
		? options.useWorkers !== false
		: (options.useWorkers ?? true) && canUseWorkers();
	const create = options.createWorker ?? createVerifyWorker;

	const memory = new Map<string, MemoryEntry>();
	/**
	 * Armored key → its fingerprint (null: unreadable) and, when the fast path takes the key,
	 * its facts: learned from the workers' answers, they let a live record be checked here
	 * with WebCrypto alone, openpgp never loaded on this thread for it.
	 */
	const known = new Lru<string, { fingerprint: string | null; facts: KeyFacts | null }>(maxKeys);
	const counts = {
		requests: 0,
		memoryHits: 0,
		persistentHits: 0,
		signatureChecks: 0,
		fastChecks: 0,
		rejected: 0,
		cacheErrors: 0,
		workerMs: 0
	};
	let pool: VerifyPool | null = null;
	/** Loaded on first use: the parser and WebCrypto code stay out of the page's first load. */
	let inline: Promise<VerifyCore> | null = null;
	let destroyed = false;
	let queue: { item: VerifyItem; resolve: (result: Result<Verified>) => void }[] = [];
	/** Positives of small batches not stored yet, and the timer that will store them. */
	let unsaved: string[] = [];
	let saveTimer: ReturnType<typeof setTimeout> | null = null;

	/** What a batch's checker (inline or a worker) tells besides the outcomes. */
	function absorb(
		jobs: readonly { publicKey: string }[],
		result: Partial<Omit<BatchResult, 'outcomes'>>
	) {
		if (Array.isArray(result.fast)) counts.fastChecks += result.fast.length;
		if (typeof result.ms === 'number' && result.ms >= 0 && result.ms < Infinity) {
			counts.workerMs += result.ms;
		}
		if (!Array.isArray(result.facts)) return;
		for (const pair of result.facts) {
			const job = Array.isArray(pair) && Number.isInteger(pair[0]) ? jobs[pair[0]] : undefined;
			const facts = checkFacts(Array.isArray(pair) ? pair[1] : null);
			if (job && facts) known.set(job.publicKey, { fingerprint: facts.fingerprint, facts });
		}
	}

	const inlineCore = () =>
		(inline ??= import('./verify-core').then(({ createVerifyCore }) =>
			createVerifyCore({ maxKeys, crypto: options.crypto })
		));

	const runInline = async (jobs: readonly VerifyJob[]) => {
		const result = await (await inlineCore()).verifyDetailed(jobs);
		absorb(jobs, result);
		return result.outcomes;
	};

	let inlineEntries: Promise<typeof import('./check-entries').checkEntries> | null = null;
	const runEntriesInline = async (jobs: readonly EntryJob[]) => {
		inlineEntries ??= import('./check-entries').then(({ checkEntries }) => checkEntries);
		const [check, core] = await Promise.all([inlineEntries, inlineCore()]);
		const result = await check(core, jobs);
		absorb(jobs, result);
		return result.outcomes;
	};

	function getPool(): VerifyPool {
		if (!pool) {
			const hardware = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 1;
			const size = options.poolSize ?? Math.max(1, Math.min(2, hardware || 1));
			pool = createPool({
				size,
				create,
				fallback: runInline,
				entryFallback: runEntriesInline,
				onResponse: absorb
			});
		}
		return pool;
	}

	/** Few signatures to check, or no workers: here, sooner than a round trip to a worker. */
	function inlineFor(jobs: readonly { checkSignature: boolean }[]): boolean {
		if (!useWorkers || destroyed) return true;
		let checks = 0;
		for (const job of jobs) if (job.checkSignature) checks++;
		return checks <= inlineMax;
	}

	const runJobs = (jobs: readonly VerifyJob[]) =>
		inlineFor(jobs) ? runInline(jobs) : getPool().run(jobs);

	// Parsing and hashing are work too: many entries go to the workers even when the
	// persistent cache spares their signature checks (a country loading from this device).
	const runEntryJobs = (jobs: readonly EntryJob[]) =>
		!useWorkers || destroyed || (inlineFor(jobs) && jobs.length <= ENTRIES_INLINE_MAX)
			? runEntriesInline(jobs)
			: getPool().runEntries(jobs);

	function save(keys: readonly string[]) {
		if (!cache || keys.length === 0) return;
		try {
			void cache.addMany(keys).catch(() => counts.cacheErrors++);
		} catch {
			counts.cacheErrors++;
		}
	}

	function flushUnsaved() {
		if (saveTimer !== null) clearTimeout(saveTimer);
		saveTimer = null;
		const keys = unsaved;
		unsaved = [];
		save(keys);
	}

	function remember<K, V>(map: Map<K, V>, max: number, key: K, value: V) {
		if (!map.has(key) && map.size >= max) {
			const oldest = map.keys().next();
			if (!oldest.done) map.delete(oldest.value);
		}
		map.set(key, value);
	}

	function recall(id: string, author: string, signature: string): MemoryEntry | null {
		for (let entry = memory.get(id) ?? null; entry; entry = entry.next) {
			if (entry.author === author && entry.signature === signature) return entry;
		}
		return null;
	}

	function store(parsed: ParsedRecord, result: true | Err) {
		if (recall(parsed.id, parsed.record.author, parsed.signature)) return;
		const head = memory.get(parsed.id) ?? null;
		const { author } = parsed.record;
		remember(memory, maxMemory, parsed.id, {
			author,
			signature: parsed.signature,
			result,
			next: head
		});
	}

	/** Answer from memory alone, or undefined. Synchronous, so cached checks stay cheap. */
	function fast(item: VerifyItem): Result<Verified> | undefined {
		const bad = malformed(item);
		if (bad) return bad;
		const { parsed, publicKey } = item;
		const fingerprint = known.get(publicKey)?.fingerprint;
		if (fingerprint === undefined) return undefined;
		if (fingerprint === null) return err('key_mismatch', 'the public key cannot be read');
		if (fingerprint !== parsed.record.author) {
			return err('key_mismatch', 'the key is not the author’s key');
		}
		const hit = recall(parsed.id, parsed.record.author, parsed.signature);
		if (!hit) return undefined;
		counts.memoryHits++;
		return hit.result === true ? ok(unsafeAssumeVerified(parsed)) : hit.result;
	}

	async function slow(items: readonly VerifyItem[]): Promise<Result<Verified>[]> {
		const persistentKeys = cache
			? items.map(({ parsed }) =>
					verifiedCacheKey(parsed.id, parsed.record.author, parsed.signature)
				)
			: [];
		const vouched = cache ? await vouchedFor(persistentKeys) : [];
		const jobs: VerifyJob[] = items.map(({ parsed, publicKey }, i) => ({
			id: parsed.id,
			text: parsed.text,
			signature: parsed.signature,
			publicKey,
			author: parsed.record.author,
			checkSignature: vouched[i] !== true,
			facts: known.peek(publicKey)?.facts ?? undefined
		}));
		const outcomes = await runJobs(jobs);
		const fresh: string[] = [];
		const results = items.map(({ parsed, publicKey }, i) =>
			settle(parsed, publicKey, outcomes[i], persistentKeys[i], fresh)
		);
		saveFresh(fresh, items.length);
		return results;
	}

	/**
	 * The result of one checked item, with what it teaches (the key's fingerprint, the memory
	 * cache); the key of a fresh positive for the persistent cache goes to `fresh`.
	 */
	function settle(
		parsed: ParsedRecord,
		publicKey: string,
		outcome: VerifyOutcome | undefined,
		persistentKey: string | undefined,
		fresh: string[]
	): Result<Verified> {
		if (!outcome) return err('signature_invalid', 'no verification result');
		if (outcome.checked) counts.signatureChecks++;
		if (outcome.fingerprint !== null || outcome.code === 'key_mismatch') {
			const before = known.peek(publicKey);
			if (before?.fingerprint !== outcome.fingerprint) {
				known.set(publicKey, { fingerprint: outcome.fingerprint, facts: null });
			}
		}
		if (outcome.code === null) {
			store(parsed, true);
			if (outcome.checked) {
				if (persistentKey) fresh.push(persistentKey);
			} else counts.persistentHits++;
			return ok(unsafeAssumeVerified(parsed));
		}
		const failure = err(outcome.code, outcome.message);
		// Deterministic for (id, author, signature) once the key is the author's.
		if (outcome.code === 'signature_invalid' && outcome.fingerprint === parsed.record.author) {
			store(parsed, failure);
		}
		return failure;
	}

	/** Remember fresh positives: at once after a large batch, a moment later after a live one. */
	function saveFresh(fresh: string[], batchSize: number) {
		if (!cache || fresh.length === 0) return;
		// Not awaited: the answer is known; remembering it must not delay the view.
		if (batchSize >= persistentLookupMin) save(fresh);
		else {
			// A live record: not even the start of an IndexedDB write before the view.
			unsaved.push(...fresh);
			saveTimer ??= setTimeout(flushUnsaved, CACHE_WRITE_DELAY_MS);
		}
	}

	/** Which of these keys the persistent cache vouches for (none for a small batch). */
	async function vouchedFor(keys: readonly string[]): Promise<boolean[]> {
		// Live writes arrive a few at a time and are always new: asking the persistent cache
		// would only add an IndexedDB round trip to every message. Loads come in batches.
		if (cache && keys.length >= persistentLookupMin) {
			try {
				const answer = await cache.hasMany(keys);
				if (Array.isArray(answer) && answer.length === keys.length) return answer;
			} catch {
				counts.cacheErrors++;
			}
		}
		return keys.map(() => false);
	}

	async function checkEntries(items: readonly EntryItem[]): Promise<EntryVerdict[]> {
		const usable = (item: EntryItem) =>
			typeof item?.id === 'string' &&
			typeof item.author === 'string' &&
			typeof item.publicKey === 'string' &&
			typeof item.entry?.record === 'string' &&
			typeof item.entry.signature === 'string';
		const jobs: EntryJob[] = [];
		const at: number[] = [];
		const persistentKeys: string[] = [];
		items.forEach((item, i) => {
			if (!usable(item)) return;
			at.push(i);
			persistentKeys.push(verifiedCacheKey(item.id, item.author, item.entry.signature));
			jobs.push({
				id: item.id,
				record: item.entry.record,
				signature: item.entry.signature,
				author: item.author,
				publicKey: item.publicKey,
				checkSignature: true,
				facts: known.peek(item.publicKey)?.facts ?? undefined
			});
		});
		const vouched = cache ? await vouchedFor(persistentKeys) : [];
		// Signatures checked before (in memory or the persistent cache) are not checked again;
		// the worker still parses the entry and matches the key and the id.
		jobs.forEach((job, j) => {
			const remembered = recall(job.id, job.author, job.signature)?.result === true;
			job.checkSignature = !remembered && vouched[j] !== true;
		});
		let outcomes: EntryOutcome[];
		try {
			outcomes = await runEntryJobs(jobs);
		} catch (error) {
			// Nothing below should throw; if it does, no record passes unchecked.
			const message = `could not be checked: ${messageOf(error)}`;
			outcomes = jobs.map(() => ({ parsed: err('entry_malformed', message), outcome: null }));
		}
		const verdicts: EntryVerdict[] = items.map(() => ({
			parsed: err('entry_malformed', 'entry needs a record text and a signature'),
			verified: null
		}));
		const fresh: string[] = [];
		at.forEach((index, j) => {
			const item = items[index] as EntryItem;
			const answer = outcomes[j];
			const said = answer?.parsed;
			if (!said || (said.ok && typeof said.record !== 'object')) {
				verdicts[index] = { parsed: err('entry_malformed', 'no result'), verified: null };
				return;
			}
			if (!said.ok) {
				verdicts[index] = { parsed: said, verified: null };
				return;
			}
			const parsed: ParsedRecord = {
				id: item.id,
				text: item.entry.record,
				signature: item.entry.signature,
				record: said.record
			};
			const verified = answer.outcome
				? settle(parsed, item.publicKey, answer.outcome, persistentKeys[j], fresh)
				: null;
			if (verified && !verified.ok) counts.rejected++;
			verdicts[index] = { parsed: ok(parsed), verified };
		});
		saveFresh(fresh, jobs.length);
		return verdicts;
	}

	async function resolveAll(items: readonly VerifyItem[]): Promise<Result<Verified>[]> {
		const results = new Array<Result<Verified>>(items.length);
		const missing: number[] = [];
		for (let i = 0; i < items.length; i++) {
			const answer = fast(items[i] as VerifyItem);
			if (answer) results[i] = answer;
			else missing.push(i);
		}
		if (missing.length > 0) {
			let answers: Result<Verified>[];
			try {
				answers = await slow(missing.map((i) => items[i] as VerifyItem));
			} catch (error) {
				// Nothing below should throw; if it does, no record passes unchecked.
				const message = messageOf(error);
				answers = missing.map(() => err('signature_invalid', `verification failed: ${message}`));
			}
			missing.forEach((index, j) => {
				results[index] = answers[j] as Result<Verified>;
			});
		}
		for (const result of results) if (!result.ok) counts.rejected++;
		return results;
	}

	function flush() {
		const batch = queue;
		queue = [];
		void resolveAll(batch.map((b) => b.item)).then((results) =>
			batch.forEach((b, i) => b.resolve(results[i] as Result<Verified>))
		);
	}

	return {
		verify(parsed, publicKey) {
			counts.requests++;
			const item = { parsed, publicKey };
			const answer = fast(item);
			if (answer) {
				if (!answer.ok) counts.rejected++;
				return Promise.resolve(answer);
			}
			// Misses in the same tick travel together, like one verifyMany.
			return new Promise((resolve) => {
				queue.push({ item, resolve });
				if (queue.length === 1) queueMicrotask(flush);
			});
		},
		async verifyMany(items) {
			if (!Array.isArray(items)) return [];
			counts.requests += items.length;
			return resolveAll(items);
		},
		async checkEntries(items) {
			if (!Array.isArray(items)) return [];
			counts.requests += items.length;
			return checkEntries(items);
		},
		stats() {
			return {
				...counts,
				workers: pool?.alive ?? 0,
				messages: pool?.posted ?? 0,
				memoryEntries: memory.size,
				knownKeys: known.size
			};
		},
		async warmUp() {
			if (destroyed) return;
			try {
				// Small live batches run inline: the inline path is warmed up too, with the same
				// known-good record the workers check (loaded on demand: it is 3 KB).
				// Straight to the core: the built-in record is no request, so no stats count it.
				const warmInline = Promise.all([import('./warm-up'), inlineCore()]).then(
					([{ WARM_UP_JOB }, core]) => core.verifyBatch([WARM_UP_JOB])
				);
				if (useWorkers) await Promise.all([getPool().warmUp(), warmInline]);
				else await warmInline;
			} catch {
				// The first verification will say what is wrong.
			}
		},
		destroy() {
			destroyed = true;
			flushUnsaved();
			pool?.destroy();
			memory.clear();
			known.clear();
		}
	};
}
