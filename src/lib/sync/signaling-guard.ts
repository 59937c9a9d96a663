/**
 * y-webrtc reads every signaling message published to a room's topic and trusts it: in an
 * encrypted room (the citizens' one) a message sealed with another secret makes its
 * `crypto.subtle.decrypt` reject with an OperationError nobody catches, and bad base64 or
 * a `signal` without a payload throws inside the websocket's message handler. Anyone may
 * publish to a topic (an old invite, another country's secret, a stranger), so this sits in
 * front of y-webrtc's handler on each signaling connection and hands it only messages it
 * can read; the rest are dropped and counted. Messages for one room keep their order.
 */
import * as decoding from 'lib0/decoding';
import { base64ToBytes } from '../identity/base64';

/**
 * Why a signaling message was dropped. 'refused': an offer from a new peer while this room
 * already holds as many connections as y-webrtc allows itself to open (`maxConns`).
 */
export type SignalingDrop = 'undecryptable' | 'malformed' | 'refused';

/** The parts of y-webrtc's room and provider the guard reads. */
export type GuardedProvider = {
	roomName: string;
	/** y-webrtc's cap on the connections it opens itself (on announces). */
	maxConns?: number;
	room: {
		key: CryptoKey | null;
		peerId: string;
		webrtcConns: Map<string, unknown>;
		bcConns: Set<string>;
	} | null;
};

type Listener = (message: unknown, conn: unknown) => void;

/** The parts of y-webrtc's SignalingConn (a lib0 ObservableV2) the guard touches. */
export type GuardedConn = {
	providers: Set<unknown>;
	_observers: Map<string, Set<Listener>>;
};

type Publish = { type: 'publish'; topic: string; data: unknown };

const isPublish = (m: unknown): m is Publish =>
	typeof m === 'object' &&
	m !== null &&
	(m as Publish).type === 'publish' &&
	typeof (m as Publish).topic === 'string';

/** Whether y-webrtc's handler may take a signal (an answer, or an offer) from `from` to `to`. */
export type SignalCheck = (signal: { from: string; to: unknown }) => boolean;

/**
 * What y-webrtc's handler reads of a decrypted (or plain) signaling payload without checks:
 * `from`, a `signal` object, and for an answer it reads (`answerable`) the connection to
 * `from`, which throws when the room has none.
 */
export function isSignalingPayload(data: unknown, answerable: SignalCheck = () => true): boolean {
	if (typeof data !== 'object' || data === null) return false;
	const d = data as { type?: unknown; from?: unknown; to?: unknown; signal?: unknown };
	if (typeof d.from !== 'string') return false;
	if (d.type !== 'signal') return true;
	if (!isWellFormedSignal(d.signal)) return false;
	return d.signal.type !== 'answer' || answerable({ from: d.from, to: d.to });
}

const SDP_TYPES: ReadonlySet<unknown> = new Set(['offer', 'answer', 'pranswer', 'rollback']);

/**
 * A signal simple-peer can take without throwing: browsers throw at once (not a rejected
 * promise) on a description of an unknown type and on a candidate that is not one, inside
 * y-webrtc's handler. Transceivers are never asked for: this app sends data only.
 */
function isWellFormedSignal(signal: unknown): signal is { type?: unknown } {
	if (typeof signal !== 'object' || signal === null) return false;
	const { type, sdp, candidate, transceiverRequest } = signal as Record<string, unknown>;
	if (transceiverRequest) return false;
	if (sdp && (typeof sdp !== 'string' || !SDP_TYPES.has(type))) return false;
	if (candidate) {
		if (typeof candidate !== 'object') return false;
		const c = candidate as Record<string, unknown>;
		if (typeof c.candidate !== 'string') return false;
		if (typeof c.sdpMid !== 'string' && typeof c.sdpMLineIndex !== 'number') return false;
	}
	return true;
}

/**
 * Whether y-webrtc's handler can take an answer in this room. It ignores, before reading it,
 * a message addressed to another peer, its own, or one from a tab of this browser; any
 * other answer needs a connection to its sender. With three peers in a room, answers meant
 * for the others pass by every peer: they are not dropped (nor counted as dropped).
 */
export const answerableIn =
	(room: GuardedProvider['room']): SignalCheck =>
	({ from, to }) =>
		room !== null &&
		((to !== undefined && to !== room.peerId) ||
			from === room.peerId ||
			room.bcConns.has(from) ||
			room.webrtcConns.has(from));

