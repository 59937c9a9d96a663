/**
 * WebRTC data channels refuse messages over 256 KiB in Chromium (16 KiB is safe across
 * browsers), and y-webrtc sends a whole sync state as one message and swallows the error
 * (STACK.md, gotcha 1). This wraps an RTC implementation so every data channel splits
 * large messages into frames and reassembles them, with backpressure on send and bounds on
 * receive. It is handed to simple-peer through its documented `wrtc` option, so y-webrtc
 * itself is untouched. Messages up to FRAME_PAYLOAD travel unchanged.
 *
 * With `compress`, each end first says (HELLO) that it reads frames and inflates; to a peer
 * that said so, large messages travel framed, and deflated when that makes them smaller. A
 * peer that never says so (plain y-webrtc) cannot read frames: it gets every message whole,
 * and `split` is asked to cut large ones to at most PLAIN_MESSAGE_MAX. Without `compress`,
 * both ends are taken to be ours and large messages are always framed.
 */
import { deflate as platformDeflate, inflate, type Deflate } from './deflate';

/** A frame starts with bytes no y-webrtc message starts with (a varuint ≥ 2^35). */
const MAGIC = [0xff, 0xff, 0xff, 0xff, 0xff, 0x57];
/** The same, for the frames of a deflated message ('Z' for 'W'). */
const MAGIC_DEFLATED = [0xff, 0xff, 0xff, 0xff, 0xff, 0x5a];
/**
 * "I inflate deflated frames": a y-webrtc awareness message with no states in it (which
 * every y-webrtc peer applies as nothing, ignoring what follows), then our mark and version.
 */
export const HELLO = Uint8Array.of(1, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x48, 1);
const isHello = (bytes: Uint8Array): boolean =>
	bytes.byteLength >= HELLO.byteLength && HELLO.every((b, i) => i === 9 || bytes[i] === b);
/** Magic, message id, frame index, frame count. */
const HEADER = MAGIC.length + 4 + 4 + 4;
/** Payload bytes per frame: a frame is 16 KiB, the size every browser's data channel accepts. */
export const FRAME_PAYLOAD = 16 * 1024 - HEADER;
/** Largest message we reassemble: above a 10 MB country with room to spare. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/**
 * The largest message sent whole to a peer that reads no frames: Chromium's data channels
 * take up to 256 KiB, and a cut update may come out a little over the size it was cut to.
 */
export const PLAIN_MESSAGE_MAX = 128 * 1024;
/** Chromium's data channels refuse larger messages (STACK.md, gotcha 1). */
const CHANNEL_MESSAGE_MAX = 256 * 1024;
/** Keep the channel's own send buffer below this; Chromium closes a channel past 16 MiB. */
const HIGH_WATER = 4 * 1024 * 1024;

export type RtcImplementation = {
	RTCPeerConnection: typeof RTCPeerConnection;
	RTCSessionDescription: typeof RTCSessionDescription;
	RTCIceCandidate: typeof RTCIceCandidate;
};

export type ChunkStats = { framesSent: number; framesReceived: number; dropped: number };
/** Sees every whole incoming message; returning false drops it before the peer library. */
export type MessageFilter = (message: Uint8Array) => boolean;
/**
 * Sees every outgoing binary message; returns the messages to send in its place, in order
 * (e.g. a large update cut into several that each apply on their own). An array is sent at
 * once; any other iterable is read one message at a time as the channel takes them, so the
 * first can be on its way before the last is made. `max`: the peer reads no frames, and
 * each message should be at most this many bytes; null: any size travels, framed.
 */
export type MessageSplitter = (message: Uint8Array, max: number | null) => Iterable<Uint8Array>;

export type ChannelHooks = {
	accept?: MessageFilter;
	split?: MessageSplitter;
	/** Say HELLO; frame (and deflate) large messages only to peers that said it too. */
	compress?: boolean;
	/** How to deflate (raw DEFLATE): the platform's CompressionStream unless given. */
	deflate?: Deflate;
};

const hasMagic = (bytes: Uint8Array, magic: number[]): boolean =>
	bytes.byteLength >= HEADER && magic.every((b, i) => bytes[i] === b);
const isFrame = (bytes: Uint8Array): boolean =>
	hasMagic(bytes, MAGIC) || hasMagic(bytes, MAGIC_DEFLATED);

/**
 * Split one message into frames (or return it whole when it fits). A deflated message is
 * always framed, in frames of its own kind, even when one frame holds it.
 */
