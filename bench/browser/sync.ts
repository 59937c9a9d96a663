/**
 * The sync workload, one role per browser context. The writer signs records and publishes
 * them through our RecordStore; the reader's RecordStore reports them verified. Beside it,
 * in the same pages and over the same signaling server, plain y-webrtc with two Y.Docs
 * (the writer sets a map key, the reader observes it). Writes alternate between the two
 * paths, so both see the same machine. Times are absolute (timeOrigin + now): both
 * contexts run on this machine's clock.
 */
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import {
	createVerifiedCacheStore,
	createVerifier,
	generateIdentity,
	signRecord,
	unlockIdentity,
	type PersistentVerifiedCache,
	type UnlockedIdentity
} from '../../src/lib/identity';
import { makeCitizen, makeGenesis, type SignedEntry } from '../../src/lib/model';
import { CountryConnection } from '../../src/lib/sync/peers';
import {
	openCountryDocs,
	RecordStore,
	type CountryDocs,
	type RecordStatus,
	type RecordVerifier
} from '../../src/lib/sync';

export type Path = 'ours' | 'plain';
export type Sent = { path: Path; index: number; key: string; at: number };
export type Seen = {
	/** Absolute times: the update applied, the verifier called and answering, the view. */
	ours: {
		key: string;
		update: number;
		verifyStart: number | null;
		verifyEnd: number | null;
		visible: number | null;
	}[];
	plain: { key: string; update: number }[];
};
export type Connected = {
	/** ms from the reader's providers starting to its first connected WebRTC peer. */
	oursMs: number | null;
	plainMs: number | null;
	/** Peers over WebRTC (not BroadcastChannel) in each room, as the reader sees them. */
	oursPeers: number;
	plainPeers: number;
	broadcastPeers: number;
};

const PASSPHRASE = 'bench passphrase';
/** Makes the plain write about as large as our signed record (~1 KB). */
const PAD = 'x'.repeat(1000);
const now = () => performance.timeOrigin + performance.now();

type Side = {
	docs: CountryDocs;
	store: RecordStore;
	connection: CountryConnection;
	plainDoc: Y.Doc;
	plain: WebrtcProvider;
	destroy(): Promise<void>;
};

let side: Side | null = null;
let writer: { unlocked: UnlockedIdentity; publicKey: string; countryId: string } | null = null;
const seen: Seen = { ours: [], plain: [] };
/** Durations (ms) of the reader's verifier calls and of the persistent cache calls inside them. */
export type Timings = { verifyMany: number[]; hasMany: number[]; addMany: number[] };
let timings: Timings = { verifyMany: [], hasMany: [], addMany: [] };
const oursByKey = new Map<string, Seen['ours'][number]>();
let startedAt = 0;
const connectedAt: { ours: number | null; plain: number | null } = { ours: null, plain: null };

type Room = { webrtcConns: Map<string, { connected: boolean }> } | null | undefined;
const connectedPeers = (room: Room) =>
	[...(room?.webrtcConns.values() ?? [])].filter((c) => c.connected).length;

function open(options: { signaling: string; countryId: string; plainRoom: string }): Side {
	const docs = openCountryDocs(options.countryId, { persist: false });
	// As the app configures it (state/app.svelte.ts): worker pool and the persistent cache.
	const persistent = createVerifiedCacheStore(
		`bench-verified-${Math.random().toString(36).slice(2)}`
	);
	// Timed, so the report can say how much of the latency is the cache's IndexedDB calls.
	const cache: PersistentVerifiedCache = {
		async hasMany(keys) {
			const t0 = performance.now();
			try {
				return await persistent.hasMany(keys);
			} finally {
				timings.hasMany.push(performance.now() - t0);
			}
		},
		async addMany(keys) {
			const t0 = performance.now();
			try {
				await persistent.addMany(keys);
			} finally {
				timings.addMany.push(performance.now() - t0);
			}
		}
	};
	const verifier = createVerifier({ cache });
	const timedVerifier: RecordVerifier = {
		async verifyMany(items) {
			const t0 = performance.now();
			const entries = items.map(({ parsed }) => oursByKey.get(parsed.id));
			for (const entry of entries)
				if (entry && entry.verifyStart === null) entry.verifyStart = now();
			try {
				return await verifier.verifyMany(items);
			} finally {
				timings.verifyMany.push(performance.now() - t0);
				for (const entry of entries) if (entry && entry.verifyEnd === null) entry.verifyEnd = now();
			}
		},
		// As in the app, the store warms the verifier up when it opens (untimed: before any write).
		warmUp: () => verifier.warmUp()
	};
	const store = new RecordStore({
		countryId: options.countryId,
		records: docs.records,
		verifier: timedVerifier
	});
	// Observers first, then providers (STACK.md, gotcha 3).
	docs.records.observe((event) => {
		const at = now();
		for (const key of event.keysChanged) {
			if (oursByKey.has(key)) continue;
			const entry = { key, update: at, verifyStart: null, verifyEnd: null, visible: null };
			oursByKey.set(key, entry);
			seen.ours.push(entry);
		}
	});
	store.on('change', (snapshot) => {
		const at = now();
		for (const id of snapshot.country.valid.keys()) {
			const entry = oursByKey.get(id);
			if (entry && entry.visible === null) entry.visible = at;
		}
	});
	const plainDoc = new Y.Doc();
	const plainMap = plainDoc.getMap<{ at: number; pad: string }>('writes');
	plainMap.observe((event) => {
		const at = now();
		for (const key of event.keysChanged) seen.plain.push({ key, update: at });
	});

	startedAt = now();
	const connection = new CountryConnection(docs, { signaling: [options.signaling], secret: null });
	const plain = new WebrtcProvider(options.plainRoom, plainDoc, {
		signaling: [options.signaling],
		// y-webrtc's default STUN servers are unreachable here and not ours to use.
		peerOpts: { config: { iceServers: [] } }
	});
	// y-webrtc lists a peer before its data channel opens: watch for a connected one.
	const watch = setInterval(() => {
		const at = now() - startedAt;
		if (connectedAt.ours === null && connectedPeers(connection.providers[0]?.room)) {
			connectedAt.ours = at;
		}
		if (connectedAt.plain === null && connectedPeers(plain.room)) connectedAt.plain = at;
		if ((connectedAt.ours !== null && connectedAt.plain !== null) || at > 60_000) {
			clearInterval(watch);
		}
	}, 5);
	return {
		docs,
		store,
		connection,
		plainDoc,
		plain,
		async destroy() {
			clearInterval(watch);
			plain.destroy();
			await connection.destroyed();
			store.destroy();
			verifier.destroy();
			persistent.close();
			await docs.destroy();
			plainDoc.destroy();
		}
	};
}

