/**
 * The pool on its own, with stand-in workers that answer only when told to: what it posts,
 * how much it holds in flight, and where answers go. No signatures are checked here (see
 * verify.test.ts for the pool behind a real verifier).
 */
import { describe, expect, it } from 'vitest';
import { createPool, type WorkerLike } from './pool';
import type {
	EntryJob,
	EntryOutcome,
	VerifyJob,
	VerifyOutcome,
	WorkerRequest
} from './verify-core';

/** Answers each request with one outcome per job, naming the job's id and key. */
class HeldWorker implements WorkerLike {
	onmessage: ((event: MessageEvent) => void) | null = null;
	onerror: ((event: ErrorEvent) => void) | null = null;
	readonly received: WorkerRequest[] = [];
	private readonly waiting: WorkerRequest[] = [];

	postMessage(message: unknown): void {
		const request = structuredClone(message) as WorkerRequest;
		this.received.push(request);
		this.waiting.push(request);
	}

	/** Answer the oldest request still waiting; false when none is. */
	answer(): boolean {
		const request = this.waiting.shift();
		if (!request) return false;
		if (request.entries) {
			const outcomes = request.entries.map((entry) => ({
				parsed: { ok: true, record: { title: entry.record } },
				outcome: { fingerprint: request.keys[entry.key], code: null, message: '', checked: true }
			}));
			this.onmessage?.({ data: { seq: request.seq, outcomes } } as MessageEvent);
			return true;
		}
		const outcomes = request.jobs.map((job): VerifyOutcome => ({
			fingerprint: request.keys[job.key] ?? null,
			code: null,
			message: job.id,
			checked: job.checkSignature
		}));
		this.onmessage?.({ data: { seq: request.seq, outcomes } } as MessageEvent);
		return true;
	}

	crash(): void {
		this.onerror?.({ message: 'boom' } as ErrorEvent);
	}

	get held(): number {
		return this.waiting.length;
	}

	terminate(): void {}
}

const job = (i: number, key: string): VerifyJob => ({
	id: `record-${i}`,
	text: `text ${i}`,
	signature: `signature ${i}`,
	publicKey: key,
	author: `author of ${key}`,
	checkSignature: true
});

/** What the fallback (inline checking) says: marked so tests can tell who answered. */
const fallback = async (jobs: readonly VerifyJob[]): Promise<VerifyOutcome[]> =>
	jobs.map((j) => ({
		fingerprint: j.publicKey,
		code: null,
		message: `inline ${j.id}`,
		checked: true
	}));

const entry = (i: number, key: string): EntryJob => ({
	id: `record-${i}`,
	record: `text ${i}`,
	signature: `signature ${i}`,
	author: `author of ${key}`,
	publicKey: key,
	checkSignature: true
});

/** Inline entry checking, marked like `fallback`. */
const entryFallback = async (jobs: readonly EntryJob[]): Promise<EntryOutcome[]> =>
	jobs.map((j) => ({
		parsed: { ok: true, record: { title: `inline ${j.record}` } as never },
		outcome: null
	}));

function pool(size: number, options: { chunkSize?: number; maxInFlight?: number } = {}) {
	const workers: HeldWorker[] = [];
	const made = createPool({
		size,
		fallback,
		entryFallback,
		...options,
		create: () => {
			const worker = new HeldWorker();
			workers.push(worker);
			return worker;
		}
	});
	/** Answer everything, one message at a time, oldest worker first; returns how many. */
	const drain = async () => {
		let answered = 0;
		for (;;) {
			const worker = workers.find((w) => w.held > 0);
			if (!worker) return answered;
			worker.answer();
			answered++;
			await Promise.resolve();
		}
	};
	return { pool: made, workers, drain };
}

