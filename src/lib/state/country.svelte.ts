/** One country open on this device: its documents, peers, verified records and derived view. */
import {
	CountryConnection,
	openCountryDocs,
	RecordStore,
	type ConnectionStatus,
	type CountryDocs,
	type RecordStatus,
	type RecordVerifier,
	type RemotePeer,
	type StoreSnapshot
} from '../sync';
import { sha256Hex, type SignedEntry } from '../model';

export type CountryOptions = {
	verifier: RecordVerifier;
	build: string;
	/** Where to find peers; empty: this device only. */
	signaling: string[];
	secret: string | null;
	online: boolean;
	/** Name announced to peers (the local person's display name), if any. */
	name?: string;
};

export type PeerRow = RemotePeer & { sameBuild: boolean; inSync: boolean; apart: number };

export class CountryState {
	readonly id: string;
	snapshot = $state.raw<StoreSnapshot>()!;
	loaded = $state(false);
	status = $state.raw<ConnectionStatus | null>(null);
	peers = $state.raw<PeerRow[]>([]);
	private readonly docs: CountryDocs;
	private readonly store: RecordStore;
	private connection: CountryConnection | null = null;
	private readonly options: CountryOptions;
	private digest = { digest: '', count: 0 };
	private remote: RemotePeer[] = [];

	constructor(id: string, options: CountryOptions) {
		this.id = id;
		this.options = options;
		this.docs = openCountryDocs(id);
		this.store = new RecordStore({ countryId: id, records: this.docs.records, verifier: options.verifier });
		this.snapshot = this.store.snapshot;
		this.store.on('change', (snapshot) => {
			this.snapshot = snapshot;
			this.announce();
		});
		void this.docs.whenLoaded.then(async () => {
			if (options.signaling.length && typeof RTCPeerConnection !== 'undefined') this.connect();
			await this.store.settled();
			this.loaded = true;
		});
	}

	get view() {
		return this.snapshot.country;
	}

	/** Join the country's rooms (again) with what an invite or the local registry says. */
	configure(signaling: string[], secret: string | null): void {
		const same =
			this.connection &&
			secret === this.options.secret &&
			signaling.join() === this.options.signaling.join();
		if (same) return;
		this.options.signaling = signaling;
		this.options.secret = secret;
		this.connection?.destroy();
		this.connection = null;
		if (signaling.length && typeof RTCPeerConnection !== 'undefined') this.connect();
	}

	setOnline(online: boolean): void {
		this.options.online = online;
		this.connection?.setOnline(online);
	}

	/** Publish signed entries; resolves with each one's verdict once it is safely stored. */
	async publish(entries: { id: string; entry: SignedEntry }[]): Promise<RecordStatus[]> {
		const verdicts = await this.store.publish(entries);
		await this.docs.flushed();
		return verdicts;
	}

	async destroy(): Promise<void> {
		this.connection?.destroy();
		this.store.destroy();
		await this.docs.destroy();
	}

	private connect(): void {
		const connection = new CountryConnection(this.docs, {
			signaling: this.options.signaling,
			secret: this.options.secret,
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

	private announce(): void {
		const ids = [...this.snapshot.country.valid.keys()].sort();
		this.digest = { digest: sha256Hex(ids.join('\n')), count: ids.length };
		this.connection?.announce({
			build: this.options.build,
			country: this.id,
			...this.digest,
			...(this.options.name ? { name: this.options.name } : {})
		});
		this.updatePeers();
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
