/**
 * Connecting a country's documents to peers: one y-webrtc room per document, made
 * through this factory with our own signaling URLs (never y-webrtc's public defaults),
 * chunked data channels for large states, and a status that says where we stand.
 */
import type * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import { Awareness } from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import { ObservableV2 } from 'lib0/observable';
import { chunkedRtc, type ChunkStats, type RtcImplementation } from './chunked-rtc';
import type { CountryDocs } from './docs';
import type { Deflate } from './deflate';
import { MESSAGE_SYNC, SYNC_STEP_2, SYNC_UPDATE, syncMessage } from './messages';
import { relayToTabsAfterPeers } from './tab-relay';
import { cutUpdate, isWellFormedUpdate, MalformedUpdate } from './update-pieces';
import {
	guardSignaling,
	type GuardedConn,
	type GuardedProvider,
	type SignalingDrop
} from './signaling-guard';

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
	/**
	 * Signaling messages dropped before y-webrtc: sealed with another citizens' secret (a peer
	 * with an old or foreign invite in the room), or unreadable.
	 */
	signalingDropped: number;
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
	/** How large messages are deflated: Node peers pass `nodeDeflate` (`node-deflate.ts`). */
	deflate?: Deflate;
};

/**
 * Who hears of a signaling message dropped for a provider: signaling connections are shared
 * by every room on one URL (y-webrtc keeps them in a global map), so the guard finds the
 * connection by its provider.
 */
const dropListeners = new WeakMap<object, (reason: SignalingDrop) => void>();

const onSignalingDrop = (provider: GuardedProvider, reason: SignalingDrop) =>
	dropListeners.get(provider)?.(reason);

export const roomName = (countryId: string, part: 'public' | 'citizens') =>
	`webocracy/${countryId}/${part}`;

/**
 * Updates larger than this travel as several (UPDATE_PIECE_BYTES each): the joiner applies,
 * and its record store starts checking, each piece as it arrives.
 */
const SPLIT_ABOVE = 512 * 1024;
export const UPDATE_PIECE_BYTES = 256 * 1024;

const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

/**
 * Checks a y-webrtc message before it reaches y-webrtc, by type: y-webrtc's reader throws on
 * anything it cannot read, and in Node (the mirror) a throw from a data channel's handler
 * ends the process. So a sync message must hold a readable state vector or a well-formed
 * update, an awareness message a readable update whose states are JSON, and any other type
 * (including 4, which only makes sense over BroadcastChannel) is refused.
 */
export function isWellFormedMessage(bytes: Uint8Array): boolean {
	try {
		const decoder = decoding.createDecoder(bytes);
		switch (decoding.readVarUint(decoder)) {
			case MESSAGE_SYNC: {
				const step = decoding.readVarUint(decoder);
				const payload = decoding.readVarUint8Array(decoder);
				if (step === 0) return isStateVector(payload);
				if (step === SYNC_STEP_2 || step === SYNC_UPDATE) return isWellFormedUpdate(payload);
				return false;
			}
			case MESSAGE_AWARENESS:
				return isAwarenessUpdate(decoding.readVarUint8Array(decoder));
			case MESSAGE_QUERY_AWARENESS:
				return true;
			default:
				return false;
		}
	} catch {
		return false;
	}
}

/** A state vector as Y.decodeStateVector reads it: pairs of client id and clock, nothing after. */
function isStateVector(bytes: Uint8Array): boolean {
	const decoder = decoding.createDecoder(bytes);
	const count = decoding.readVarUint(decoder);
	for (let i = 0; i < count; i++) {
		decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
	}
	return !decoding.hasContent(decoder);
}

/** An awareness update as y-protocols reads it: client id, clock and a JSON state per entry. */
function isAwarenessUpdate(bytes: Uint8Array): boolean {
	const decoder = decoding.createDecoder(bytes);
	const count = decoding.readVarUint(decoder);
	for (let i = 0; i < count; i++) {
		decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
		JSON.parse(decoding.readVarString(decoder));
	}
	return true;
}

/** A Yjs update with nothing in it: no structs, no deletions. */
const EMPTY_UPDATE = Uint8Array.of(0, 0);

/**
 * A large sync step 2 or update, as several update messages that each apply on their own
 * (see update-pieces.ts), cut one at a time as the channel takes them; a step 2 ends with
 * an empty step 2, so the receiver counts itself synced only once everything arrived. Any
 * y-protocols peer understands the result; anything else (small, not sync, not parsable)
 * is returned as it is. `max`: the peer takes no message larger (it reads no frames), so
 * anything larger is cut to that size; null: large messages are cut for the receiver to
 * start on the first piece sooner.
 */
export function splitSyncMessage(
	bytes: Uint8Array,
	max: number | null = null
): Iterable<Uint8Array> {
	const pieceBytes = max ?? UPDATE_PIECE_BYTES;
	if (bytes.byteLength <= (max ?? SPLIT_ABOVE)) return [bytes];
	let type: number;
	let update: Uint8Array;
	try {
		const decoder = decoding.createDecoder(bytes);
		if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return [bytes];
		type = decoding.readVarUint(decoder);
		if (type !== SYNC_STEP_2 && type !== SYNC_UPDATE) return [bytes];
		update = decoding.readVarUint8Array(decoder);
	} catch {
		return [bytes];
	}
	return (function* () {
		try {
			for (const piece of cutUpdate(update, pieceBytes)) {
				yield syncMessage(SYNC_UPDATE, piece);
			}
		} catch (e) {
			if (!(e instanceof MalformedUpdate)) throw e;
			// Not ours to judge: the message goes as it came (after any pieces already given,
			// which it repeats harmlessly), and the receiver drops it whole if it must.
			yield bytes;
			return;
		}
		if (type === SYNC_STEP_2) yield syncMessage(SYNC_STEP_2, EMPTY_UPDATE);
	})();
}