describe('the verify pool', () => {
	it.each([
		// [workers, maxInFlight, jobs, chunkSize, posted at once]
		[2, 2, 100, 10, 4],
		[2, 1, 100, 10, 2],
		[1, 2, 600, 256, 2],
		[2, 2, 40, 256, 2],
		[2, 2, 3, 256, 1] // a few records: one chunk, not one per worker
	])(
		'%i workers × %i in flight: %i jobs in chunks of %i post %i messages at once, the rest as answers come',
		async (size, maxInFlight, count, chunkSize, atOnce) => {
			const { pool: p, workers, drain } = pool(size, { chunkSize, maxInFlight });
			const jobs = Array.from({ length: count }, (_, i) => job(i, 'key'));
			const running = p.run(jobs);
			expect(p.posted).toBe(atOnce);
			expect(p.inFlight).toBe(atOnce);
			let most = 0;
			for (const w of workers)
				w.onmessage = wrap(w.onmessage, () => (most = Math.max(most, p.inFlight)));
			await drain();
			const outcomes = await running;
			expect(most).toBeLessThanOrEqual(size * maxInFlight);
			expect(outcomes.map((o) => o.message)).toEqual(jobs.map((j) => j.id));
			expect(p.inFlight).toBe(0);
			const perChunk = Math.min(chunkSize, Math.max(16, Math.ceil(count / size)));
			expect(p.posted).toBe(Math.ceil(count / perChunk));
		}
	);

	it('sends each distinct key once per message, and jobs point at it', async () => {
		const { pool: p, workers, drain } = pool(1);
		const keys = ['alice key', 'bob key', 'carol key'];
		const jobs = Array.from({ length: 30 }, (_, i) => job(i, keys[i % 3]!));
		const running = p.run(jobs);
		await drain();
		const outcomes = await running;
		const [request] = workers[0]!.received;
		expect(request!.keys).toEqual(keys);
		expect(request!.jobs.every((j) => !('publicKey' in j))).toBe(true);
		expect(request!.jobs.map((j) => j.key)).toEqual(jobs.map((_, i) => i % 3));
		expect(outcomes.map((o) => o.fingerprint)).toEqual(jobs.map((j) => j.publicKey));
	});

	it('gives a chunk to the worker with the fewest in flight', async () => {
		const { pool: p, workers, drain } = pool(2, { chunkSize: 1 });
		const first = p.run([job(0, 'k')]);
		expect(workers.map((w) => w.held)).toEqual([1, 0]);
		// A live record arriving while worker 0 is busy goes to worker 1.
		const second = p.run([job(1, 'k')]);
		expect(workers.map((w) => w.held)).toEqual([1, 1]);
		await drain();
		expect((await first).map((o) => o.message)).toEqual(['record-0']);
		expect((await second).map((o) => o.message)).toEqual(['record-1']);
	});

	it('hands queued chunks to the workers left when one fails, and to the fallback when none is', async () => {
		const { pool: p, workers } = pool(2, { chunkSize: 1, maxInFlight: 1 });
		const jobs = Array.from({ length: 5 }, (_, i) => job(i, 'k'));
		const running = p.run(jobs);
		expect(workers.map((w) => w.held)).toEqual([1, 1]);
		workers[0]!.crash(); // its chunk goes inline; the queue now waits for worker 1 alone
		expect(p.alive).toBe(1);
		expect(workers[1]!.answer()).toBe(true);
		await Promise.resolve();
		expect(workers[1]!.held).toBe(1);
		workers[1]!.crash(); // no worker left: everything else goes inline
		const messages = (await running).map((o) => o.message);
		expect(messages).toEqual([
			'inline record-0',
			'record-1',
			'inline record-2',
			'inline record-3',
			'inline record-4'
		]);
	});

	it('sends entries to parse in bounded messages, keys once, and the lost ones to the fallback', async () => {
		const { pool: p, workers, drain } = pool(2, { chunkSize: 10, maxInFlight: 1 });
		const keys = ['alice key', 'bob key'];
		const jobs = Array.from({ length: 40 }, (_, i) => entry(i, keys[i % 2]!));
		const running = p.runEntries(jobs);
		// One chunk per worker posted, the rest queued.
		expect(p.posted).toBe(2);
		const [request] = workers[0]!.received;
		expect(request!.jobs).toEqual([]);
		expect(request!.keys).toEqual(keys);
		expect(request!.entries!.every((e) => !('publicKey' in e) && !('facts' in e))).toBe(true);
		expect(request!.entries!.map((e) => e.key)).toEqual(jobs.slice(0, 10).map((_, i) => i % 2));
		workers[1]!.crash();
		await drain();
		const outcomes = await running;
		const titles = outcomes.map((o) => (o.parsed.ok ? (o.parsed.record as never)['title'] : null));
		expect(titles).toEqual(
			jobs.map((j, i) => (i >= 10 && i < 20 ? `inline ${j.record}` : j.record))
		);
		expect(outcomes[0]!.outcome?.fingerprint).toBe('alice key');
	});

	it('warms up the first worker, resolves when it has answered, then warms the next', async () => {
		const { pool: p, workers, drain } = pool(2);
		let warm = false;
		const warming = p.warmUp().then(() => (warm = true));
		expect(p.warmUp()).toBe(p.warmUp()); // once per pool
		expect(p.alive).toBe(2);
		expect(workers.map((w) => w.received)).toEqual([
			[{ seq: 0, keys: [], jobs: [], warmUp: true }],
			[]
		]);
		await Promise.resolve();
		expect(warm).toBe(false);
		expect(workers[0]!.answer()).toBe(true);
		await warming;
		expect(warm).toBe(true);
		// One worker warming at a time: the second only now.
		expect(workers.map((w) => w.received.length)).toEqual([1, 1]);
		expect(workers[1]!.received[0]).toEqual({ seq: 1, keys: [], jobs: [], warmUp: true });
		await drain();
		// A live record goes to the first worker (both warm, neither busy).
		const running = p.run([job(0, 'k')]);
		expect(workers.map((w) => w.held)).toEqual([1, 0]);
		await drain();
		expect((await running)[0]!.message).toBe('record-0');
	});

	it('gives a batch to the warm worker while the other is cold; the cold one gets the overflow', async () => {
		const { pool: p, workers, drain } = pool(2, { chunkSize: 10 });
		const warming = p.warmUp();
		expect(workers[0]!.answer()).toBe(true);
		await warming;
		// Worker 1 is warming now; a batch of two chunks goes to worker 0 alone.
		const small = p.run(Array.from({ length: 20 }, (_, i) => job(i, 'k')));
		expect(workers.map((w) => w.received.filter((r) => !r.warmUp).length)).toEqual([2, 0]);
		// With worker 0 full, the next chunk goes to the cold one rather than wait (its warm-up
		// is in flight too, so it has room for one).
		const more = p.run(Array.from({ length: 20 }, (_, i) => job(20 + i, 'k')));
		expect(workers.map((w) => w.received.filter((r) => !r.warmUp).length)).toEqual([2, 1]);
		await drain();
		expect((await small).map((o) => o.message)).toEqual(
			Array.from({ length: 20 }, (_, i) => `record-${i}`)
		);
		expect((await more).length).toBe(20);
	});

	it('does not send a warm-up to a worker that already has work', async () => {
		const { pool: p, workers, drain } = pool(2);
		const warming = p.warmUp();
		const running = p.run([job(0, 'k')]); // to worker 1, the one not warming
		expect(workers.map((w) => w.held)).toEqual([1, 1]);
		expect(workers[0]!.answer()).toBe(true);
		await warming;
		expect(workers[1]!.received.map((r) => r.warmUp ?? false)).toEqual([false]);
		await drain();
		expect((await running)[0]!.message).toBe('record-0');
	});
});

/** Run `after` once the original handler has run. */
function wrap(
	handler: ((event: MessageEvent) => void) | null,
	after: () => void
): (event: MessageEvent) => void {
	return (event) => {
		after();
		handler?.(event);
	};
}
