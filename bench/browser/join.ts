/**
 * The 10 MB join (issue 3), browser side: a fresh context opens a country that only a seeded
 * Node peer holds, over real WebRTC through our signaling server, with our code as the app
 * runs it (chunked data channels, RecordStore, the verifier with its worker pool and the
 * persistent cache, empty here). Times are ms from the moment the rooms are joined.
 */
import * as Y from 'yjs';
import { createVerifiedCacheStore, createVerifier } from '../../src/lib/identity';
import { CountryConnection, openCountryDocs, RecordStore } from '../../src/lib/sync';

export type JoinTimes = {
	/** The first WebRTC peer with an open data channel. */
	connected: number | null;
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
	verifier: { signatureChecks: number; fastChecks: number; messages: number; workers: number };
};

type RoomLike = { webrtcConns: Map<string, { connected: boolean }> } | null | undefined;

export async function join(options: {
	signaling: string;
	countryId: string;
	expected: number;
	timeoutMs: number;
}): Promise<JoinTimes> {
	const docs = openCountryDocs(options.countryId, { persist: false });
	const cache = createVerifiedCacheStore(`bench-join-${Math.random().toString(36).slice(2)}`);
	const verifier = createVerifier({ cache });
	const store = new RecordStore({
		countryId: options.countryId,
		records: docs.records,
		verifier
	});
	const times: JoinTimes = {
		connected: null,
		transferred: null,
		countryShown: null,
		verified: null,
		entries: 0,
		valid: 0,
		bytes: 0,
		frames: 0,
		localApplyMs: null,
		verifier: { signatureChecks: 0, fastChecks: 0, messages: 0, workers: 0 }
	};
	let done: () => void = () => {};
	const finished = new Promise<void>((resolve) => (done = resolve));
	const t0 = performance.now();
	const since = () => performance.now() - t0;
	// Observers first, then the providers (STACK.md, gotcha 3).
	docs.records.observe(() => {
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
		const { signatureChecks, fastChecks, messages, workers } = verifier.stats();
		times.verifier = { signatureChecks, fastChecks, messages, workers };
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
		await connection.destroyed();
		store.destroy();
		verifier.destroy();
		cache.close();
		await docs.destroy();
	}
}