export function toFrames(message: Uint8Array, messageId: number, deflated = false): Uint8Array[] {
	if (message.byteLength <= FRAME_PAYLOAD && !deflated) return [message];
	const count = Math.max(1, Math.ceil(message.byteLength / FRAME_PAYLOAD));
	const frames: Uint8Array[] = [];
	for (let index = 0; index < count; index++) {
		const payload = message.subarray(index * FRAME_PAYLOAD, (index + 1) * FRAME_PAYLOAD);
		const frame = new Uint8Array(HEADER + payload.byteLength);
		frame.set(deflated ? MAGIC_DEFLATED : MAGIC, 0);
		const view = new DataView(frame.buffer);
		view.setUint32(6, messageId >>> 0);
		view.setUint32(10, index);
		view.setUint32(14, count);
		frame.set(payload, HEADER);
		frames.push(frame);
	}
	return frames;
}

/**
 * Reassembles frames arriving in order on one reliable ordered channel. Anything out of
 * order, oversized or malformed is dropped whole: the message never half-applies.
 */
export class Reassembler {
	private current: {
		id: number;
		count: number;
		deflated: boolean;
		parts: Uint8Array[];
		bytes: number;
	} | null = null;
	dropped = 0;
	/** Whether the last whole message returned came deflated (and must be inflated). */
	deflated = false;

	/** Returns a whole message when one is complete, else null. */
	push(bytes: Uint8Array): Uint8Array | null {
		if (!isFrame(bytes)) {
			// A plain message between frames means the framed one was abandoned.
			if (this.current) this.drop();
			this.deflated = false;
			return bytes;
		}
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const id = view.getUint32(6);
		const index = view.getUint32(10);
		const count = view.getUint32(14);
		const payload = bytes.subarray(HEADER);
		const deflated = hasMagic(bytes, MAGIC_DEFLATED);
		if (count < (deflated ? 1 : 2) || count * FRAME_PAYLOAD > MAX_MESSAGE_BYTES + FRAME_PAYLOAD) {
			this.drop();
			return null;
		}
		if (index === 0) {
			if (this.current) this.drop();
			this.current = { id, count, deflated, parts: [], bytes: 0 };
		}
		const current = this.current;
		if (
			!current ||
			current.id !== id ||
			current.count !== count ||
			current.deflated !== deflated ||
			current.parts.length !== index
		) {
			this.drop();
			return null;
		}
		current.parts.push(payload.slice());
		current.bytes += payload.byteLength;
		if (current.bytes > MAX_MESSAGE_BYTES) {
			this.drop();
			return null;
		}
		if (current.parts.length < count) return null;
		this.current = null;
		this.deflated = current.deflated;
		const whole = new Uint8Array(current.bytes);
		let offset = 0;
		for (const part of current.parts) {
			whole.set(part, offset);
			offset += part.byteLength;
		}
		return whole;
	}

	private drop(): void {
		this.current = null;
		this.dropped++;
	}
}

/** Compares four bytes at a time where both are aligned: echoes are whole update pieces. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
	if (a.byteLength !== b.byteLength) return false;
	let i = 0;
	if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
		const words = a.byteLength >>> 2;
		const x = new Uint32Array(a.buffer, a.byteOffset, words);
		const y = new Uint32Array(b.buffer, b.byteOffset, words);
		for (; i < words; i++) if (x[i] !== y[i]) return false;
		i = words * 4;
	}
	for (; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
	return true;
};

const toBytes = (data: unknown): Uint8Array | null => {
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	if (ArrayBuffer.isView(data))
		return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	return null;
};

/**
 * A data channel that frames large messages; small binary messages pass straight through.
 * Only binary messages reach the peer library, each whole and past `accept`: the peers
 * (simple-peer under y-webrtc) send nothing else, and text would bypass the filter.
 * `stats` may be shared by every channel of a connection: it only ever adds.
 */
