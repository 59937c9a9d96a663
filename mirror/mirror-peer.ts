/**
 * The mirror: an always-on peer of one country's PUBLIC room (never the citizens' room). It
 * keeps every update it sees in a durable log, verifies records with the app's record store
 * (which also heals vandalism, as any honest peer does), and re-renders the static site a
 * moment after the valid set changes. It signs and authors nothing.
 */
import wrtc from '@roamhq/wrtc';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as Y from 'yjs';
import { recordSetDigest, type CountryView } from '../src/lib/model';
import { openCountryDocs, RecordStore, type CountryDocs } from '../src/lib/sync';
import { CountryConnection, type ConnectionStatus } from '../src/lib/sync/peers';
import type { RtcImplementation } from '../src/lib/sync/chunked-rtc';
import { nodeDeflate } from '../src/lib/sync/node-deflate';
import { CliError, EXIT } from './cli/exit';
import { writeFileAtomic } from './files';
import { LogFormatError, UpdateLog } from './update-log';
import { nodeVerifier } from './world';

const LOAD_ORIGIN = Symbol('mirror-load');
/** A burst of updates (a peer's whole state arriving in frames) makes one render. */
const RENDER_DELAY_MS = 250;
/** Compact when the log holds this many entries more than after the last compaction. */
const COMPACT_AFTER_ENTRIES = 2000;
const ANNOUNCE_DELAY_MS = 100;
/** A connection that has not synced within this time is dropped and made again; doubles per peer. */
const FIRST_STALL_MS = 10_000;
const MAX_STALL_MS = 120_000;
const WATCH_EVERY_MS = 2_000;

/** What the watchdog reads of y-webrtc's connections (its WebrtcConn; not in its typings). */
type PeerConnection = { connected: boolean; synced: boolean; peer: { destroy(): void } };

export type RenderOutcome = { written: number; removed: number; files: number; ms: number };
export type SiteRenderer = (country: CountryView) => Promise<RenderOutcome>;

export type MirrorOptions = {
	countryId: string;
	signaling: string[];
	dataDir: string;
	render: SiteRenderer;
	/** Give up starting when no signaling server answers within this time (0: wait forever). */
	connectTimeoutMs: number;
	say: (line: string) => void;
};

