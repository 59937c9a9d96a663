import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { applyAwarenessUpdate, Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { HELLO } from './chunked-rtc';
import {
	isWellFormedMessage,
	PENDING_CONNECTION_MS,
	splitSyncMessage,
	stalledConnections,
	UPDATE_PIECE_BYTES
} from './peers';

/** A country-sized public document: `count` entries of about 1 KB, in 64 KiB transactions. */
function bigDoc(count: number): Y.Doc {
	const doc = new Y.Doc();
	const map = doc.getMap('records');
	for (let t = 0; t * 60 < count; t++) {
		doc.transact(() => {
			for (let i = t * 60; i < Math.min(count, (t + 1) * 60); i++) {
				map.set(`id-${i}`, { record: `{"n":${i}}`.padEnd(900, ' '), signature: 's'.repeat(120) });
			}
		});
	}
	return doc;
}

/** y-webrtc's reply to a sync step 1: `[messageSync, step 2, update]`. */
function step2(from: Y.Doc, to: Y.Doc): Uint8Array {
	const step1 = encoding.createEncoder();
	syncProtocol.writeSyncStep1(step1, to);
	const reply = encoding.createEncoder();
	encoding.writeVarUint(reply, 0);
	syncProtocol.readSyncMessage(
		decoding.createDecoder(encoding.toUint8Array(step1)),
		reply,
		from,
		null
	);
	return encoding.toUint8Array(reply);
}

/** What y-webrtc does with one received message; returns the sync message type read. */
function receive(doc: Y.Doc, message: Uint8Array): number {
	const decoder = decoding.createDecoder(message);
	expect(decoding.readVarUint(decoder)).toBe(0);
	return syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'peer');
}

describe('splitSyncMessage', () => {
	it('a 1.2 MB sync step 2 travels as update pieces and one empty step 2, last', () => {
		const source = bigDoc(1200);
		const joiner = new Y.Doc();
		const message = step2(source, joiner);
		expect(message.byteLength).toBeGreaterThan(1_000_000);
		const messages = [...splitSyncMessage(message)];
		expect(messages.length).toBeGreaterThan(4);
		const types: number[] = [];
		const sizes: number[] = [];
		for (const m of messages) {
			expect(isWellFormedMessage(m)).toBe(true);
			const before = joiner.getMap('records').size;
			types.push(receive(joiner, m));
			sizes.push(joiner.getMap('records').size - before);
			expect(m.byteLength).toBeLessThanOrEqual(UPDATE_PIECE_BYTES + 64);
		}
		// Updates (2), then the step 2 (1) that tells y-webrtc this peer is synced.
		expect(types).toEqual([...messages.slice(1).map(() => 2), 1]);
		// Each piece brought its entries at once; the closing step 2 brings nothing.
		expect(sizes.slice(0, -1).every((n) => n > 0)).toBe(true);
		expect(sizes.at(-1)).toBe(0);
		expect(joiner.getMap('records').toJSON()).toEqual(source.getMap('records').toJSON());
	});

	it('a large plain update is cut into updates only', () => {
		const source = bigDoc(1000);
		const update = encoding.createEncoder();
		encoding.writeVarUint(update, 0);
		syncProtocol.writeUpdate(update, Y.encodeStateAsUpdate(source));
		const messages = [...splitSyncMessage(encoding.toUint8Array(update))];
		expect(messages.length).toBeGreaterThan(2);
		const joiner = new Y.Doc();
		expect(messages.map((m) => receive(joiner, m)).every((t) => t === 2)).toBe(true);
		expect(joiner.getMap('records').size).toBe(1000);
	});

	it('an update that stops parsing part way: the pieces before, then the message as it came', () => {
		const whole = Y.encodeStateAsUpdate(bigDoc(1200));
		const message = encoding.createEncoder();
		encoding.writeVarUint(message, 0);
		encoding.writeVarUint(message, 1);
		encoding.writeVarUint8Array(message, whole.subarray(0, whole.length - 5000));
		const bytes = encoding.toUint8Array(message);
		const out = [...splitSyncMessage(bytes)];
		expect(out.length).toBeGreaterThan(2);
		expect(out.at(-1)).toBe(bytes);
		const joiner = new Y.Doc();
		expect(out.slice(0, -1).map((m) => receive(joiner, m))).toEqual(out.slice(1).map(() => 2));
		// The receiver drops the last one whole: its filter refuses it.
		expect(isWellFormedMessage(bytes)).toBe(false);
	});

	it.each([
		['a small step 2', () => step2(bigDoc(10), new Y.Doc())],
		['a large awareness message', () => Uint8Array.from([1, ...new Uint8Array(600_000)])],
		[
			'a large step 1 (a state vector)',
			() => Uint8Array.from([0, 0, 0x80, 0x80, 0x24, ...new Uint8Array(600_000)])
		],
		[
			'a large update that does not parse',
			() => Uint8Array.from([0, 2, 0x80, 0x80, 0x24, ...new Uint8Array(600_000).fill(0xfe)])
		],
		['bytes that are not a y-webrtc message at all', () => new Uint8Array(600_000).fill(0xff)]
	])('leaves %s as it is', (_, make) => {
		const message = make();
		const out = [...splitSyncMessage(message)];
		expect(out).toHaveLength(1);
		expect(out[0]).toBe(message);
	});
});