export function chunkedChannel(
	channel: RTCDataChannel,
	stats: ChunkStats,
	{
		accept = () => true,
		split = (message) => [message],
		compress = false,
		deflate = platformDeflate
	}: ChannelHooks = {}
): RTCDataChannel {
	const reassembler = new Reassembler();
	const queue: Uint8Array[] = [];
	let nextId = (Math.random() * 2 ** 32) >>> 0;
	let userOnMessage: ((event: MessageEvent) => void) | null = null;
	/** One poll at a time, however many sends and `bufferedamountlow` events call drain. */
	let poll: ReturnType<typeof setTimeout> | null = null;
	/**
	 * The message being handed to the peer library. y-webrtc relays every update it applies
	 * to all its peers, the one it came from included, from inside that hand-over: sending
	 * the sender its own message back is wasted work on the path to the view, and traffic.
	 */
	let receiving: Uint8Array | null = null;
	/** The peer said HELLO: it reads frames, deflated ones too. */
	let peerSaidHello = false;
	/** Whether the peer reads frames: it said so, or (without `compress`) it is taken to. */
	const framesRead = () => !compress || peerSaidHello;
	/**
	 * Deflating and inflating are asynchronous: while one is under way, later messages wait
	 * behind it (in these chains), so both directions keep their order.
	 */
	let sending = Promise.resolve();
	let sendsWaiting = 0;
	let delivering = Promise.resolve();
	let deliveriesWaiting = 0;

	// reason: DOM typings want ArrayBuffer-backed views; ours are, or are plain buffers.
	const sendRaw = (bytes: Uint8Array) => channel.send(bytes as Uint8Array<ArrayBuffer>);
	if (compress) {
		// Before anything the peer library sends: simple-peer's own `open` handler comes later.
		if (channel.readyState === 'open') sendRaw(HELLO);
		else channel.addEventListener('open', () => sendRaw(HELLO), { once: true });
	}
	const drain = () => {
		while (queue.length && channel.readyState === 'open' && channel.bufferedAmount < HIGH_WATER) {
			const next = queue.shift()!;
			sendRaw(next);
			if (isFrame(next)) stats.framesSent++;
		}
		// bufferedamountlow fires only when the buffer falls to its threshold (0 by default):
		// poll as well, so a busy channel is refilled before it runs dry.
		if (queue.length && channel.readyState === 'open' && poll === null) {
			poll = setTimeout(() => {
				poll = null;
				drain();
			}, 5);
		}
	};
	channel.addEventListener('bufferedamountlow', drain);

	const send = (data: unknown) => {
		const bytes = toBytes(data);
		if (!bytes) return channel.send(data as string);
		if (receiving && sameBytes(bytes, receiving)) return;
		const messages = split(bytes, framesRead() ? null : PLAIN_MESSAGE_MAX);
		if (!Array.isArray(messages)) later(messages);
		else for (const message of messages) enqueue(message);
		drain();
	};

	const shrinks = (message: Uint8Array) =>
		compress && peerSaidHello && message.byteLength > FRAME_PAYLOAD;

	/**
	 * A message as it goes on the wire: framed if large and the peer reads frames. One no
	 * channel would take whole (a record at the size limit, sent before the peer's HELLO
	 * came) is framed anyway: a Webocracy peer reads frames before it says HELLO.
	 */
	const framed = (message: Uint8Array, id: number) =>
		framesRead() || message.byteLength > CHANNEL_MESSAGE_MAX ? toFrames(message, id) : [message];

	const enqueue = (message: Uint8Array) => {
		if (shrinks(message) || sendsWaiting > 0) return later([message]);
		const frames = framed(message, nextId++);
		if (frames.length === 1 && !queue.length) sendRaw(frames[0]!);
		else queue.push(...frames);
	};

	/** The frames of one message: deflated when that makes it smaller and the peer inflates. */
	const framesOf = async (message: Uint8Array, id: number): Promise<Uint8Array[]> => {
		if (!shrinks(message)) return framed(message, id);
		const small = await deflate(message).catch(() => message);
		return small.byteLength < message.byteLength
			? toFrames(small, id, true)
			: toFrames(message, id);
	};

	/**
	 * Messages that go after whatever is being deflated or cut now, made and deflated one at a
	 * time: the first piece of a large state is on the wire while the next is being made.
	 */
	const later = (messages: Iterable<Uint8Array>) => {
		sendsWaiting++;
		sending = sending
			.then(async () => {
				for (const message of messages) {
					const frames = await framesOf(message, nextId++);
					queue.push(...frames);
					drain();
				}
			})
			// A send on a channel that closed meanwhile: nothing more will go out on it.
			.catch(() => {})
			.finally(() => sendsWaiting--);
	};

	const onMessage = (event: MessageEvent) => {
		const bytes = toBytes(event.data);
		if (!bytes) {
			stats.dropped++;
			return;
		}
		if (compress && isHello(bytes)) {
			peerSaidHello = true;
			return;
		}
		if (isFrame(bytes)) stats.framesReceived++;
		const before = reassembler.dropped;
		const whole = reassembler.push(bytes);
		stats.dropped += reassembler.dropped - before;
		if (!whole) return;
		if (!reassembler.deflated && deliveriesWaiting === 0) return deliver(whole);
		deliveriesWaiting++;
		const deflated = reassembler.deflated;
		delivering = delivering
			// One inflation at a time: each may grow to MAX_MESSAGE_BYTES, and a peer could
			// send many small messages that all do.
			.then(() => (deflated ? inflate(whole, MAX_MESSAGE_BYTES) : whole))
			.then((message) => {
				deliveriesWaiting--;
				// Past MAX_MESSAGE_BYTES once inflated (a bomb), or not DEFLATE at all.
				if (!message) stats.dropped++;
				else if (channel.readyState !== 'closed') deliver(message);
			})
			// The peer library threw on one message: the ones behind it still go through.
			.catch((error: unknown) => console.error('data channel message handler failed', error));
	};

	const deliver = (whole: Uint8Array) => {
		if (!accept(whole)) return;
		const data =
			whole.byteOffset === 0 && whole.byteLength === whole.buffer.byteLength
				? whole.buffer
				: whole.slice().buffer;
		receiving = whole;
		try {
			userOnMessage?.({ data } as MessageEvent);
		} catch (error) {
			// A message the peer library could not read: in Node an uncaught throw here would end
			// the process, so it is counted and logged like any other dropped message.
			stats.dropped++;
			console.error('data channel message handler failed', error);
		} finally {
			receiving = null;
		}
	};

	return new Proxy(channel, {
		get(target, prop) {
			if (prop === 'send') return send;
			if (prop === 'onmessage') return userOnMessage;
			if (prop === RECEIVE) return onMessage;
			const value = Reflect.get(target, prop, target);
			return typeof value === 'function' ? value.bind(target) : value;
		},
		set(target, prop, value) {
			if (prop === 'onmessage') {
				userOnMessage = value;
				target.onmessage = value ? onMessage : null;
				return true;
			}
			return Reflect.set(target, prop, value, target);
		}
	});
}