async function sign(unlocked: UnlockedIdentity, record: Parameters<typeof signRecord>[1]) {
	const signed = await signRecord(unlocked, record);
	if (!signed.ok) throw new Error(`signRecord: ${signed.message}`);
	return signed.value;
}

const expectValid = (statuses: RecordStatus[]) => {
	const bad = statuses.find((s) => s.status !== 'valid');
	if (bad) throw new Error(`a record was not valid: ${JSON.stringify(bad)}`);
};

/** The founder: makes a country, publishes its genesis and citizen record, joins both rooms. */
export async function setupWriter(options: {
	signaling: string;
	plainRoom: string;
}): Promise<{ countryId: string }> {
	const made = await generateIdentity({ name: 'Bench Founder', passphrase: PASSPHRASE });
	if (!made.ok) throw new Error(`generateIdentity: ${made.message}`);
	const unlocked = await unlockIdentity(made.value, PASSPHRASE);
	if (!unlocked.ok) throw new Error(`unlockIdentity: ${unlocked.message}`);
	const author = made.value.fingerprint;
	const publicKey = made.value.publicKey;
	const at = Date.now();
	const genesis = await sign(
		unlocked.value,
		makeGenesis({
			author,
			at,
			name: `Benchland ${Math.random().toString(36).slice(2, 8)}`,
			constitution: { admission: 'invite', seats: 3, termDays: 365 },
			founderKey: publicKey
		})
	);
	const countryId = genesis.id;
	const founder = await sign(
		unlocked.value,
		makeCitizen({
			country: countryId,
			author,
			at: at + 1,
			name: 'Bench Founder',
			publicKey,
			admission: { type: 'founder' }
		})
	);
	side = open({ signaling: options.signaling, countryId, plainRoom: options.plainRoom });
	expectValid(await side.store.publish([genesis, founder]));
	writer = { unlocked: unlocked.value, publicKey, countryId };
	return { countryId };
}

export function setupReader(options: { signaling: string; countryId: string; plainRoom: string }) {
	side = open(options);
}

export function connected(): Connected {
	if (!side) throw new Error('not set up');
	const room = side.connection.providers[0]?.room;
	return {
		oursMs: connectedAt.ours,
		plainMs: connectedAt.plain,
		oursPeers: connectedPeers(room),
		plainPeers: connectedPeers(side.plain.room),
		broadcastPeers: (room?.bcConns.size ?? 0) + (side.plain.room?.bcConns.size ?? 0)
	};
}

/** Reader: how many records its store holds as valid (genesis and founder make 2). */
export function validCount(): number {
	return side?.store.snapshot.country.valid.size ?? 0;
}

/**
 * Writer: `count` writes on each path, `gapMs` apart, alternating which path goes first.
 * Returns when every write is sent and our own store has judged each one valid.
 */
export async function runWrites(options: { count: number; gapMs: number; from: number }) {
	if (!side || !writer) throw new Error('not the writer');
	const { store, plainDoc } = side;
	const { unlocked, publicKey, countryId } = writer;
	const plainMap = plainDoc.getMap<{ at: number; pad: string }>('writes');
	const sent: Sent[] = [];
	const verdicts: Promise<RecordStatus[]>[] = [];
	const pause = () => new Promise((resolve) => setTimeout(resolve, options.gapMs));
	const writeOurs = async (index: number) => {
		// Signing is the author's cost before the write; the clock starts at the write.
		const { id, entry } = await sign(
			unlocked,
			makeCitizen({
				country: countryId,
				author: unlocked.key.fingerprint,
				at: Date.now(),
				name: `Bench Founder ${index}`,
				publicKey,
				admission: { type: 'update' }
			})
		);
		sent.push({ path: 'ours', index, key: id, at: now() });
		verdicts.push(store.publish([{ id, entry: entry satisfies SignedEntry }]));
	};
	const writePlain = (index: number) => {
		const key = `w${index}`;
		const at = now();
		sent.push({ path: 'plain', index, key, at });
		plainMap.set(key, { at, pad: PAD });
	};
	for (let i = options.from; i < options.from + options.count; i++) {
		if (i % 2 === 0) {
			await writeOurs(i);
			await pause();
			writePlain(i);
		} else {
			writePlain(i);
			await pause();
			await writeOurs(i);
		}
		await pause();
	}
	for (const statuses of await Promise.all(verdicts)) expectValid(statuses);
	return sent;
}

/** Reader: what arrived so far. */
export function received(): Seen {
	return seen;
}

export function takeTimings(): Timings {
	const taken = timings;
	timings = { verifyMany: [], hasMany: [], addMany: [] };
	return taken;
}

export async function teardown(): Promise<void> {
	writer?.unlocked.lock();
	await side?.destroy();
	side = null;
}