describe('isWellFormedMessage', () => {
	it.each([
		['a sync step 1', Uint8Array.from([0, 0, 1, 0]), true],
		['an empty update', Uint8Array.from([0, 2, 2, 0, 0]), true],
		['an awareness message', Uint8Array.from([1, 1, 0]), true],
		['an update that is not one', Uint8Array.from([0, 2, 3, 9, 9, 9]), false],
		['a truncated message', Uint8Array.from([0, 2, 9, 0]), false],
		['nothing', new Uint8Array(0), false]
	])('%s: %s', (_, message, ok) => {
		expect(isWellFormedMessage(message)).toBe(ok);
	});
});

describe('HELLO, to a plain y-webrtc peer', () => {
	it('reads as an awareness message with no states in it: applied as nothing, no reply', () => {
		// What y-webrtc's readMessage does with message type 1 (awareness); the rest is ignored.
		const decoder = decoding.createDecoder(HELLO);
		expect(decoding.readVarUint(decoder)).toBe(1);
		const awareness = new Awareness(new Y.Doc());
		const events: string[] = [];
		awareness.on('change', () => events.push('change'));
		awareness.on('update', () => events.push('update'));
		applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), 'peer');
		expect(events).toEqual([]);
		expect([...awareness.getStates().keys()]).toEqual([awareness.clientID]);
		// And our own filter lets it through as any other non-sync message.
		expect(isWellFormedMessage(HELLO)).toBe(true);
	});
});

describe('stalledConnections', () => {
	it('gives up a connection pending past the limit, never an open or closed one', () => {
		const since = new WeakMap<object, number>();
		const pending = { connected: false, closed: false };
		const opens = { connected: false, closed: false };
		const closing = { connected: false, closed: false };
		const conns = [pending, opens, closing];
		expect(stalledConnections(conns, since, 1_000)).toEqual([]);
		opens.connected = true;
		closing.closed = true;
		expect(stalledConnections(conns, since, 1_000 + PENDING_CONNECTION_MS)).toEqual([]);
		expect(stalledConnections(conns, since, 1_001 + PENDING_CONNECTION_MS)).toEqual([pending]);
		// One that opened late, and dropped its channel later, is not pending again.
		opens.connected = false;
		opens.closed = true;
		expect(stalledConnections([opens], since, 10 * PENDING_CONNECTION_MS)).toEqual([]);
	});

	it('counts from when it first saw a connection', () => {
		const since = new WeakMap<object, number>();
		const early = { connected: false, closed: false };
		const late = { connected: false, closed: false };
		stalledConnections([early], since, 0);
		stalledConnections([early, late], since, 5_000);
		expect(stalledConnections([early, late], since, PENDING_CONNECTION_MS + 1)).toEqual([early]);
		expect(stalledConnections([early, late], since, PENDING_CONNECTION_MS + 5_001)).toEqual([
			early,
			late
		]);
	});
});