/** How a chunked channel is handed messages that came on another channel (readAsOwn). */
const RECEIVE = Symbol('receive');

/**
 * Read a channel the peer made as if its messages came on the one this end made. That
 * happens after glare: both ends announced at once and offered, each as the initiator with
 * a channel of its own, and y-webrtc had the end with the lower token answer the other's
 * offer on its initiator peer. The connection then opens, and each end sends on its own
 * channel while simple-peer, as an initiator, reads only its own: both ends counted the
 * peer as connected and heard nothing from it, for good. (A plain y-webrtc peer on the
 * other end still does not hear this one: it reads only its own channel.) The offer itself
 * is taken after rolling ours back (setRemoteDescription below).
 */
function readAsOwn(theirs: RTCDataChannel, own: RTCDataChannel): void {
	const receive = (own as unknown as Record<typeof RECEIVE, (event: MessageEvent) => void>)[
		RECEIVE
	];
	theirs.binaryType = 'arraybuffer';
	theirs.onmessage = (event) => receive(event);
}

/** The given RTC implementation, with every data channel chunked. */
export function chunkedRtc(
	base: RtcImplementation,
	stats: ChunkStats,
	hooks: ChannelHooks = {}
): RtcImplementation {
	const Base = base.RTCPeerConnection;
	class ChunkedPeerConnection extends Base {
		private userOnDataChannel: ((event: RTCDataChannelEvent) => void) | null = null;
		/** The channel this end made (as the offering side): the one its peer library reads. */
		private ownChannel: RTCDataChannel | null = null;
		constructor(config?: RTCConfiguration) {
			super(config);
			super.addEventListener('datachannel', (event: RTCDataChannelEvent) => {
				if (this.userOnDataChannel) {
					this.userOnDataChannel({
						channel: chunkedChannel(event.channel, stats, hooks)
					} as RTCDataChannelEvent);
				} else if (this.ownChannel) readAsOwn(event.channel, this.ownChannel);
			});
			// @roamhq/wrtc defines `ondatachannel` as a plain, non-configurable property of each
			// instance, which hides the accessor below: the peer library's handler would get the
			// raw channel, and large messages would arrive as unread frames. Route the property
			// through a proxy instead; the implementation's own dispatch then finds it null.
			if (Object.getOwnPropertyDescriptor(this, 'ondatachannel')) {
				return new Proxy(this, {
					get: (target, prop) =>
						prop === 'ondatachannel' ? null : Reflect.get(target, prop, target),
					set: (target, prop, value) => {
						if (prop !== 'ondatachannel') return Reflect.set(target, prop, value, target);
						target.userOnDataChannel = value;
						return true;
					}
				});
			}
		}
		/**
		 * An offer while this end's own offer is out (glare, answered the y-webrtc way): roll
		 * ours back first, as browsers do by themselves and @roamhq/wrtc does not (it refused
		 * the offer, and the connection stayed half-made).
		 */
		override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
			if (description?.type === 'offer' && this.signalingState === 'have-local-offer') {
				await super.setLocalDescription({ type: 'rollback' });
			}
			return super.setRemoteDescription(description);
		}
		override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
			const channel = chunkedChannel(super.createDataChannel(label, init), stats, hooks);
			this.ownChannel ??= channel;
			return channel;
		}
		// Reads as null: Node implementations (@roamhq/wrtc) dispatch by reading `on<type>`,
		// which would hand the raw, unchunked channel to the handler a second time.
		override get ondatachannel() {
			return null;
		}
		override set ondatachannel(handler) {
			this.userOnDataChannel = handler;
		}
	}
	return { ...base, RTCPeerConnection: ChunkedPeerConnection as typeof RTCPeerConnection };
}
