/**
 * A small pool of verify workers. Batches are cut into chunks so one sync of thousands
 * of records costs tens of messages, and both workers get a share. A chunk whose worker
 * fails is checked by the fallback instead, so a broken worker never loses a result.
 */
import type { VerifyJob, VerifyOutcome, WorkerResponse } from './verify-core';

/** What the pool needs of a Worker; tests pass an in-process stand-in. */
export interface WorkerLike {
	onmessage: ((event: MessageEvent) => void) | null;
	onerror: ((event: ErrorEvent) => void) | null;
	postMessage(message: unknown): void;
	terminate(): void;
}

export type VerifyPool = {
	run(jobs: readonly VerifyJob[]): Promise<VerifyOutcome[]>;
	/** Workers started and not failed. */
	readonly alive: number;
	/** Messages posted so far (a batch of n jobs posts about n / chunkSize). */
	readonly posted: number;
	destroy(): void;
};

type Pending = {
	resolve: (outcomes: VerifyOutcome[]) => void;
	reject: (error: Error) => void;
	size: number;
};

type Slot = { worker: WorkerLike; load: number; pending: Map<number, Pending>; dead: boolean };

export function createPool(options: {
	size: number;
	create: () => WorkerLike;
	fallback: (jobs: readonly VerifyJob[]) => Promise<VerifyOutcome[]>;
	chunkSize?: number;
}): VerifyPool {
	const { size, create, fallback } = options;
	const chunkSize = options.chunkSize ?? 256;
	const slots: Slot[] = [];
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
		for (const pending of slot.pending.values()) pending.reject(new Error(reason));
		slot.pending.clear();
		slot.load = 0;
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
			const slot: Slot = { worker, load: 0, pending: new Map(), dead: false };
			worker.onmessage = (event) => {
				const response = event.data as WorkerResponse;
				const pending = slot.pending.get(response?.seq);
				if (!pending) return;
				slot.pending.delete(response.seq);
				slot.load -= pending.size;
				if ('outcomes' in response && Array.isArray(response.outcomes)) {
					pending.resolve(response.outcomes);
				} else {
					pending.reject(new Error('error' in response ? response.error : 'bad response'));
				}
			};
			worker.onerror = () => fail(slot, 'verify worker failed');
			slots.push(slot);
		}
	}

	function send(jobs: VerifyJob[]): Promise<VerifyOutcome[]> {
		if (!started && !destroyed) start();
		let slot: Slot | undefined;
		for (const candidate of slots) {
			if (!candidate.dead && (!slot || candidate.load < slot.load)) slot = candidate;
		}
		if (!slot) return Promise.reject(new Error('no verify worker'));
		const chosen = slot;
		const id = seq++;
		return new Promise<VerifyOutcome[]>((resolve, reject) => {
			chosen.pending.set(id, { resolve, reject, size: jobs.length });
			chosen.load += jobs.length;
			try {
				chosen.worker.postMessage({ seq: id, jobs });
				posted++;
			} catch (error) {
				// e.g. DataCloneError: this chunk goes to the fallback, the worker stays.
				chosen.pending.delete(id);
				chosen.load -= jobs.length;
				reject(error instanceof Error ? error : new Error(String(error)));
			}
		});
	}

	async function run(jobs: readonly VerifyJob[]): Promise<VerifyOutcome[]> {
		if (jobs.length === 0) return [];
		// Small batches still split across workers; big ones in bounded messages.
		const per = Math.min(chunkSize, Math.max(1, Math.ceil(jobs.length / Math.max(1, size))));
		const chunks: VerifyJob[][] = [];
		for (let i = 0; i < jobs.length; i += per) chunks.push(jobs.slice(i, i + per));
		const results = await Promise.all(
			chunks.map((chunk) =>
				send(chunk).then(
					(outcomes) => (outcomes.length === chunk.length ? outcomes : fallback(chunk)),
					() => fallback(chunk)
				)
			)
		);
		return results.flat();
	}

	return {
		run,
		get alive() {
			return slots.filter((s) => !s.dead).length;
		},
		get posted() {
			return posted;
		},
		destroy() {
			destroyed = true;
			for (const slot of slots) fail(slot, 'verifier destroyed');
		}
	};
}
