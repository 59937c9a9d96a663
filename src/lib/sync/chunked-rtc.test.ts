import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	chunkedChannel,
	chunkedRtc,
	FRAME_PAYLOAD,
	HELLO,
	MAX_MESSAGE_BYTES,
	PLAIN_MESSAGE_MAX,
	Reassembler,
	toFrames,
	type ChannelHooks,
	type ChunkStats,
	type MessageFilter,
	type MessageSplitter,
	type RtcImplementation
} from './chunked-rtc';
import type { Deflate } from './deflate';
import { nodeDeflate } from './node-deflate';

/** What every browser's data channel accepts; a frame is exactly this big. */
const FRAME_BYTES = 16 * 1024;
const HEADER = FRAME_BYTES - FRAME_PAYLOAD;
/** chunked-rtc keeps the channel's own buffer below this (not exported). */
const HIGH_WATER = 4 * 1024 * 1024;

/** Deterministic bytes, so a failing size can be replayed. */
function bytes(size: number, seed = size): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(size);
	let x = seed * 2654435761 + 1;
	for (let i = 0; i < size; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		out[i] = x >>> 24;
	}
	return out;
}

/** Length and SHA-256 of each message: big arrays compare fast, and fail readably. */
const digests = (messages: Uint8Array[]): string[] =>
	messages.map((m) => `${m.byteLength}:${createHash('sha256').update(m).digest('hex')}`);

/** A frame's header fields rewritten (id, index, count), payload kept. */
function rewrite(frame: Uint8Array, fields: { id?: number; index?: number; count?: number }) {
	const copy = frame.slice();
	const view = new DataView(copy.buffer);
	if (fields.id !== undefined) view.setUint32(6, fields.id >>> 0);
	if (fields.index !== undefined) view.setUint32(10, fields.index >>> 0);
	if (fields.count !== undefined) view.setUint32(14, fields.count >>> 0);
	return copy;
}

/** Feed frames; return every whole message that came out. */
function feed(reassembler: Reassembler, frames: Uint8Array[]): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (const frame of frames) {
		const whole = reassembler.push(frame);
		if (whole) out.push(whole);
	}
	return out;
}

describe('toFrames', () => {
	it.each([0, 1, 100, FRAME_PAYLOAD - 1, FRAME_PAYLOAD])(
		'a message of %i bytes travels unchanged, as itself',
		(size) => {
			const message = bytes(size);
			const frames = toFrames(message, 1);
			expect(frames).toHaveLength(1);
			expect(frames[0]).toBe(message);
		}
	);

	it.each([
		[FRAME_PAYLOAD + 1, 2],
		[2 * FRAME_PAYLOAD, 2],
		[2 * FRAME_PAYLOAD + 1, 3],
		[3_000_000, Math.ceil(3_000_000 / FRAME_PAYLOAD)]
	])('a message of %i bytes is split into %i frames of at most 16 KiB', (size, count) => {
		const frames = toFrames(bytes(size), 7);
		expect(frames).toHaveLength(count);
		expect(frames[0]!.byteLength).toBe(FRAME_BYTES);
		for (const frame of frames) {
			expect(frame.byteLength).toBeLessThanOrEqual(FRAME_BYTES);
			expect([...frame.subarray(0, 6)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0x57]);
		}
		const total = frames.reduce((sum, frame) => sum + frame.byteLength - HEADER, 0);
		expect(total).toBe(size);
	});
});