/**
 * Whether y-webrtc's handler should take an offer in this room. It answers every offer
 * addressed to it with a new peer connection, without the cap it keeps for announces: anyone
 * in the room could make this browser open connections without end. An offer from a new
 * peer is refused once the room holds `maxConns` connections (pending ones are given up
 * after PENDING_CONNECTION_MS, so a flood of offers cannot hold the room full for long).
 */
export const offerableIn =
	(room: GuardedProvider['room'], maxConns = Infinity): SignalCheck =>
	({ from, to }) =>
		room === null ||
		to !== room.peerId ||
		room.webrtcConns.has(from) ||
		room.bcConns.has(from) ||
		room.webrtcConns.size < maxConns;

/** Why y-webrtc's handler must not see a (decrypted or plain) payload, or null. */
export function signalingDrop(
	data: unknown,
	answerable?: SignalCheck,
	offerable: SignalCheck = () => true
): SignalingDrop | null {
	if (!isSignalingPayload(data, answerable)) return 'malformed';
	const d = data as { type?: unknown; from: string; to?: unknown; signal?: { type?: unknown } };
	const offer = d.type === 'signal' && d.signal?.type === 'offer';
	return offer && !offerable({ from: d.from, to: d.to }) ? 'refused' : null;
}

/**
 * Opens a payload as y-webrtc seals it (`AES-GCM`, iv, ciphertext; inside, lib0's `writeAny`)
 * and tells whether it decrypts with `key` and reads as a signaling payload.
 */
export async function opensWith(
	data: unknown,
	key: CryptoKey,
	answerable?: SignalCheck,
	offerable?: SignalCheck
): Promise<SignalingDrop | null> {
	if (typeof data !== 'string') return 'malformed';
	const sealed = base64ToBytes(data);
	if (!sealed) return 'malformed';
	let iv: Uint8Array;
	let cipher: Uint8Array;
	try {
		const decoder = decoding.createDecoder(sealed);
		if (decoding.readVarString(decoder) !== 'AES-GCM') return 'malformed';
		iv = decoding.readVarUint8Array(decoder);
		cipher = decoding.readVarUint8Array(decoder);
	} catch {
		return 'malformed';
	}
	let plain: Uint8Array;
	try {
		plain = new Uint8Array(
			await crypto.subtle.decrypt(
				{ name: 'AES-GCM', iv: iv as Uint8Array<ArrayBuffer> },
				key,
				cipher as Uint8Array<ArrayBuffer>
			)
		);
	} catch {
		return 'undecryptable';
	}
	try {
		const payload = decoding.readAny(decoding.createDecoder(plain));
		return signalingDrop(payload, answerable, offerable);
	} catch {
		return 'malformed';
	}
}

/** Signaling connections already guarded: y-webrtc shares one per URL between rooms. */
const guarded = new WeakSet<object>();

/**
 * Puts the guard in front of y-webrtc's message handler on `conn` (once per connection).
 * `onDrop` hears of each dropped message with the provider it was meant for.
 */
export function guardSignaling(
	conn: GuardedConn,
	onDrop: (provider: GuardedProvider, reason: SignalingDrop) => void
): void {
	if (guarded.has(conn)) return;
	const listeners = conn._observers.get('message');
	if (!listeners) return;
	guarded.add(conn);
	for (const original of [...listeners]) {
		/** Encrypted rooms' messages wait here, in arrival order, while they are opened. */
		let queue = Promise.resolve();
		const guard: Listener = (message, from) => {
			if (!isPublish(message)) return original(message, from);
			const provider = [...conn.providers].find(
				(p): p is GuardedProvider => (p as GuardedProvider).roomName === message.topic
			);
			if (!provider) return original(message, from);
			const room = provider.room;
			const key = room?.key;
			const answerable = answerableIn(room);
			const offerable = offerableIn(room, provider.maxConns);
			/** y-webrtc's handler, a throw in it counted as a dropped message (never uncaught). */
			const handOver = () => {
				try {
					original(message, from);
				} catch {
					onDrop(provider, 'malformed');
				}
			};
			if (!key) {
				const drop = signalingDrop(message.data, answerable, offerable);
				return drop ? onDrop(provider, drop) : handOver();
			}
			queue = queue
				.then(async () => {
					const drop = await opensWith(message.data, key, answerable, offerable);
					if (drop) onDrop(provider, drop);
					else handOver();
				})
				// Keep the queue going whatever y-webrtc's handler does with one message.
				.catch((error: unknown) => console.error('y-webrtc signaling handler failed', error));
		};
		listeners.delete(original);
		listeners.add(guard);
	}
}
