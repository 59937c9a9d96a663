/**
 * Connecting a country's documents to peers: one y-webrtc room per document, made
 * through this factory with our own signaling URLs (never y-webrtc's public defaults),
 * chunked data channels for large states, and a status that says where we stand.
 */
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import { Awareness } from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import { ObservableV2 } from 'lib0/observable';
import { chunkedRtc, type ChunkStats, type RtcImplementation } from './chunked-rtc';
import type { CountryDocs } from './docs';

export type PeerAnnouncement = {
	/** The app build this peer runs. */
	build: string;
	country: string;
	/** SHA-256 over the sorted ids of the records this peer holds as valid. */
	digest: string;
	count: number;
	name?: string;
};

export type RemotePeer = PeerAnnouncement & { clientId: number };

export type ConnectionStatus = {
	state: 'offline' | 'connecting' | 'online';
	/** Peers connected over WebRTC (or, for tabs of one browser, over BroadcastChannel). */
	peers: number;
	signaling: { url: string; connected: boolean }[];
	lastSyncedAt: number | null;
	/** Malformed updates from peers that were dropped before reaching the document. */
	dropped: number;
	framesReceived: number;
};

type Events = { status: (status: ConnectionStatus) => void; peers: (peers: RemotePeer[]) => void };

export type ConnectOptions = {
	signaling: string[];
	/** The citizens' secret: encrypts the citizens room's signaling. Null: public room only. */
	secret: string | null;
	/** An RTC implementation for Node peers (e.g. @roamhq/wrtc); the browser's by default. */
	rtc?: RtcImplementation;
	/** Start disconnected (e.g. the browser reports no network). */
	online?: boolean;
};

export const roomName = (countryId: string, part: 'public' | 'citizens') =>
	`webocracy/${countryId}/${part}`;

const MESSAGE_SYNC = 0;

/**
 * Checks a y-webrtc message before it reaches y-webrtc: a sync message whose update does
 * not decode is dropped here, so a malformed update can never half-apply or throw inside
 * the provider. Other message types pass unchanged.
 */
export function isWellFormedMessage(bytes: Uint8Array): boolean {
	try {
		const decoder = decoding.createDecoder(bytes);
		if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return true;
		const step = decoding.readVarUint(decoder);
		if (step === 0) {
			decoding.readVarUint8Array(decoder); // a state vector: harmless either way
			return true;
		}
		const update = decoding.readVarUint8Array(decoder);
		Y.decodeUpdate(update);
		return true;
	} catch {
		return false;
	}
}

function browserRtc(): RtcImplementation | null {
	if (typeof RTCPeerConnection === 'undefined') return null;
	return { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate };
}

export class CountryConnection extends ObservableV2<Events> {
	readonly providers: WebrtcProvider[];
	private readonly stats: ChunkStats = { framesSent: 0, framesReceived: 0, dropped: 0 };
	private lastSyncedAt: number | null = null;
	private malformed = 0;
	private online: boolean;
	private readonly timer: ReturnType<typeof setInterval>;
	private readonly onRemoteUpdate: (update: Uint8Array, origin: unknown) => void;
	private lastStatus = '';
	private isDestroyed = false;

