/** One country open on this device: its documents, peers, verified records and derived view. */
import {
	CitizensArea,
	exportCountryFile,
	mergeCitizensUpdate,
	frameOf,
	openCountryDocs,
	readFrame,
	RecordStore,
	writeFrame,
	type CountryDocs,
	type RecordStatus,
	type RecordVerifier,
	type StoreSnapshot
} from '../sync';
// Types only: the connection's code (y-webrtc, simple-peer) loads when a country connects.
import type { ConnectionStatus, CountryConnection, RemotePeer } from '../sync/peers';
import { err, messageOf, ok, sha256Hex, type Result, type SignedEntry } from '../model';
import { ForumState } from './forum.svelte';

export type CountryOptions = {
	verifier: RecordVerifier;
	build: string;
	/** Where to find peers; empty: this device only. */
	signaling: string[];
	secret: string | null;
	online: boolean;
	/** Name announced to peers: the local person's display name, whenever they have one. */
	name?: () => string | undefined;
};

export type PeerRow = RemotePeer & { sameBuild: boolean; inSync: boolean; apart: number };

/** How long after a change this device tells peers its new digest (see announce()). */
const ANNOUNCE_DELAY_MS = 100;
/** How long after a change the frame is stored again (see keepFrame()); the first at once. */
const FRAME_DELAY_MS = 2000;

export class CountryState {
	readonly id: string;
	snapshot = $state.raw<StoreSnapshot>()!;
	loaded = $state(false);
	status = $state.raw<ConnectionStatus | null>(null);
	/** What could not be read of this country's copy on this device, worded for the person. */
	storageProblem = $state<string | null>(null);
	peers = $state.raw<PeerRow[]>([]);
	private readonly docs: CountryDocs;
	private readonly store: RecordStore;
	/** The citizens' area: threads, messages and shared drafts of the citizens document. */
	readonly forum: ForumState;
	private connection: CountryConnection | null = null;
	/** Connection changes run one after another: y-webrtc allows one provider per room. */
	private connecting: Promise<void>;
	private readonly options: CountryOptions;
	private digest = { digest: '', count: 0 };
	private destroyed = false;
	private remote: RemotePeer[] = [];

	constructor(id: string, options: CountryOptions) {
		this.id = id;
		this.options = options;
		// The frame (genesis, citizens, newest posts) is judged and shown first; only then is
		// the whole stored document read and decoded, which takes a while for a large country.
		let framed!: () => void;
		this.docs = openCountryDocs(id, { loadAfter: new Promise<void>((r) => (framed = r)) });
		this.store = new RecordStore({
			countryId: id,
			records: this.docs.records,
			verifier: options.verifier
		});
		void readFrame(id)
			.then((entries) => this.store.preload(entries))
			.finally(framed);
		void this.docs.whenLoaded.then(() => {
			this.storageProblem = this.docs.loadProblem?.message ?? null;
			this.store.mapLoaded();
		});
		this.snapshot = this.store.snapshot;
		this.forum = new ForumState(
			new CitizensArea(this.docs, { publicStore: this.store, verifier: options.verifier })
		);
		this.store.on('change', (snapshot) => {
			this.snapshot = snapshot;
			this.announce();
			if (this.loaded && !snapshot.partial) this.keepFrame();
		});
		// Join the rooms only once local data is loaded, so the first sync exchange sends a
		// true state vector instead of asking peers for everything.
		this.connecting = this.docs.whenLoaded.then(() => this.reconnect());
		void this.docs.whenLoaded
			.then(() => this.store.settled())
			.then(() => {
				this.loaded = true;
				// Only a view of everything stored here makes a frame (not the empty one before).
				this.keepFrame();
			});
	}

	get view() {
		return this.snapshot.country;
	}

	/** Join the country's rooms with what an invite or the local registry says. */
	configure(signaling: string[], secret: string | null): void {
		if (secret === this.options.secret && signaling.join() === this.options.signaling.join())
			return;
		this.options.signaling = signaling;
		this.options.secret = secret;
		this.connecting = this.connecting.then(() => this.reconnect());
	}

	setOnline(online: boolean): void {
		this.options.online = online;
		this.connection?.setOnline(online);
	}

	/**
	 * Publish signed entries; resolves with each one's verdict once it is safely stored, or
	 * with `storage_failed` when this device could not store it (the entries may still have
	 * reached peers: they entered the shared document before the write failed).
	 */
	async publish(
		entries: { id: string; entry: SignedEntry }[]
	): Promise<Result<RecordStatus[], 'storage_failed'>> {
		const verdicts = await this.store.publish(entries);
		try {
			await this.docs.flushed();
		} catch (error) {
			const message = messageOf(error);
			return err('storage_failed', message);
		}
		return ok(verdicts);
	}

