/**
 * The 10 MB join (issue 3), browser side: a fresh context opens a country that only a seeded
 * Node peer holds, over real WebRTC through our signaling server, with our code as the app
 * runs it (chunked data channels, RecordStore, the verifier with its worker pool and the
 * persistent cache, empty here). Times are ms from the moment the rooms are joined.
 */
import * as Y from 'yjs';
import { createVerifiedCacheStore, createVerifier } from '../../src/lib/identity';
import { openCountryDocs, RecordStore } from '../../src/lib/sync';
import { CountryConnection } from '../../src/lib/sync/peers';

export type JoinTimes = {
	/** The first WebRTC peer with an open data channel. */
	connected: number | null;
	/** The public document holds its first entry (what arrives whole, the checking starts on). */
	firstEntry: number | null;
	/** The public document holds every entry. */
	transferred: number | null;
	/** The country was first on screen-ready: its genesis derived. */
	countryShown: number | null;
	/** Every record valid in the store's view. */
	verified: number | null;
	entries: number;
	valid: number;
	/** Bytes of the public document's state once everything arrived. */
	bytes: number;
	/** Data channel frames received (our chunks). */
	frames: number;
	/** Applying the same state to an empty Y.Doc in this page: plain Yjs, no network. */
	localApplyMs: number | null;
	/** The verifier's counters at the end (which path checked the signatures). */
	verifier: {
		signatureChecks: number;
		fastChecks: number;
		messages: number;
		workers: number;
		workerMs: number;
	};
	/** Where the time after the transfer went (ms, from `transferred` to `verified`). */
	after: Trace | null;
};

/**
 * Main-thread view of the time after the last entry arrived: how long a verifyMany was in
 * flight (the RecordStore waiting on the verifier), the persistent cache's lookups, and long
 * tasks (over 50 ms) on this thread.
 */
export type Trace = {
	verifyCalls: number;
	verifyItems: number;
	/** A verifyMany in flight (union of the calls). */
	verifyingMs: number;
	/** Of that, waiting for the persistent cache's hasMany. */
	cacheLookupMs: number;
	/** Long tasks on the main thread (their summed duration). */
	longTaskMs: number;
	/**
	 * Every verifier call (verifyMany, checkEntries) of the join: [start (ms since rooms
	 * joined), duration, records].
	 */
	calls: [number, number, number][];
};

type Span = [start: number, end: number];

/** Summed length of the parts of `spans` that fall within [from, to] (overlaps once). */
function covered(spans: readonly Span[], from: number, to: number): number {
	const cut = spans
		.map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)])
		.filter(([a, b]) => b > a)
		.sort((x, y) => x[0] - y[0]);
	let total = 0;
	let end = -Infinity;
	for (const [a, b] of cut) {
		if (b <= end) continue;
		total += b - Math.max(a, end);
		end = b;
	}
	return total;
}

type RoomLike = { webrtcConns: Map<string, { connected: boolean }> } | null | undefined;

export async function join(options: {
	signaling: string;
	countryId: string;
	expected: number;
	timeoutMs: number;
}): Promise<JoinTimes> {
	const docs = openCountryDocs(options.countryId, { persist: false });
	const realCache = createVerifiedCacheStore(`bench-join-${Math.random().toString(36).slice(2)}`);
	const lookups: Span[] = [];
	const calls: [start: number, end: number, items: number][] = [];
	const longTasks: Span[] = [];
	const cache: typeof realCache = {
		...realCache,
		async hasMany(keys) {
			const span: Span = [performance.now(), Infinity];
			lookups.push(span);
			try {
				return await realCache.hasMany(keys);
			} finally {
				span[1] = performance.now();
			}
		}
	};
	const verifier = createVerifier({ cache });
	const tasks =
		typeof PerformanceObserver !== 'undefined' &&
		PerformanceObserver.supportedEntryTypes?.includes('longtask')
			? new PerformanceObserver((list) => {
					for (const e of list.getEntries())
						longTasks.push([e.startTime, e.startTime + e.duration]);
				})
			: null;
	tasks?.observe({ type: 'longtask' });
	/** A verifier call, timed as one of `calls`. */
	async function traced<T>(items: number, call: () => Promise<T>): Promise<T> {
		const span: [number, number, number] = [performance.now(), Infinity, items];
		calls.push(span);
		try {
			return await call();
		} finally {
			span[1] = performance.now();
		}
	}
	const store = new RecordStore({
		countryId: options.countryId,
		records: docs.records,
		verifier: {
			warmUp: () => verifier.warmUp(),
			verifyMany: (items) => traced(items.length, () => verifier.verifyMany(items)),
			checkEntries: (items) => traced(items.length, () => verifier.checkEntries(items))
		}
	});
	const times: JoinTimes = {
		connected: null,
		firstEntry: null,
		transferred: null,
		countryShown: null,
		verified: null,
		entries: 0,
		valid: 0,
		bytes: 0,
		frames: 0,
		localApplyMs: null,
		verifier: { signatureChecks: 0, fastChecks: 0, messages: 0, workers: 0, workerMs: 0 },
		after: null
	};
	let done: () => void = () => {};
	const finished = new Promise<void>((resolve) => (done = resolve));
	const t0 = performance.now();
	const since = () => performance.now() - t0;
	// Observers first, then the providers (STACK.md, gotcha 3).
	docs.records.observe(() => {
		if (times.firstEntry === null) times.firstEntry = since();
		if (times.transferred === null && docs.records.size >= options.expected) {
			times.transferred = since();
		}
	});
	store.on('change', (snapshot) => {
		if (times.countryShown === null && snapshot.country.genesis) times.countryShown = since();
		if (times.verified === null && snapshot.country.valid.size >= options.expected) {
			times.verified = since();
			done();
		}
	});
	const connection = new CountryConnection(docs, { signaling: [options.signaling], secret: null });
	const watch = setInterval(() => {
		const room = connection.providers[0]?.room as RoomLike;
		if (
			times.connected === null &&
			[...(room?.webrtcConns.values() ?? [])].some((c) => c.connected)
		) {
			times.connected = since();
		}
	}, 5);
	const timer = setTimeout(done, options.timeoutMs);
	try {
		await finished;
		times.entries = docs.records.size;
		times.valid = store.snapshot.country.valid.size;
		times.frames = connection.status.framesReceived;
		const { signatureChecks, fastChecks, messages, workers, workerMs } = verifier.stats();
		times.verifier = { signatureChecks, fastChecks, messages, workers, workerMs };
		if (times.transferred !== null && times.verified !== null) {
			const from = t0 + times.transferred;
			const to = t0 + times.verified;
			const late = calls.filter(([, end]) => end > from);
			times.after = {
				verifyCalls: late.length,
				verifyItems: late.reduce((n, c) => n + c[2], 0),
				verifyingMs: covered(
					calls.map(([a, b]): Span => [a, b]),
					from,
					to
				),
				cacheLookupMs: covered(lookups, from, to),
				longTaskMs: covered(longTasks, from, to),
				calls: calls.map(([a, b, n]) => [a - t0, b - a, n])
			};
		}
		const state = Y.encodeStateAsUpdate(docs.publicDoc);
		times.bytes = state.length;
		const fresh = new Y.Doc();
		const a = performance.now();
		Y.applyUpdate(fresh, state);
		times.localApplyMs = performance.now() - a;
		fresh.destroy();
		return times;
	} finally {
		clearTimeout(timer);
		clearInterval(watch);
		tasks?.disconnect();
		await connection.destroyed();
		store.destroy();
		verifier.destroy();
		realCache.close();
		await docs.destroy();
	}
}