/**
 * A WebRTC connection still not open this long after it began is given up: y-webrtc then
 * announces again and both ends start afresh. It never retries a connection it holds, open
 * or not, so one lost signaling message (an offer or answer in flight when a peer went
 * offline, or when the signaling server restarted) kept two peers apart until a reload.
 * Long enough for ICE on a slow network, which takes seconds, not tens of them.
 */
export const PENDING_CONNECTION_MS = 12_000;

/** What the watch over pending connections reads of y-webrtc's WebrtcConn. */
export type PendingConnection = { connected: boolean; closed: boolean };

/**
 * The connections among `conns` pending for longer than `maxMs` at `now`. `since` holds when
 * each pending one was first seen (kept here); a connection once open is never given up.
 */
export function stalledConnections<C extends PendingConnection>(
	conns: Iterable<C>,
	since: WeakMap<object, number>,
	now: number,
	maxMs = PENDING_CONNECTION_MS
): C[] {
	const stalled: C[] = [];
	for (const conn of conns) {
		if (conn.connected || conn.closed) continue;
		const first = since.get(conn);
		if (first === undefined) since.set(conn, now);
		else if (now - first > maxMs) stalled.push(conn);
	}
	return stalled;
}

/**
 * Take a provider out of y-webrtc's shared signaling sockets (one per URL per page) and out
 * of its rooms. y-webrtc's destroy() leaves the rooms but not the sockets: a closed country
 * stayed among a socket's providers, so the socket never closed, and the signaling guard,
 * which finds a room by name among them, could judge a reopened country's messages by the
 * closed one's rooms and secret. Its disconnect() leaves the sockets but keeps them listed,
 * and would leave them again on the next one: a socket closed long ago would then drop the
 * live socket of its URL from y-webrtc's registry. So the list is emptied here.
 */
function leaveSignaling(provider: WebrtcProvider): void {
	provider.disconnect();
	provider.signalingConns = [];
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
	private signalingDropped = 0;
	private online: boolean;
	private readonly timer: ReturnType<typeof setInterval>;
	private readonly onRemoteUpdate: (update: Uint8Array, origin: unknown) => void;
	private lastStatus = '';
	private isDestroyed = false;
	private readonly signalingUrls: readonly string[];

	constructor(
		private readonly docs: CountryDocs,
		options: ConnectOptions
	) {
		super();
		this.online = options.online ?? true;
		this.signalingUrls = options.signaling;
		const base = options.rtc ?? browserRtc();
		if (!base) throw new Error('No WebRTC implementation: pass `rtc` when not in a browser');
		const rtc = chunkedRtc(base, this.stats, {
			accept: (bytes) => {
				// Plain y-webrtc answers a message it cannot read with an empty one: nothing to
				// read, and no sign of a hostile peer.
				if (bytes.byteLength === 0) return false;
				const ok = isWellFormedMessage(bytes);
				if (!ok) this.malformed++;
				return ok;
			},
			split: splitSyncMessage,
			compress: true,
			deflate: options.deflate
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
		for (const provider of this.providers) {
			dropListeners.set(provider, (reason) => {
				if (this.signalingDropped++ === 0) {
					const why =
						reason === 'refused'
							? 'an offer from a new peer, with this room already at its connection limit'
							: 'a peer there has another secret, or sent something unreadable';
					console.warn(
						`Dropped a signaling message in ${provider.roomName} (${reason}): ${why}. ` +
							'Counted on the diagnostics page; later ones are not logged.'
					);
				}
				this.refresh();
			});
		}
		this.guardSignaling();
		if (!this.online) for (const provider of this.providers) leaveSignaling(provider);
		for (const provider of this.providers) {
			// Failing, the room keeps y-webrtc's own relay: slower, never wrong.
			relayToTabsAfterPeers(provider).catch(() => {});
		}
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
		this.timer = setInterval(() => {
			this.giveUpStalled();
			this.refresh();
		}, 1000);
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
			else leaveSignaling(provider);
		}
		// Going online may have opened new signaling connections.
		if (online) this.guardSignaling();
		this.refresh();
	}

	/** When each pending WebRTC connection was first seen (see stalledConnections). */
	private readonly pendingSince = new WeakMap<object, number>();

	private giveUpStalled(): void {
		if (!this.online) return;
		for (const provider of this.providers) {
			const conns = provider.room?.webrtcConns.values() ?? [];
			for (const conn of stalledConnections(conns, this.pendingSince, Date.now())) {
				// Closing makes y-webrtc forget it and announce again.
				conn.destroy();
			}
		}
	}

	private guardSignaling(): void {
		for (const provider of this.providers) {
			for (const conn of provider.signalingConns as GuardedConn[]) {
				guardSignaling(conn, onSignalingDrop);
			}
		}
	}

	get status(): ConnectionStatus {
		// Every configured server is listed, offline too (the providers then hold no socket).
		const seen = new Map<string, boolean>(this.signalingUrls.map((url) => [url, false]));
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
			signalingDropped: this.signalingDropped,
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
		for (const provider of this.providers) {
			leaveSignaling(provider);
			provider.destroy();
		}
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