describe('Reassembler', () => {
	it.each([
		FRAME_PAYLOAD - 1,
		FRAME_PAYLOAD,
		FRAME_PAYLOAD + 1,
		2 * FRAME_PAYLOAD - 1,
		2 * FRAME_PAYLOAD,
		2 * FRAME_PAYLOAD + 1,
		1_000_000,
		3 * 1024 * 1024 + 17
	])('gives back a message of %i bytes whole, only at its last frame', (size) => {
		const message = bytes(size);
		const frames = toFrames(message, 42);
		const reassembler = new Reassembler();
		frames.slice(0, -1).forEach((frame) => expect(reassembler.push(frame)).toBeNull());
		expect(digests([reassembler.push(frames.at(-1)!)!])).toEqual(digests([message]));
		expect(reassembler.dropped).toBe(0);
	});

	it('round-trips any sequence of messages of any size (seeded)', () => {
		const near = (n: number) => fc.integer({ min: Math.max(0, n - 3), max: n + 3 });
		const size = fc.oneof(
			fc.nat(200),
			near(FRAME_PAYLOAD),
			near(2 * FRAME_PAYLOAD),
			near(5 * FRAME_PAYLOAD),
			fc.integer({ min: 0, max: 300_000 })
		);
		const message = fc.record({ size, seed: fc.nat() });
		fc.assert(
			fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.nat(), (plan, id) => {
				const messages = plan.map(({ size, seed }) => bytes(size, seed));
				const reassembler = new Reassembler();
				const out = feed(
					reassembler,
					messages.flatMap((m, i) => toFrames(m, id + i))
				);
				expect(digests(out)).toEqual(digests(messages));
				expect(reassembler.dropped).toBe(0);
			}),
			{ seed: 0x5eed, numRuns: 60 }
		);
	});

	it('reads frames that are views into a larger buffer', () => {
		const message = bytes(3 * FRAME_PAYLOAD);
		const views = toFrames(message, 3).map((frame) => {
			const buffer = new Uint8Array(frame.byteLength + 10);
			buffer.set(frame, 7);
			return buffer.subarray(7, 7 + frame.byteLength);
		});
		expect(digests(feed(new Reassembler(), views))).toEqual(digests([message]));
	});

	it.each([0, 2 ** 32 - 1, 2 ** 32 + 5, -1])(
		'works with message id %i (wraps to 32 bits)',
		(id) => {
			const message = bytes(2 * FRAME_PAYLOAD + 5);
			expect(digests(feed(new Reassembler(), toFrames(message, id)))).toEqual(digests([message]));
		}
	);

	it('a message that only looks like the start of a frame (shorter than a header) passes', () => {
		const lookalike = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x57, 0, 0]);
		expect(new Reassembler().push(lookalike)).toBe(lookalike);
	});

	describe('drops what does not add up, without throwing, and counts it', () => {
		const message = bytes(4 * FRAME_PAYLOAD - 10); // 4 frames
		const frames = toFrames(message, 9);
		const [f0, f1, f2, f3] = frames as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
		const next = bytes(2 * FRAME_PAYLOAD + 3, 99);

		/** [name, frames, messages expected out, drops expected] */
		type Case = [name: string, input: Uint8Array[], out: Uint8Array[], dropped: number];
		const plain = bytes(50);
		const cases: Case[] = [
			[
				'a plain message between frames abandons the partial message and passes',
				[f0, f1, plain, f2, f3],
				[plain],
				3 // the abandoned message, then each stray frame after it
			],
			['frames out of order', [f0, f2, f1, f3], [], 3],
			['a frame missing', [f0, f1, f3], [], 1],
			['a frame first that is not frame 0', [f1, f2, f3], [], 3],
			['a frame of another message id', [f0, rewrite(f1, { id: 10 }), f2, f3], [], 3],
			['a frame with another count', [f0, rewrite(f1, { count: 5 }), f2, f3], [], 3],
			['a frame with count 0', [rewrite(f0, { count: 0 })], [], 1],
			['a frame with count 1', [rewrite(f0, { count: 1 })], [], 1],
			['a frame with count 2^32 - 1', [rewrite(f0, { count: 2 ** 32 - 1 })], [], 1],
			[
				'a frame whose count exceeds MAX_MESSAGE_BYTES',
				[rewrite(f0, { count: Math.ceil(MAX_MESSAGE_BYTES / FRAME_PAYLOAD) + 1 })],
				[],
				1
			],
			['a frame with index past its count', [rewrite(f0, { index: 7, count: 4 })], [], 1],
			['a bogus frame in the middle', [f0, f1, rewrite(f2, { count: 0 }), f3], [], 2]
		];

		it.each(cases)('%s', (_name, input, out, dropped) => {
			const reassembler = new Reassembler();
			expect(digests(feed(reassembler, input))).toEqual(digests(out));
			expect(reassembler.dropped).toBe(dropped);
			// It recovers: the next whole message arrives.
			expect(digests(feed(reassembler, toFrames(next, 11)))).toEqual(digests([next]));
			expect(reassembler.dropped).toBe(dropped);
		});

		it('frame 0 again restarts the message (the first copy is dropped)', () => {
			const reassembler = new Reassembler();
			expect(digests(feed(reassembler, [f0, f1, f0, f1, f2, f3]))).toEqual(digests([message]));
			expect(reassembler.dropped).toBe(1);
		});
	});

	it('reassembles a message of exactly MAX_MESSAGE_BYTES and drops one byte more', () => {
		const reassembler = new Reassembler();
		const largest = new Uint8Array(MAX_MESSAGE_BYTES);
		largest[MAX_MESSAGE_BYTES - 1] = 7;
		const [whole] = feed(reassembler, toFrames(largest, 1));
		expect(whole?.byteLength).toBe(MAX_MESSAGE_BYTES);
		expect(whole?.[MAX_MESSAGE_BYTES - 1]).toBe(7);
		expect(feed(reassembler, toFrames(new Uint8Array(MAX_MESSAGE_BYTES + 1), 2))).toEqual([]);
		expect(reassembler.dropped).toBe(1);
	});

	it('drops frames whose payloads add up past MAX_MESSAGE_BYTES, whatever their count says', () => {
		// A peer may send frames bigger than 16 KiB: the byte total still bounds the message.
		const half = new Uint8Array(HEADER + MAX_MESSAGE_BYTES / 2 + 1);
		const first = rewrite(toFrames(bytes(FRAME_PAYLOAD + 1), 5)[0]!, {});
		half.set(first.subarray(0, HEADER));
		const frame = (index: number) => rewrite(half, { index, count: 3 });
		const reassembler = new Reassembler();
		expect(feed(reassembler, [frame(0), frame(1)])).toEqual([]);
		expect(reassembler.dropped).toBe(1);
	});
});

