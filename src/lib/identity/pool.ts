/**
 * A small pool of verify workers. Batches are cut into chunks so one sync of thousands
 * of records costs tens of messages, and both workers get a share. A chunk whose worker
 * fails is checked by the fallback instead, so a broken worker never loses a result.
 *
 * Chunks wait in one queue and each worker holds at most `maxInFlight` of them: posting
 * (which copies the chunk) happens a little at a time, as answers come back, instead of
 * in one long main-thread task, and a worker that is slower today simply takes fewer.
 */
import {
	packEntryRequest,
	packRequest,
	type BatchResult,
	type EntryJob,
	type EntryOutcome,
	type VerifyJob,
	type VerifyOutcome,
	type EntryWorkerResponse,
	type WorkerRequest,
	type WorkerResponse
} from './verify-protocol';

/** What the pool needs of a Worker; tests pass an in-process stand-in. */
export interface WorkerLike {
	onmessage: ((event: MessageEvent) => void) | null;
	onerror: ((event: ErrorEvent) => void) | null;
	postMessage(message: unknown): void;
	terminate(): void;
}

export type VerifyPool = {
	run(jobs: readonly VerifyJob[]): Promise<VerifyOutcome[]>;
	/** The same for entries to parse and verify (check-entries.ts). */
	runEntries(jobs: readonly EntryJob[]): Promise<EntryOutcome[]>;
	/** Start the workers now and warm the first up (see warmUp below); resolves when ready. */
	warmUp(): Promise<void>;
	/** Workers started and not failed. */
	readonly alive: number;
	/** Messages posted so far (a batch of n jobs posts about n / chunkSize). */
	readonly posted: number;
	/** Chunks posted and not yet answered, over all workers. */
	readonly inFlight: number;
	destroy(): void;
};

/** What the pool needs of a job: its key, for onResponse's facts. */
type Job = { publicKey: string };

type Chunk = {
	jobs: readonly Job[];
	/** The message for this chunk, under a sequence number. */
	pack: (seq: number) => WorkerRequest;
	resolve: (outcomes: unknown[]) => void;
	reject: (error: Error) => void;
};

type Slot = {
	worker: WorkerLike;
	/** Jobs posted and not answered: ties between workers go to the less loaded. */
	load: number;
	pending: Map<number, Chunk>;
	dead: boolean;
	/** It has answered once: openpgp is loaded and the path compiled there. */
	warm: boolean;
};