	/** The whole country as a `.webocracy` file. */
	async exportFile(options: {
		includeCitizens: boolean;
		secret: string | null;
		signaling: string[];
	}): Promise<Uint8Array | null> {
		const genesis = this.view.genesis;
		if (!genesis) return null;
		return exportCountryFile(this.docs, {
			name: this.view.name,
			genesis: { record: genesis.text, signature: genesis.signature },
			...options
		});
	}

	/** Merge a citizens' document from a file; false if it does not decode. */
	mergeCitizens(update: Uint8Array): boolean {
		return mergeCitizensUpdate(this.docs, update);
	}

	/** Every entry of the shared record map, as stored (untrusted). */
	heldEntries(): Iterable<[string, unknown]> {
		return this.docs.records.entries();
	}

	/** Whether the shared map already stores exactly this entry under this id. */
	holds(id: string, entry: SignedEntry): boolean {
		const stored = this.docs.records.get(id) as Partial<SignedEntry> | undefined;
		return stored?.record === entry.record && stored?.signature === entry.signature;
	}

	async destroy(): Promise<void> {
		this.destroyed = true;
		if (this.frameTimer !== null) clearTimeout(this.frameTimer);
		await this.connecting;
		await this.connection?.destroyed();
		this.forum.destroy();
		this.store.destroy();
		await this.docs.destroy();
	}

	private async reconnect(): Promise<void> {
		if (this.destroyed) return;
		const old = this.connection;
		this.connection = null;
		if (old) await old.destroyed();
		const { signaling, secret } = this.options;
		if (!signaling.length || typeof RTCPeerConnection === 'undefined') {
			this.status = null;
			return;
		}
		const { CountryConnection } = await import('../sync/peers');
		// The country may have closed, or gone offline (setOnline found no connection to tell),
		// while the code loaded; a change of signaling or secret queues another reconnect.
		if (this.destroyed) return;
		const connection = new CountryConnection(this.docs, {
			signaling,
			secret,
			online: this.options.online
		});
		this.connection = connection;
		this.status = connection.status;
		connection.on('status', (status) => (this.status = status));
		connection.on('peers', (peers) => {
			this.remote = peers;
			this.updatePeers();
		});
		this.announce();
	}

	/** The valid set the digest was computed from (the store keeps it while it is unchanged). */
	private digestOf: ReadonlyMap<string, unknown> | null = null;
	private announceTimer: ReturnType<typeof setTimeout> | null = null;

	/**
	 * Tell peers what this device holds, a moment after a change rather than inside it: the
	 * digest sorts and hashes every valid id, and the view must not wait for that. A burst of
	 * changes makes one announcement; peers see it at most ANNOUNCE_DELAY_MS late.
	 */
	private announce(): void {
		if (this.announceTimer !== null) return;
		this.announceTimer = setTimeout(() => {
			this.announceTimer = null;
			if (this.destroyed) return;
			const { valid } = this.snapshot.country;
			if (valid !== this.digestOf) {
				const ids = [...valid.keys()].sort();
				this.digest = { digest: sha256Hex(ids.join('\n')), count: ids.length };
				this.digestOf = valid;
			}
			this.connection?.announce({
				build: this.options.build,
				country: this.id,
				...this.digest,
				...(this.options.name?.() ? { name: this.options.name() } : {})
			});
			this.updatePeers();
		}, ANNOUNCE_DELAY_MS);
	}

	private frameTimer: ReturnType<typeof setTimeout> | null = null;
	/** The valid set the frame was last taken from. */
	private framedFrom: ReadonlyMap<string, unknown> | null = null;

	/**
	 * Keep the frame for the next start, off the path of the change: at once after the first
	 * complete view (a page may be closed soon after), then at most every FRAME_DELAY_MS.
	 */
	private keepFrame(): void {
		if (this.frameTimer !== null) return;
		this.frameTimer = setTimeout(
			() => {
				this.frameTimer = null;
				const { valid } = this.snapshot.country;
				if (this.destroyed || this.snapshot.partial || valid === this.framedFrom) return;
				this.framedFrom = valid;
				void writeFrame(this.id, frameOf(valid));
			},
			this.framedFrom === null ? 0 : FRAME_DELAY_MS
		);
	}

	private updatePeers(): void {
		this.peers = this.remote.map((peer) => ({
			...peer,
			sameBuild: peer.build === this.options.build,
			inSync: peer.digest === this.digest.digest,
			apart: Math.abs(peer.count - this.digest.count)
		}));
	}
}