// ---------------------------------------------------------------------------------------
// chunkedChannel over a fake RTCDataChannel: an EventTarget with send, readyState and
// bufferedAmount, whose buffer empties only when the test says the network took it.

class FakeChannel extends EventTarget {
	readyState: RTCDataChannelState = 'open';
	bufferedAmount = 0;
	binaryType: BinaryType = 'blob';
	label = 'fake';
	onmessage: ((event: MessageEvent) => void) | null = null;
	/** Everything handed to send, copied, in order. */
	readonly sent: (Uint8Array | string)[] = [];

	send(data: Uint8Array | string): void {
		if (this.readyState !== 'open') throw new Error('InvalidStateError: not open');
		const copy = typeof data === 'string' ? data : new Uint8Array(data).slice();
		this.sent.push(copy);
		this.bufferedAmount += typeof copy === 'string' ? copy.length : copy.byteLength;
	}

	/** The network took the whole buffer: what a real channel signals with this event. */
	emptyBuffer(): void {
		this.bufferedAmount = 0;
		this.dispatchEvent(new Event('bufferedamountlow'));
	}

	/** A message arrives, as a real channel with binaryType 'arraybuffer' hands it over. */
	receive(data: unknown): void {
		this.onmessage?.({ data } as MessageEvent);
	}
}

const newStats = (): ChunkStats => ({ framesSent: 0, framesReceived: 0, dropped: 0 });

function wrap(fake: FakeChannel, stats = newStats(), hooks: ChannelHooks = {}) {
	// reason: the fake has the members chunkedChannel uses, not the whole DOM interface.
	return chunkedChannel(fake as unknown as RTCDataChannel, stats, hooks);
}

/** A sender and a receiver; `deliver` moves what was sent (as ArrayBuffers) across. */
function link(
	options: { accept?: MessageFilter; split?: MessageSplitter; stats?: ChunkStats } = {}
) {
	const out = new FakeChannel();
	const into = new FakeChannel();
	const stats = options.stats ?? newStats();
	const sender = wrap(out, stats, { split: options.split });
	const receiver = wrap(into, stats, { accept: options.accept });
	const received: Uint8Array[] = [];
	receiver.onmessage = (event: MessageEvent) => {
		expect(event.data).toBeInstanceOf(ArrayBuffer);
		received.push(new Uint8Array(event.data as ArrayBuffer));
	};
	let delivered = 0;
	const deliver = () => {
		for (; delivered < out.sent.length; delivered++) {
			const item = out.sent[delivered]!;
			into.receive(typeof item === 'string' ? item : item.slice().buffer);
		}
	};
	return { out, into, sender, receiver, received, deliver, stats };
}