export function createPool(options: {
	size: number;
	create: () => WorkerLike;
	fallback: (jobs: readonly VerifyJob[]) => Promise<VerifyOutcome[]>;
	/** Checks entries where no worker can (inline); required for runEntries. */
	entryFallback?: (jobs: readonly EntryJob[]) => Promise<EntryOutcome[]>;
	/** Told each answer with its chunk's jobs (which checks were fast, facts of keys read). */
	onResponse?: (jobs: readonly Job[], extras: Partial<Omit<BatchResult, 'outcomes'>>) => void;
	chunkSize?: number;
	/**
	 * Batches are not cut below this many jobs per chunk (default 16, about 10 ms of work):
	 * a few records are quicker checked by one warm worker than spread over cold ones.
	 */
	minChunk?: number;
	/** Chunks one worker may hold at once (default 2: one to work on, one waiting). */
	maxInFlight?: number;
}): VerifyPool {
	const { size, create, fallback } = options;
	const chunkSize = options.chunkSize ?? 256;
	const minChunk = options.minChunk ?? 16;
	const maxInFlight = Math.max(1, options.maxInFlight ?? 2);
	const slots: Slot[] = [];
	const queue: Chunk[] = [];
	let seq = 0;
	let posted = 0;
	let started = false;
	let destroyed = false;

	function fail(slot: Slot, reason: string) {
		if (slot.dead) return;
		slot.dead = true;
		try {
			slot.worker.terminate();
		} catch {
			// Already gone.
		}
		const lost = [...slot.pending.values()];
		slot.pending.clear();
		slot.load = 0;
		for (const chunk of lost) chunk.reject(new Error(reason));
		// What still waits goes to the workers that are left, or to the fallback.
		pump();
	}

	function start() {
		started = true;
		for (let i = 0; i < size; i++) {
			let worker: WorkerLike;
			try {
				worker = create();
			} catch {
				// No module workers here (old browser, CSP): the fallback does the work.
				continue;
			}
			const slot: Slot = { worker, load: 0, pending: new Map(), dead: false, warm: false };
			worker.onmessage = (event) => {
				const response = event.data as WorkerResponse | EntryWorkerResponse;
				const chunk = slot.pending.get(response?.seq);
				if (!chunk) return;
				slot.warm = true;
				slot.pending.delete(response.seq);
				slot.load -= chunk.jobs.length;
				// The next chunk goes out before this one's results are handled.
				pump();
				if ('outcomes' in response && Array.isArray(response.outcomes)) {
					if (response.outcomes.length === chunk.jobs.length) {
						options.onResponse?.(chunk.jobs, response);
					}
					chunk.resolve(response.outcomes);
				} else {
					chunk.reject(new Error('error' in response ? response.error : 'bad response'));
				}
			};
			worker.onerror = () => fail(slot, 'verify worker failed');
			slots.push(slot);
		}
	}

	/**
	 * The live worker with room to take a chunk: a warm one first, then the one with the
	 * fewest chunks (then jobs) in flight. A cold worker loads openpgp first (up to a second
	 * under load), so the first records of a join go to the warm one, and a batch waiting on
	 * them waits for no cold start; the cold one gets work once the warm ones are full.
	 */
	function freeSlot(): Slot | undefined {
		let best: Slot | undefined;
		for (const slot of slots) {
			if (slot.dead || slot.pending.size >= maxInFlight) continue;
			if (
				!best ||
				(slot.warm && !best.warm) ||
				(slot.warm === best.warm &&
					(slot.pending.size < best.pending.size ||
						(slot.pending.size === best.pending.size && slot.load < best.load)))
			) {
				best = slot;
			}
		}
		return best;
	}

	function post(slot: Slot, chunk: Chunk, request: WorkerRequest): boolean {
		slot.pending.set(request.seq, chunk);
		slot.load += chunk.jobs.length;
		try {
			slot.worker.postMessage(request);
			posted++;
			return true;
		} catch (error) {
			// e.g. DataCloneError: this chunk goes to the fallback, the worker stays.
			slot.pending.delete(request.seq);
			slot.load -= chunk.jobs.length;
			chunk.reject(error instanceof Error ? error : new Error(String(error)));
			return false;
		}
	}

	/** Hand queued chunks to workers with room; with no live worker left, reject them. */
	function pump() {
		while (queue.length > 0) {
			if (!slots.some((s) => !s.dead)) {
				for (const chunk of queue.splice(0)) chunk.reject(new Error('no verify worker'));
				return;
			}
			const slot = freeSlot();
			if (!slot) return;
			const chunk = queue.shift() as Chunk;
			post(slot, chunk, chunk.pack(seq++));
		}
	}

	function send<J extends Job, O>(
		jobs: J[],
		pack: (seq: number, jobs: readonly J[]) => WorkerRequest
	): Promise<O[]> {
		if (!started && !destroyed) start();
		return new Promise<O[]>((resolve, reject) => {
			queue.push({
				jobs,
				pack: (n) => pack(n, jobs),
				resolve: resolve as (outcomes: unknown[]) => void,
				reject
			});
			pump();
		});
	}

	async function runWith<J extends Job, O>(
		jobs: readonly J[],
		pack: (seq: number, jobs: readonly J[]) => WorkerRequest,
		inline: (jobs: readonly J[]) => Promise<O[]>
	): Promise<O[]> {
		if (jobs.length === 0) return [];
		// Batches split across workers (but not into tiny chunks); big ones in bounded messages.
		const even = Math.ceil(jobs.length / Math.max(1, size));
		const per = Math.max(1, Math.min(chunkSize, Math.max(minChunk, even)));
		const chunks: J[][] = [];
		for (let i = 0; i < jobs.length; i += per) chunks.push(jobs.slice(i, i + per));
		const results = await Promise.all(
			chunks.map((chunk) =>
				send<J, O>(chunk, pack).then(
					(outcomes) => (outcomes.length === chunk.length ? outcomes : inline(chunk)),
					() => inline(chunk)
				)
			)
		);
		return results.flat();
	}

	const run = (jobs: readonly VerifyJob[]) => runWith(jobs, packRequest, fallback);

	function runEntries(jobs: readonly EntryJob[]): Promise<EntryOutcome[]> {
		const inline = options.entryFallback;
		if (!inline) return Promise.reject(new Error('no entry fallback'));
		return runWith(jobs, packEntryRequest, inline);
	}

	let warming: Promise<void> | null = null;

	/**
	 * Start the workers and have the first one check its built-in record (loading openpgp
	 * and compiling the path) now; once it has answered, the next, and so on: one core at a
	 * time while the country is connecting, and no cold worker (about a second under load)
	 * holding up the first big batch. Resolves when the first is warm. A worker that already
	 * has work warms up with it.
	 */
	function warmUp(): Promise<void> {
		if (destroyed) return Promise.resolve();
		if (!started) start();
		warming ??= warmInTurn([...slots]);
		return warming;
	}

	function warmInTurn(waiting: Slot[]): Promise<void> {
		const i = waiting.findIndex((slot) => !slot.dead && slot.pending.size === 0);
		const slot = waiting[i];
		if (destroyed || !slot) return Promise.resolve();
		return new Promise<void>((resolve) => {
			const next = () => {
				resolve();
				void warmInTurn(waiting.slice(i + 1));
			};
			// Not queued behind chunks (it copies nothing), but in flight while it lasts.
			const request: WorkerRequest = { seq: seq++, keys: [], jobs: [], warmUp: true };
			post(slot, { jobs: [], pack: () => request, resolve: next, reject: next }, request);
		});
	}

	return {
		run,
		runEntries,
		warmUp,
		get alive() {
			return slots.filter((s) => !s.dead).length;
		},
		get posted() {
			return posted;
		},
		get inFlight() {
			return slots.reduce((n, s) => n + s.pending.size, 0);
		},
		destroy() {
			destroyed = true;
			for (const slot of slots) fail(slot, 'verifier destroyed');
		}
	};
}