	constructor(
		private readonly docs: CountryDocs,
		options: ConnectOptions
	) {
		super();
		this.online = options.online ?? true;
		const base = options.rtc ?? browserRtc();
		if (!base) throw new Error('No WebRTC implementation: pass `rtc` when not in a browser');
		const rtc = chunkedRtc(base, this.stats, (bytes) => {
			const ok = isWellFormedMessage(bytes);
			if (!ok) this.malformed++;
			return ok;
		});
		const peerOpts = { wrtc: rtc, config: { iceServers: [] } };
		const parts: { doc: Y.Doc; part: 'public' | 'citizens' }[] = [
			{ doc: docs.publicDoc, part: 'public' }
		];
		if (options.secret) parts.push({ doc: docs.citizensDoc, part: 'citizens' });
		this.providers = parts.map(
			({ doc, part }) =>
				new WebrtcProvider(roomName(docs.countryId, part), doc, {
					signaling: options.signaling,
					password: part === 'citizens' ? (options.secret ?? undefined) : undefined,
					awareness: new Awareness(doc),
					peerOpts
				})
		);
		if (!this.online) for (const p of this.providers) p.disconnect();
		for (const provider of this.providers) {
			provider.on('peers', () => this.refresh());
			provider.on('synced', () => {
				this.lastSyncedAt = Date.now();
				this.refresh();
			});
			provider.awareness.on('change', () => this.emit('peers', [this.remotePeers()]));
		}
		this.onRemoteUpdate = (_update, origin) => {
			// Updates from providers carry the room as origin; local writes carry ours.
			if (origin && typeof origin === 'object' && 'webrtcConns' in origin) {
				this.lastSyncedAt = Date.now();
			}
		};
		docs.publicDoc.on('update', this.onRemoteUpdate);
		// Signaling sockets reconnect on their own (with backoff); poll their state cheaply.
		this.timer = setInterval(() => this.refresh(), 1000);
	}

	get publicAwareness(): Awareness {
		return this.providers[0]!.awareness;
	}

	announce(announcement: PeerAnnouncement): void {
		for (const provider of this.providers) provider.awareness.setLocalState(announcement);
	}

	remotePeers(): RemotePeer[] {
		const peers: RemotePeer[] = [];
		const awareness = this.publicAwareness;
		awareness.getStates().forEach((state, clientId) => {
			if (clientId === awareness.clientID || !isAnnouncement(state)) return;
			peers.push({ ...state, clientId });
		});
		return peers;
	}

	/** Follow the browser's network state: leave rooms offline, rejoin (and resync) online. */
	setOnline(online: boolean): void {
		if (online === this.online) return;
		this.online = online;
		for (const provider of this.providers) {
			if (online) provider.connect();
			else provider.disconnect();
		}
		this.refresh();
	}

	get status(): ConnectionStatus {
		const seen = new Map<string, boolean>();
		let peers = 0;
		for (const provider of this.providers) {
			for (const conn of provider.signalingConns) {
				seen.set(conn.url, (seen.get(conn.url) ?? false) || conn.connected);
			}
			const room = provider.room;
			if (room) {
				// Only peers whose data channel is open: a pending or failed offer is no peer yet.
				const open = [...room.webrtcConns.values()].filter((c) => c.connected).length;
				peers = Math.max(peers, open + room.bcConns.size);
			}
		}
		const signaling = [...seen].map(([url, connected]) => ({ url, connected }));
		const state = !this.online
			? 'offline'
			: signaling.some((s) => s.connected) || peers > 0
				? 'online'
				: 'connecting';
		return {
			state,
			peers: this.online ? peers : 0,
			signaling,
			lastSyncedAt: this.lastSyncedAt,
			dropped: this.malformed + this.stats.dropped,
			framesReceived: this.stats.framesReceived
		};
	}

	/**
	 * Leave the rooms. y-webrtc frees a room name only after its key promise settles, so
	 * wait for that before anyone opens the same rooms again.
	 */
	async destroyed(): Promise<void> {
		this.destroy();
		await Promise.all(this.providers.map((p) => p.key));
	}

	destroy(): void {
		if (this.isDestroyed) return;
		this.isDestroyed = true;
		clearInterval(this.timer);
		this.docs.publicDoc.off('update', this.onRemoteUpdate);
		for (const provider of this.providers) provider.destroy();
		super.destroy();
	}

	private refresh(): void {
		const status = this.status;
		const key = JSON.stringify(status);
		if (key === this.lastStatus) return;
		this.lastStatus = key;
		this.emit('status', [status]);
	}
}

function isAnnouncement(state: unknown): state is PeerAnnouncement {
	const s = state as PeerAnnouncement;
	return (
		typeof s === 'object' &&
		s !== null &&
		typeof s.build === 'string' &&
		typeof s.country === 'string' &&
		typeof s.digest === 'string' &&
		typeof s.count === 'number'
	);
}