describe('chunkedChannel', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('sends a small message at once and unchanged; the peer gets it as an ArrayBuffer', () => {
		const { out, sender, received, deliver, stats } = link();
		const message = bytes(FRAME_PAYLOAD);
		sender.send(message);
		expect(out.sent).toEqual([message]);
		deliver();
		expect(digests(received)).toEqual(digests([message]));
		expect(stats).toEqual({ framesSent: 0, framesReceived: 0, dropped: 0 });
	});

	it('accepts ArrayBuffers and views with an offset', () => {
		const { sender, received, deliver } = link();
		const big = bytes(3 * FRAME_PAYLOAD + 1);
		const inside = new Uint8Array(big.byteLength + 8);
		inside.set(big, 8);
		sender.send(big.slice().buffer);
		sender.send(inside.subarray(8));
		sender.send(new DataView(big.buffer, 1, 20));
		deliver();
		expect(digests(received)).toEqual(digests([big, big, big.subarray(1, 21)]));
	});

	it('frames a large message; the peer’s onmessage sees it once, whole', () => {
		const { out, sender, received, deliver, stats } = link();
		const message = bytes(2_500_000);
		sender.send(message);
		const frames = Math.ceil(message.byteLength / FRAME_PAYLOAD);
		expect(out.sent).toHaveLength(frames);
		deliver();
		expect(digests(received)).toEqual(digests([message]));
		expect(stats).toEqual({ framesSent: frames, framesReceived: frames, dropped: 0 });
	});

	it('stops at the high-water mark and sends the rest as the buffer empties', () => {
		const { out, sender, received, deliver } = link();
		const message = bytes(10 * 1024 * 1024);
		const total = Math.ceil(message.byteLength / FRAME_PAYLOAD);
		sender.send(message);
		const perRound = Math.ceil(HIGH_WATER / FRAME_BYTES);
		expect(out.sent).toHaveLength(perRound);
		expect(out.bufferedAmount).toBeGreaterThanOrEqual(HIGH_WATER);
		out.emptyBuffer();
		expect(out.sent).toHaveLength(2 * perRound);
		out.emptyBuffer();
		expect(out.sent).toHaveLength(total);
		deliver();
		expect(digests(received)).toEqual(digests([message]));
	});

	it('queues small messages behind queued frames, so order is kept', () => {
		const { out, sender, received, deliver } = link();
		out.bufferedAmount = HIGH_WATER;
		const large = bytes(3 * FRAME_PAYLOAD);
		const small = bytes(10);
		sender.send(large);
		sender.send(small);
		expect(out.sent).toEqual([]);
		out.emptyBuffer();
		expect(out.sent).toHaveLength(4);
		expect(out.sent[3]).toEqual(small);
		deliver();
		expect(digests(received)).toEqual(digests([large, small]));
	});

	it('polls a full buffer with one timer, however many messages wait', () => {
		vi.useFakeTimers();
		const { out, sender, received, deliver } = link();
		out.bufferedAmount = HIGH_WATER;
		const messages = Array.from({ length: 20 }, (_, i) => bytes(FRAME_PAYLOAD + 1 + i));
		for (const message of messages) sender.send(message);
		expect(vi.getTimerCount()).toBe(1);
		vi.advanceTimersByTime(50);
		expect(out.sent).toEqual([]); // still full
		expect(vi.getTimerCount()).toBe(1);
		// The buffer drains without an event (its threshold is 0): the poll refills it.
		out.bufferedAmount = 0;
		vi.advanceTimersByTime(5);
		expect(vi.getTimerCount()).toBe(0);
		deliver();
		expect(digests(received)).toEqual(digests(messages));
	});

	it('does not send or poll while the channel is not open', () => {
		vi.useFakeTimers();
		const { out, sender } = link();
		out.readyState = 'closed';
		sender.send(bytes(3 * FRAME_PAYLOAD));
		expect(out.sent).toEqual([]);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('a MessageFilter sees whole messages; one it refuses never reaches onmessage', () => {
		const seen: number[] = [];
		const accept: MessageFilter = (message) => {
			seen.push(message.byteLength);
			return message[0] !== 0;
		};
		const { sender, received, deliver } = link({ accept });
		const refusedSmall = new Uint8Array([0, 1, 2]);
		const refusedLarge = new Uint8Array(2 * FRAME_PAYLOAD + 1); // starts with 0
		const passes = bytes(2 * FRAME_PAYLOAD + 1).fill(1, 0, 1);
		for (const message of [refusedSmall, refusedLarge, passes]) sender.send(message);
		deliver();
		expect(seen).toEqual([3, 2 * FRAME_PAYLOAD + 1, 2 * FRAME_PAYLOAD + 1]);
		expect(digests(received)).toEqual(digests([passes]));
	});

	it('a handler that throws on one message drops it (counted); the next still arrives', () => {
		const { sender, receiver, received, deliver, stats } = link();
		const reads = receiver.onmessage as (event: MessageEvent) => void;
		receiver.onmessage = (event: MessageEvent) => {
			if (new Uint8Array(event.data as ArrayBuffer)[0] === 0xee) throw new Error('unreadable');
			reads(event);
		};
		const error = vi.spyOn(console, 'error').mockImplementation(() => {});
		const unreadable = new Uint8Array([0xee, 1, 2]);
		const fine = bytes(2 * FRAME_PAYLOAD + 1).fill(1, 0, 1);
		sender.send(unreadable);
		sender.send(fine);
		expect(() => deliver()).not.toThrow();
		expect(stats.dropped).toBe(1);
		expect(error).toHaveBeenCalledTimes(1);
		expect(digests(received)).toEqual(digests([fine]));
		error.mockRestore();
	});

	it('drops text and other non-binary messages: they would bypass the filter', () => {
		const accept = vi.fn<MessageFilter>(() => true);
		const { into, receiver, received, stats } = link({ accept });
		into.receive('a string');
		into.receive(new Blob(['x']));
		into.receive(null);
		expect(received).toEqual([]);
		expect(accept).not.toHaveBeenCalled();
		expect(stats.dropped).toBe(3);
		expect(receiver.onmessage).toBeTypeOf('function');
	});

	it('counts dropped frames into shared stats, per channel, without losing any', () => {
		const stats = newStats();
		const a = link({ stats });
		const b = link({ stats });
		const frames = toFrames(bytes(3 * FRAME_PAYLOAD), 1);
		a.into.receive(frames[1]!.slice().buffer); // a stray frame on channel a
		expect(stats.dropped).toBe(1);
		b.sender.send(bytes(2 * FRAME_PAYLOAD));
		b.deliver();
		expect(b.received).toHaveLength(1);
		expect(stats.dropped).toBe(1);
		a.into.receive(frames[2]!.slice().buffer);
		expect(stats.dropped).toBe(2);
	});

	it('passes everything else through to the real channel', () => {
		const fake = new FakeChannel();
		const channel = wrap(fake);
		channel.binaryType = 'arraybuffer';
		expect(fake.binaryType).toBe('arraybuffer');
		expect(channel.label).toBe('fake');
		expect(channel.readyState).toBe('open');
		const handler = () => {};
		channel.onmessage = handler;
		expect(channel.onmessage).toBe(handler);
		expect(fake.onmessage).not.toBe(handler); // the wrapper listens, and calls it
		channel.onmessage = null;
		expect(fake.onmessage).toBeNull();
		const listener = vi.fn();
		channel.addEventListener('open', listener);
		fake.dispatchEvent(new Event('open'));
		expect(listener).toHaveBeenCalledOnce();
		channel.send('text goes out as it is');
		expect(fake.sent).toEqual(['text goes out as it is']);
	});
});

describe('chunkedRtc', () => {
	class FakePeerConnection extends EventTarget {
		readonly channels: FakeChannel[] = [];
		createDataChannel(label: string): FakeChannel {
			const channel = new FakeChannel();
			channel.label = label;
			this.channels.push(channel);
			return channel;
		}
		/** The remote side opened a channel. */
		remoteChannel(): FakeChannel {
			const channel = new FakeChannel();
			const event = new Event('datachannel') as Event & { channel: FakeChannel };
			event.channel = channel;
			this.dispatchEvent(event);
			return channel;
		}
	}
	// reason: only the constructor matters here; the session types are never used.
	const base = {
		RTCPeerConnection: FakePeerConnection,
		RTCSessionDescription: class {},
		RTCIceCandidate: class {}
	} as unknown as RtcImplementation;

	it('chunks the channels it creates and those the remote side opens', () => {
		const stats = newStats();
		const rtc = chunkedRtc(base, stats);
		const pc = new rtc.RTCPeerConnection() as unknown as FakePeerConnection & RTCPeerConnection;
		const mine = pc.createDataChannel('mine');
		mine.send(bytes(2 * FRAME_PAYLOAD));
		expect(pc.channels[0]!.sent).toHaveLength(2);

		const opened: RTCDataChannel[] = [];
		pc.ondatachannel = (event) => opened.push(event.channel);
		// Read as null, so implementations that dispatch through on<type> do not call it twice.
		expect(pc.ondatachannel).toBeNull();
		const theirs = pc.remoteChannel();
		expect(opened).toHaveLength(1);
		const received: Uint8Array[] = [];
		opened[0]!.onmessage = (event) => received.push(new Uint8Array(event.data));
		const message = bytes(3 * FRAME_PAYLOAD);
		for (const frame of toFrames(message, 5)) theirs.receive(frame.slice().buffer);
		expect(digests(received)).toEqual(digests([message]));
		expect(stats.framesSent).toBe(2);
		expect(stats.framesReceived).toBe(3);
	});

	it('chunks the remote side’s channels when the implementation keeps ondatachannel on each instance (as @roamhq/wrtc)', () => {
		/** Like @roamhq/wrtc: a plain instance property, dispatched to along with the listeners. */
		class OwnPropertyPeerConnection extends FakePeerConnection {
			constructor() {
				super();
				Object.defineProperty(this, 'ondatachannel', { value: null, writable: true });
			}
			override remoteChannel(): FakeChannel {
				const channel = super.remoteChannel();
				const handler = (this as unknown as RTCPeerConnection).ondatachannel;
				handler?.call(
					this as unknown as RTCPeerConnection,
					{
						channel
					} as unknown as RTCDataChannelEvent
				);
				return channel;
			}
		}
		const stats = newStats();
		const rtc = chunkedRtc(
			{ ...base, RTCPeerConnection: OwnPropertyPeerConnection } as unknown as RtcImplementation,
			stats
		);
		const pc = new rtc.RTCPeerConnection() as unknown as OwnPropertyPeerConnection &
			RTCPeerConnection;
		const opened: RTCDataChannel[] = [];
		pc.ondatachannel = (event) => opened.push(event.channel);
		expect(pc.ondatachannel).toBeNull();
		const theirs = pc.remoteChannel();
		// Once, and wrapped: frames arrive as one whole message.
		expect(opened).toHaveLength(1);
		const received: Uint8Array[] = [];
		opened[0]!.onmessage = (event) => received.push(new Uint8Array(event.data));
		const message = bytes(3 * FRAME_PAYLOAD);
		for (const frame of toFrames(message, 9)) theirs.receive(frame.slice().buffer);
		expect(digests(received)).toEqual(digests([message]));
		// The proxy still is the connection: methods and the prototype's overrides work.
		pc.createDataChannel('mine').send(bytes(2 * FRAME_PAYLOAD));
		expect(pc.channels[0]!.sent).toHaveLength(2);
	});
});

describe('chunkedChannel relays', () => {
	it('does not send a peer back, byte for byte, the message it is handing over from that peer', () => {
		const { into, receiver } = link();
		const echoed: Uint8Array[] = [];
		const other = bytes(50, 7);
		receiver.onmessage = (event: MessageEvent) => {
			const message = new Uint8Array(event.data as ArrayBuffer);
			echoed.push(message);
			// What y-webrtc does with an update: apply it, then relay it to every peer.
			receiver.send(message.slice());
			receiver.send(other);
		};
		const message = bytes(100, 3);
		into.receive(message.slice().buffer);
		expect(echoed).toHaveLength(1);
		// Only the other message went out on this channel.
		expect(into.sent).toEqual([other]);
		// Once the hand-over is done, the same bytes are an ordinary message again.
		receiver.send(message);
		expect(into.sent).toEqual([other, message]);
	});
});

describe('chunkedChannel relays, near misses', () => {
	it.each([0, 1, 2, 3, 4, 1000, 4095, 4096, 4097])(
		'sends back a message that differs from the one handed over only at byte %i',
		(at) => {
			const { into, receiver } = link();
			const message = bytes(4099, 11);
			const other = message.slice();
			other[at]! ^= 1;
			receiver.onmessage = () => {
				receiver.send(other);
				// The same bytes at an odd offset in a larger buffer: still recognised.
				const shifted = new Uint8Array(message.byteLength + 1);
				shifted.set(message, 1);
				receiver.send(shifted.subarray(1));
			};
			into.receive(message.slice().buffer);
			expect(digests(into.sent as Uint8Array[])).toEqual(digests([other]));
		}
	);
});

describe('chunkedChannel with a splitter', () => {
	it('sends what the splitter returns, in order, each framed and reassembled on its own', () => {
		const parts = [bytes(3 * FRAME_PAYLOAD + 5, 1), bytes(10, 2), bytes(FRAME_PAYLOAD + 1, 3)];
		const whole = bytes(100_000, 9);
		const split: MessageSplitter = (message) => (message.byteLength > 1000 ? parts : [message]);
		const { sender, received, deliver } = link({ split });
		const small = bytes(20, 4);
		sender.send(whole);
		sender.send(small);
		deliver();
		expect(digests(received)).toEqual(digests([...parts, small]));
	});
});

/** Text-like bytes that deflate well, as a Yjs state of posts does. */
function text(size: number, seed = size): Uint8Array<ArrayBuffer> {
	const words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'post', 'record', 'signature'];
	const out = new Uint8Array(size);
	let x = seed;
	let i = 0;
	while (i < size) {
		x = (x * 1103515245 + 12345) >>> 0;
		for (const c of `${words[x % words.length]} `) if (i < size) out[i++] = c.charCodeAt(0);
	}
	return out;
}

