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

/** Why a signaling message was dropped. */
export type SignalingDrop = 'undecryptable' | 'malformed';

/** The parts of y-webrtc's room and provider the guard reads. */
export type GuardedProvider = {
	roomName: string;
	room: { key: CryptoKey | null } | null;
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

/** What y-webrtc's handler reads of a decrypted (or plain) signaling payload without checks. */
export function isSignalingPayload(data: unknown): boolean {
	if (typeof data !== 'object' || data === null) return false;
	const d = data as { type?: unknown; from?: unknown; signal?: unknown };
	if (typeof d.from !== 'string') return false;
	if (d.type === 'signal') return typeof d.signal === 'object' && d.signal !== null;
	return true;
}

function fromBase64(text: string): Uint8Array | null {
	try {
		const binary = atob(text);
		const bytes = new Uint8Array(binary.length);
		for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
		return bytes;
	} catch {
		return null;
	}
}

/**
 * Opens a payload as y-webrtc seals it (`AES-GCM`, iv, ciphertext; inside, lib0's `writeAny`)
 * and tells whether it decrypts with `key` and reads as a signaling payload.
 */
export async function opensWith(data: unknown, key: CryptoKey): Promise<SignalingDrop | null> {
	if (typeof data !== 'string') return 'malformed';
	const sealed = fromBase64(data);
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
		return isSignalingPayload(decoding.readAny(decoding.createDecoder(plain))) ? null : 'malformed';
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
			const key = provider?.room?.key;
			if (!provider) return original(message, from);
			if (!key) {
				if (isSignalingPayload(message.data)) return original(message, from);
				return onDrop(provider, 'malformed');
			}
			queue = queue
				.then(async () => {
					const drop = await opensWith(message.data, key);
					if (drop) onDrop(provider, drop);
					else original(message, from);
				})
				// Keep the queue going whatever y-webrtc's handler does with one message.
				.catch((error: unknown) => console.error('y-webrtc signaling handler failed', error));
		};
		listeners.delete(original);
		listeners.add(guard);
	}
}
