/**
 * A hostile peer's y-webrtc messages against `isWellFormedMessage`, the filter that runs
 * before y-webrtc reads a message. Its promise: what it lets through never throws inside the
 * provider. The reader here is y-webrtc's own (`readMessage`, reached through a real `Room`'s
 * BroadcastChannel handler, the same function a WebRTC data channel's messages go to).
 *
 * Why a throw matters: in Node (@roamhq/wrtc, the mirror) an exception thrown from a data
 * channel's message handler is an uncaught exception and ends the process, so one message
 * from anyone in the public room would stop every mirror; in a browser it is a console error.
 */
import * as Y from 'yjs';
import { Room } from 'y-webrtc';
import { Awareness } from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedMessage } from './peers';

const SYNC = 0;
const AWARENESS = 1;
const BC_PEER_ID = 4;

/** y-webrtc's reader for one message: resolves if it read it, rejects if it threw. */
function yWebrtcReads(bytes: Uint8Array): Promise<unknown> {
	const doc = new Y.Doc();
	doc.getMap('records').set('a', 1);
	const awareness = new Awareness(doc);
	// reason: Room's constructor needs only the provider's awareness to read a message; it is
	// not connected, so nothing is sent anywhere.
	const room = new Room(doc, { awareness } as never, 'hostile-messages', null);
	const read = (room as unknown as { _bcSubscriber(data: ArrayBuffer): Promise<unknown> })
		._bcSubscriber;
	return Promise.resolve(read(bytes.slice().buffer)).finally(() => {
		awareness.destroy();
		doc.destroy();
	});
}

const message = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
};

/** An awareness update from one client (id 12345, clock 1) whose state is this text. */
const awarenessMessage = (state: string) =>
	message((e) => {
		encoding.writeVarUint(e, AWARENESS);
		encoding.writeVarUint8Array(
			e,
			message((u) => {
				encoding.writeVarUint(u, 1);
				encoding.writeVarUint(u, 12345);
				encoding.writeVarUint(u, 1);
				encoding.writeVarString(u, state);
			})
		);
	});

const anUpdate = () => {
	const doc = new Y.Doc();
	doc.getMap('records').set('x', { record: '{}', signature: 'AAAA' });
	return Y.encodeStateAsUpdate(doc);
};

/** Messages an honest y-webrtc peer sends: accepted and read. */
const honest: [string, () => Uint8Array][] = [
	[
		'sync step 1 (a state vector)',
		() =>
			message((e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, 0);
				encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
			})
	],
	[
		'an update',
		() =>
			message((e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, 2);
				encoding.writeVarUint8Array(e, anUpdate());
			})
	],
	['an awareness update', () => awarenessMessage(JSON.stringify({ build: 'x' }))]
];

/**
 * Messages that decode as far as the filter looks, then throw in y-webrtc's reader. Each is
 * a few bytes any peer in the room can send.
 */
const hostile: [string, () => Uint8Array][] = [
	['an awareness update whose state is not JSON', () => awarenessMessage('not json {')],
	['an awareness message cut short', () => Uint8Array.of(AWARENESS)],
	[
		'a sync step 1 whose state vector is cut short',
		() =>
			message((e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, 0);
				encoding.writeVarUint8Array(e, Uint8Array.of(5, 1));
			})
	],
	[
		'a sync message of an unknown step (3) carrying a valid update',
		() =>
			message((e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, 3);
				encoding.writeVarUint8Array(e, anUpdate());
			})
	],
	['a BroadcastChannel peer-id message cut short', () => Uint8Array.of(BC_PEER_ID)]
];

describe('[transport] isWellFormedMessage and y-webrtc’s reader', () => {
	it.each(honest)('%s: accepted and read', async (_name, make) => {
		const bytes = make();
		expect(isWellFormedMessage(bytes)).toBe(true);
		await expect(yWebrtcReads(bytes)).resolves.toBeUndefined();
	});

	it.each(hostile)('%s: makes y-webrtc’s reader throw', async (_name, make) => {
		await expect(yWebrtcReads(make())).rejects.toThrow();
	});

	// Found by review: the filter once checked only sync steps 1 and 2 and passed everything
	// else, and each of these threw inside y-webrtc's data handler (ending a mirror's process).
	it.each(hostile)('%s: refused by the filter', (_name, make) => {
		expect(isWellFormedMessage(make())).toBe(false);
	});

	it('no message the filter accepts throws in y-webrtc’s reader (seeded)', async () => {
		const frame = (type: number, payload: Uint8Array) =>
			message((e) => {
				encoding.writeVarUint(e, type);
				encoding.writeUint8Array(e, payload);
			});
		const messages = fc.oneof(
			fc.uint8Array({ maxLength: 64 }),
			fc
				.tuple(fc.integer({ min: 0, max: 5 }), fc.uint8Array({ maxLength: 64 }))
				.map(([t, p]) => frame(t, p))
		);
		await fc.assert(
			fc.asyncProperty(messages, async (bytes) => {
				if (!isWellFormedMessage(bytes)) return;
				await yWebrtcReads(bytes);
			}),
			{ seed: 0x5eed, numRuns: 300 }
		);
	});
});