/** Two compressing ends; `pump` moves everything either sent across until nothing moves. */
function compressingLink(
	options: { receiverCompresses?: boolean; split?: MessageSplitter; deflate?: Deflate } = {}
) {
	const out = new FakeChannel();
	const into = new FakeChannel();
	const stats = newStats();
	const sender = wrap(out, stats, {
		compress: true,
		split: options.split,
		deflate: options.deflate
	});
	const receiver = wrap(into, stats, { compress: options.receiverCompresses ?? true });
	const received: Uint8Array[] = [];
	receiver.onmessage = (event: MessageEvent) =>
		received.push(new Uint8Array(event.data as ArrayBuffer));
	sender.onmessage = () => {};
	let forward = 0;
	let back = 0;
	const move = () => {
		let moved = false;
		for (; forward < out.sent.length; forward++, moved = true) {
			into.receive((out.sent[forward] as Uint8Array).slice().buffer);
		}
		for (; back < into.sent.length; back++, moved = true) {
			out.receive((into.sent[back] as Uint8Array).slice().buffer);
		}
		return moved;
	};
	/**
	 * Deflate and inflate finish on their own time: move and let them run until `count`
	 * messages arrived (then a little longer, so anything extra would show), or 20 s.
	 */
	const pump = async (count = 0) => {
		const deadline = Date.now() + 20_000;
		for (let extra = 0; extra < 5 && Date.now() < deadline;) {
			if (received.length >= count) extra++;
			move();
			out.emptyBuffer();
			into.emptyBuffer();
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	};
	return { out, into, sender, receiver, received, stats, pump };
}

describe('chunkedChannel with compression', () => {
	it('says HELLO first; to a peer that said it, large messages go deflated, in order', async () => {
		const { out, sender, received, stats, pump } = compressingLink();
		expect(out.sent[0]).toEqual(HELLO);
		await pump();
		const messages = [text(300_000, 1), bytes(40, 2), text(FRAME_PAYLOAD + 1, 3), bytes(50_000, 4)];
		for (const m of messages) sender.send(m);
		await pump(messages.length);
		expect(digests(received)).toEqual(digests(messages));
		// 300 KB of text in a few frames, not 19; random bytes that do not shrink go plain.
		expect(stats.framesSent).toBeLessThan(3 + 1 + Math.ceil(50_000 / FRAME_PAYLOAD) + 2);
		expect(stats.dropped).toBe(0);
	});

	it("deflates with the function it is given (a Node peer's zlib); the peer inflates it as any", async () => {
		let deflated = 0;
		const counting: Deflate = (bytes) => {
			deflated++;
			return nodeDeflate(bytes);
		};
		const { sender, received, stats, pump } = compressingLink({ deflate: counting });
		await pump();
		const messages = [text(300_000, 11), bytes(40, 12), text(90_000, 13)];
		for (const m of messages) sender.send(m);
		await pump(messages.length);
		expect(digests(received)).toEqual(digests(messages));
		expect(deflated).toBe(2);
		expect(stats.framesSent).toBeLessThan(6);
		expect(stats.dropped).toBe(0);
	});

	it('sends messages whole to a peer that never said HELLO (plain y-webrtc reads no frames)', async () => {
		const { out, sender, received, pump } = compressingLink({ receiverCompresses: false });
		await pump();
		const message = text(100_000, 5);
		sender.send(message);
		await pump(2);
		expect(digests(received)).toEqual(digests([HELLO, message]));
		expect(digests(out.sent.slice(1) as Uint8Array[])).toEqual(digests([message]));
	});

	it('frames a message no channel takes whole, even before the peer said HELLO', async () => {
		const out = new FakeChannel();
		const into = new FakeChannel();
		const stats = newStats();
		const sender = wrap(out, stats, { compress: true });
		const receiver = wrap(into, stats, { compress: true });
		const received: Uint8Array[] = [];
		receiver.onmessage = (event: MessageEvent) =>
			received.push(new Uint8Array(event.data as ArrayBuffer));
		// One struct of a record at the size limit: the splitter cannot cut it smaller.
		const huge = bytes(262_998, 7);
		sender.send(huge);
		const sent = out.sent.slice(1) as Uint8Array[];
		expect(sent.every((m) => m.byteLength <= FRAME_PAYLOAD + 64)).toBe(true);
		for (const m of sent) into.receive(m.slice().buffer);
		expect(digests(received)).toEqual(digests([huge]));
	});

	it('asks its splitter to cut for a plain peer, and not for a peer that said HELLO', async () => {
		for (const [receiverCompresses, max] of [
			[false, PLAIN_MESSAGE_MAX],
			[true, null]
		] as const) {
			const asked: (number | null)[] = [];
			const split: MessageSplitter = (message, limit) => {
				asked.push(limit);
				return [message];
			};
			const { sender, pump } = compressingLink({ receiverCompresses, split });
			await pump();
			sender.send(bytes(20, 1));
			expect(asked).toEqual([max]);
		}
	});

	it('still reads plain frames from a peer that deflates nothing', async () => {
		const { into, received, pump } = compressingLink();
		const message = text(70_000, 6);
		for (const frame of toFrames(message, 9)) into.receive(frame.slice().buffer);
		await pump(1);
		expect(digests(received)).toEqual(digests([message]));
	});

	/** Deflated frames of `payload`, as a peer would send them. */
	const deflatedFrames = async (payload: Uint8Array) => {
		const stream = new Blob([payload as Uint8Array<ArrayBuffer>])
			.stream()
			.pipeThrough(new CompressionStream('deflate-raw'));
		const small = new Uint8Array(await new Response(stream).arrayBuffer());
		return toFrames(small, 77, true);
	};

	it('drops a deflated message that inflates past MAX_MESSAGE_BYTES (a bomb), and counts it', async () => {
		const { into, received, stats, pump } = compressingLink();
		const bomb = await deflatedFrames(new Uint8Array(MAX_MESSAGE_BYTES + 1));
		expect(bomb.length).toBeLessThan(10);
		const after = bytes(30, 8);
		for (const frame of bomb) into.receive(frame.slice().buffer);
		into.receive(after.slice().buffer);
		await pump(1);
		// The message after it still arrives, after it, and nothing else does.
		expect(digests(received)).toEqual(digests([after]));
		expect(stats.dropped).toBe(1);
	}, 30_000);

	it.each([
		['not DEFLATE at all', async () => toFrames(bytes(5000, 3), 5, true)],
		[
			'truncated DEFLATE',
			async () => {
				const frames = await deflatedFrames(text(200_000, 9));
				const last = frames.at(-1)!;
				return [...frames.slice(0, -1), last.subarray(0, last.byteLength - 20)];
			}
		]
	])('drops a deflated message that is %s, and counts it', async (_, make) => {
		const { into, received, stats, pump } = compressingLink();
		const after = bytes(30, 8);
		for (const frame of await make()) into.receive(frame.slice().buffer);
		into.receive(after.slice().buffer);
		await pump(1);
		expect(digests(received)).toEqual(digests([after]));
		expect(stats.dropped).toBe(1);
	});

	it('round-trips any mix of messages, deflated or not, in order (seeded)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * FRAME_PAYLOAD }), fc.boolean(), fc.nat()), {
					maxLength: 8
				}),
				async (specs) => {
					const { sender, received, pump } = compressingLink();
					await pump();
					const messages = specs.map(([size, isText, seed]) =>
						isText ? text(size, seed) : bytes(size, seed)
					);
					for (const m of messages) sender.send(m);
					await pump(messages.length);
					expect(digests(received)).toEqual(digests(messages));
				}
			),
			{ seed: 99, numRuns: 25 }
		);
	});
});

describe('chunkedChannel with a lazy splitter', () => {
	it('reads a generator one message at a time; messages sent meanwhile wait their turn', async () => {
		const parts = [bytes(2 * FRAME_PAYLOAD, 1), bytes(10, 2), bytes(FRAME_PAYLOAD + 9, 3)];
		let made = 0;
		const split: MessageSplitter = (message) =>
			message.byteLength > 1000
				? (function* () {
						for (const part of parts) {
							made++;
							yield part;
						}
					})()
				: [message];
		const { sender, received, deliver } = link({ split });
		const small = bytes(20, 4);
		sender.send(bytes(100_000, 9));
		// Nothing cut yet: the generator is read after the send returns.
		expect(made).toBe(0);
		sender.send(small);
		await new Promise((resolve) => setTimeout(resolve, 0));
		deliver();
		expect(made).toBe(3);
		expect(digests(received)).toEqual(digests([...parts, small]));
	});
});