export type MirrorHealth = {
	country: string;
	name: string;
	peers: number;
	signaling: { url: string; connected: boolean }[];
	/** stored: records in the document as of the last update on disk. */
	records: { valid: number; held: number; invalid: number; stored: number };
	store: { entries: number; bytes: number; lastStoredAt: string | null };
	lastSyncAt: string | null;
	/** records: how many valid records the last finished render showed. */
	lastRender: (RenderOutcome & { at: string; records: number }) | null;
	renderError: string | null;
	startedAt: string;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type DataMeta = { format: 'webocracy-mirror'; country: string; signaling: string[] };

/** The data directory belongs to one country, and to one running mirror at a time. */
async function claimDataDir(dataDir: string, countryId: string, signaling: string[]) {
	await mkdir(dataDir, { recursive: true });
	const metaPath = join(dataDir, 'mirror.json');
	let meta: DataMeta | null = null;
	try {
		meta = JSON.parse(await readFile(metaPath, 'utf8')) as DataMeta;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw new CliError(
				EXIT.input,
				`${metaPath} is unreadable; is ${dataDir} a mirror's data directory?`
			);
		}
	}
	if (meta && meta.country !== countryId) {
		throw new CliError(
			EXIT.input,
			`${dataDir} holds the mirror of another country (${meta.country}); this is for ${countryId}. Use another --data directory.`
		);
	}
	const lockPath = join(dataDir, 'lock');
	const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
	if (holder && holder !== process.pid && isAlive(holder)) {
		throw new CliError(EXIT.input, `Another mirror (pid ${holder}) is using ${dataDir}.`);
	}
	await writeFileAtomic(lockPath, String(process.pid));
	await writeFileAtomic(
		metaPath,
		JSON.stringify({ format: 'webocracy-mirror', country: countryId, signaling }) + '\n'
	);
	return lockPath;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export class Mirror {
	private readonly failures: Promise<never>;
	private fail!: (error: unknown) => void;
	private renderTimer: ReturnType<typeof setTimeout> | null = null;
	private rendering: Promise<void> = Promise.resolve();
	private renderWanted = false;
	private lastRender: MirrorHealth['lastRender'] = null;
	private renderError: string | null = null;
	private announceTimer: ReturnType<typeof setTimeout> | null = null;
	private entriesAtCompaction: number;
	private readonly startedAt = Date.now();
	private lastStatus = '';
	private storedRecords: number;
	private readonly watchdog: ReturnType<typeof setInterval>;
	/** When each connection was first seen unsynced. */
	private readonly unsyncedSince = new WeakMap<PeerConnection, number>();
	/** Per remote peer: how long its next connection may take to sync. */
	private readonly stallLimit = new Map<string, number>();

	private constructor(
		private readonly options: MirrorOptions,
		private readonly docs: CountryDocs,
		private readonly log: UpdateLog,
		private readonly store: RecordStore,
		private readonly connection: CountryConnection,
		private readonly lockPath: string
	) {
		this.entriesAtCompaction = log.stats.entries;
		this.storedRecords = docs.records.size;
		this.failures = new Promise<never>((_, reject) => (this.fail = reject));
		this.failures.catch(() => {});
		this.watchdog = setInterval(() => this.dropStalledConnections(), WATCH_EVERY_MS);
	}

	static async start(options: MirrorOptions): Promise<Mirror> {
		const { countryId, dataDir, say } = options;
		const lockPath = await claimDataDir(dataDir, countryId, options.signaling);
		const logPath = join(dataDir, 'updates.log');
		let opened: Awaited<ReturnType<typeof UpdateLog.open>>;
		try {
			opened = await UpdateLog.open(logPath);
		} catch (error) {
			if (error instanceof LogFormatError) {
				throw new CliError(
					EXIT.input,
					`${logPath} is not a mirror log; move it away or use another --data directory.`
				);
			}
			throw new CliError(EXIT.storage, `Could not open ${logPath}: ${(error as Error).message}`);
		}
		const { log, read } = opened;
		if (read.tornBytes)
			say(`store: ignored the torn end of an interrupted write (${read.tornBytes} bytes)`);
		const docs = openCountryDocs(countryId, { persist: false });
		for (const update of read.updates) {
			try {
				Y.applyUpdate(docs.publicDoc, update, LOAD_ORIGIN);
			} catch {
				// A checksummed entry that Yjs cannot read was never written by us: skip it.
				say('store: skipped an entry that does not decode');
			}
		}
		say(`store: ${read.updates.length} stored updates, ${docs.records.size} records`);
		const store = new RecordStore({ countryId, records: docs.records, verifier: nodeVerifier() });
		// Observers are registered before the rooms are joined (STACK.md, gotcha 3).
		const rtc = wrtc as unknown as RtcImplementation;
		const connection = new CountryConnection(docs, {
			signaling: options.signaling,
			secret: null,
			rtc,
			deflate: nodeDeflate
		});
		const mirror = new Mirror(options, docs, log, store, connection, lockPath);
		mirror.wire();
		await store.settled();
		if (read.updates.length > 1) await mirror.compact();
		mirror.scheduleRender(0);
		await mirror.whenSignalingReachable();
		return mirror;
	}

	/** Rejects when the mirror cannot go on (its store cannot be written). */
	get failed(): Promise<never> {
		return this.failures;
	}

	health(): MirrorHealth {
		const status: ConnectionStatus = this.connection.status;
		const { country, diagnostics } = this.store.snapshot;
		const stats = this.log.stats;
		return {
			country: this.options.countryId,
			name: country.name,
			peers: status.peers,
			signaling: status.signaling,
			records: {
				valid: country.valid.size,
				held: this.docs.records.size,
				invalid: diagnostics.filter((d) => d.status === 'invalid').length,
				stored: this.storedRecords
			},
			store: { entries: stats.entries, bytes: stats.bytes, lastStoredAt: iso(stats.storedAt) },
			lastSyncAt: iso(status.lastSyncedAt),
			lastRender: this.lastRender,
			renderError: this.renderError,
			startedAt: new Date(this.startedAt).toISOString()
		};
	}

	/** Leave the room, store what is pending, release the data directory. */
	async stop(): Promise<void> {
		if (this.renderTimer) clearTimeout(this.renderTimer);
		if (this.announceTimer) clearTimeout(this.announceTimer);
		this.renderTimer = null;
		clearInterval(this.watchdog);
		await this.connection.destroyed();
		await this.rendering;
		await this.log.close();
		this.store.destroy();
		await this.docs.destroy();
		await rm(this.lockPath, { force: true });
	}

	private wire(): void {
		this.docs.publicDoc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === LOAD_ORIGIN) return;
			const held = this.docs.records.size;
			this.log.append(update).then(
				() => (this.storedRecords = Math.max(this.storedRecords, held)),
				(error) => this.fail(error)
			);
			if (this.log.stats.entries - this.entriesAtCompaction > COMPACT_AFTER_ENTRIES) {
				void this.compact().catch((error) => this.fail(error));
			}
		});
		this.store.on('change', () => {
			this.scheduleRender(RENDER_DELAY_MS);
			this.scheduleAnnounce();
		});
		this.connection.on('status', (status) => {
			const line = `${status.state}; ${status.peers} peer${status.peers === 1 ? '' : 's'}; ${status.signaling
				.map((s) => `${s.url} ${s.connected ? 'connected' : 'unreachable'}`)
				.join(', ')}`;
			if (line !== this.lastStatus) this.options.say(`network: ${line}`);
			this.lastStatus = line;
		});
	}

	/**
	 * Reconnect, with backoff, to peers whose connection opened but never synced. Two peers
	 * that join within one signaling round trip both start a connection (y-webrtc has no
	 * tie-break); the loser can stay open yet carry nothing, and y-webrtc never retries it.
	 * Destroying it makes y-webrtc announce again, and the peers connect afresh.
	 */
	private dropStalledConnections(): void {
		const room = this.connection.providers[0]?.room as
			{ webrtcConns: Map<string, PeerConnection> } | null | undefined;
		if (!room) return;
		const now = Date.now();
		for (const [remote, conn] of room.webrtcConns) {
			if (conn.synced) {
				this.stallLimit.delete(remote);
				continue;
			}
			const since = this.unsyncedSince.get(conn);
			if (since === undefined) {
				this.unsyncedSince.set(conn, now);
				continue;
			}
			const limit = this.stallLimit.get(remote) ?? FIRST_STALL_MS;
			if (now - since < limit) continue;
			this.stallLimit.set(remote, Math.min(limit * 2, MAX_STALL_MS));
			this.options.say(
				`network: no sync with peer ${remote.slice(0, 8)} after ${Math.round(limit / 1000)} s; connecting again`
			);
			conn.peer.destroy();
		}
	}

	private async compact(): Promise<void> {
		await this.log.compact(() => Y.encodeStateAsUpdate(this.docs.publicDoc));
		this.entriesAtCompaction = this.log.stats.entries;
	}

	private scheduleAnnounce(): void {
		if (this.announceTimer) return;
		// Sorting and hashing every id waits a moment, as the app does: a burst announces once.
		this.announceTimer = setTimeout(() => {
			this.announceTimer = null;
			const ids = [...this.store.snapshot.country.valid.keys()];
			this.connection.announce({
				build: 'webocracy-mirror',
				country: this.options.countryId,
				digest: recordSetDigest(ids),
				count: ids.length,
				name: 'Mirror'
			});
		}, ANNOUNCE_DELAY_MS);
	}

	private scheduleRender(delay: number): void {
		this.renderWanted = true;
		if (this.renderTimer) return;
		this.renderTimer = setTimeout(() => {
			this.renderTimer = null;
			this.rendering = this.rendering.then(() => this.renderNow());
		}, delay);
	}

	private async renderNow(): Promise<void> {
		// A view halfway through a load lacks records still being checked: rendering it would
		// take their pages down until the next pass. The complete view schedules its own render.
		if (!this.renderWanted || this.store.snapshot.partial) return;
		this.renderWanted = false;
		const { country } = this.store.snapshot;
		if (!country.genesis) return; // nothing to show before the country has arrived
		try {
			const outcome = await this.options.render(country);
			this.lastRender = { ...outcome, at: new Date().toISOString(), records: country.valid.size };
			this.renderError = null;
			if (outcome.written || outcome.removed) {
				this.options.say(
					`site: ${outcome.written} files written, ${outcome.removed} removed in ${outcome.ms} ms (${country.valid.size} records)`
				);
			}
		} catch (error) {
			// A write that failed (full disk, read-only) ends the mirror: the store is whole and a
			// restart renders again. Anything else is reported and retried on the next change.
			if (error instanceof CliError) {
				this.fail(error);
				return;
			}
			this.renderError = String((error as Error).message ?? error);
			this.options.say(`site: render failed: ${this.renderError}`);
		}
	}

	private async whenSignalingReachable(): Promise<void> {
		const { connectTimeoutMs, signaling } = this.options;
		const reachable = () => this.connection.status.signaling.some((s) => s.connected);
		const deadline = connectTimeoutMs > 0 ? Date.now() + connectTimeoutMs : Infinity;
		while (!reachable()) {
			if (Date.now() > deadline) {
				await this.stop();
				throw new CliError(
					EXIT.network,
					`No signaling server reachable after ${Math.round(connectTimeoutMs / 1000)} s: ${signaling.join(', ')}. Check the URL and that the server runs; the store in ${this.options.dataDir} is kept.`
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
}
