import { createHash } from 'node:crypto';
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isWellFormedUpdate, splitUpdate } from './update-pieces';

/** One edit by one of a few peers; together they make every kind of struct Yjs writes. */
const edit = fc.oneof(
	fc.record({
		op: fc.constant('set' as const),
		key: fc.integer({ min: 0, max: 30 }),
		value: fc.jsonValue()
	}),
	fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 30 }) }),
	fc.record({
		op: fc.constant('bytes' as const),
		key: fc.integer({ min: 0, max: 30 }),
		value: fc.uint8Array({ maxLength: 40 })
	}),
	fc.record({
		op: fc.constant('text' as const),
		at: fc.nat(),
		value: fc.string({ unit: 'binary', maxLength: 20 })
	}),
	fc.record({
		op: fc.constant('untext' as const),
		at: fc.nat(),
		length: fc.integer({ min: 1, max: 5 })
	}),
	fc.record({
		op: fc.constant('push' as const),
		values: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 })
	}),
	fc.record({ op: fc.constant('nested' as const), key: fc.integer({ min: 0, max: 5 }) }),
	fc.record({ op: fc.constant('sync' as const) })
);

type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

/** Three peers edit and now and then sync with each other: origins cross clients. */
function history(edits: { peer: number; edit: Edit }[], gc: boolean): Y.Doc {
	const docs = [0, 1, 2].map((i) => {
		const doc = new Y.Doc({ gc });
		doc.clientID = 100 + i * 1_000_003;
		return doc;
	});
	for (const { peer, edit: e } of edits) {
		const doc = docs[peer]!;
		const map = doc.getMap('records');
		const text = doc.getText('text');
		switch (e.op) {
			case 'set':
				map.set(`k${e.key}`, e.value);
				break;
			case 'delete':
				map.delete(`k${e.key}`);
				break;
			case 'bytes':
				map.set(`b${e.key}`, e.value);
				break;
			case 'text':
				text.insert(Math.min(e.at, text.length), e.value);
				break;
			case 'untext': {
				const at = Math.min(e.at, text.length);
				text.delete(at, Math.min(e.length, text.length - at));
				break;
			}
			case 'push':
				doc.getArray('list').push(e.values);
				break;
			case 'nested': {
				const inner = new Y.Map<unknown>();
				map.set(`n${e.key}`, inner);
				inner.set('x', e.key);
				break;
			}
			case 'sync':
				for (const other of docs) {
					if (other !== doc) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
				}
				break;
		}
	}
	const whole = new Y.Doc();
	for (const doc of docs) Y.applyUpdate(whole, Y.encodeStateAsUpdate(doc));
	return whole;
}

const state = (doc: Y.Doc) => ({
	records: doc.getMap('records').toJSON(),
	text: doc.getText('text').toString(),
	list: doc.getArray('list').toJSON()
});

const arbitraryHistory = fc.record({
	edits: fc.array(fc.record({ peer: fc.integer({ min: 0, max: 2 }), edit }), { maxLength: 60 }),
	gc: fc.boolean(),
	maxBytes: fc.integer({ min: 1, max: 400 })
});

/** Compact and fast to compare: Uint8Arrays of 64 KiB compare slowly element by element. */
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('splitUpdate', () => {
	it('pieces applied in order rebuild the document, each one well formed (seeded)', () => {
		fc.assert(
			fc.property(arbitraryHistory, ({ edits, gc, maxBytes }) => {
				const source = history(edits, gc);
				const update = Y.encodeStateAsUpdate(source);
				const pieces = splitUpdate(update, maxBytes)!;
				expect(pieces).not.toBeNull();
				const doc = new Y.Doc();
				for (const piece of pieces) {
					expect(isWellFormedUpdate(piece)).toBe(true);
					Y.applyUpdate(doc, piece);
				}
				expect(state(doc)).toEqual(state(source));
				expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(source));
			}),
			{ seed: 20261203, numRuns: 300 }
		);
	});

	it('pieces applied in any order, some twice, rebuild the same document (seeded)', () => {
		fc.assert(
			fc.property(
				arbitraryHistory,
				fc.array(fc.nat(), { maxLength: 10 }),
				({ edits, gc, maxBytes }, shuffle) => {
					const source = history(edits, gc);
					const pieces = splitUpdate(Y.encodeStateAsUpdate(source), maxBytes)!;
					const order = pieces.map((_, i) => i);
					for (const [n, r] of shuffle.entries()) {
						const a = n % order.length;
						const b = r % order.length;
						[order[a], order[b]] = [order[b]!, order[a]!];
					}
					const doc = new Y.Doc();
					for (const i of [...order, ...order.slice(0, 2)]) Y.applyUpdate(doc, pieces[i]!);
					expect(state(doc)).toEqual(state(source));
				}
			),
			{ seed: 31, numRuns: 200 }
		);
	});

	it('a large map update cuts into pieces near the size asked for, each applying at once', () => {
		const doc = new Y.Doc();
		const map = doc.getMap('records');
		for (let t = 0; t < 20; t++) {
			doc.transact(() => {
				for (let i = 0; i < 50; i++)
					map.set(`id${t}-${i}`, { record: 'r'.repeat(900), signature: 's'.repeat(120) });
			});
		}
		const update = Y.encodeStateAsUpdate(doc);
		const pieces = splitUpdate(update, 64 * 1024)!;
		expect(pieces.length).toBe(Math.ceil(update.length / (64 * 1024)));
		const fresh = new Y.Doc();
		for (const piece of pieces) {
			expect(piece.length).toBeLessThanOrEqual(64 * 1024 + 32);
			Y.applyUpdate(fresh, piece);
			// Nothing waits on a later piece: every entry so far is in the map.
			expect(fresh.store.pendingStructs).toBeNull();
			expect(fresh.getMap('records').size).toBeGreaterThan(0);
		}
		expect(fresh.getMap('records').size).toBe(1000);
		// Yjs writes back what a piece added, byte for byte: the relay check in chunked-rtc
		// recognises the echo.
		const echo = new Y.Doc();
		const echoes: Uint8Array[] = [];
		echo.on('update', (u: Uint8Array) => echoes.push(u));
		for (const piece of pieces) Y.applyUpdate(echo, piece);
		expect(echoes.map(hex)).toEqual(pieces.map(hex));
	});

	it('an update with nothing in it stays one piece', () => {
		const empty = Y.encodeStateAsUpdate(new Y.Doc());
		expect(splitUpdate(empty, 10)).toEqual([empty]);
	});
});

/** A v1 update of one item on a root map, with `content` as its raw content bytes. */
function itemUpdate(info: number, content: (e: encoding.Encoder) => void, clock = 0): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1); // clients
	encoding.writeVarUint(e, 1); // structs
	encoding.writeVarUint(e, 7); // client
	encoding.writeVarUint(e, clock);
	encoding.writeUint8(e, info | 0x20); // with a parentSub
	encoding.writeVarUint(e, 1); // parent is a root type, by name
	encoding.writeVarString(e, 'records');
	encoding.writeVarString(e, 'key');
	content(e);
	encoding.writeVarUint(e, 0); // delete set
	return encoding.toUint8Array(e);
}

describe('isWellFormedUpdate and splitUpdate on hostile input', () => {
	const valid = (() => {
		const doc = new Y.Doc();
		doc.getMap('records').set('a', { record: 'x', signature: 'y' });
		doc.getText('t').insert(0, 'hello 👋');
		doc.getMap('records').delete('a');
		return Y.encodeStateAsUpdate(doc);
	})();

	it('agrees with Yjs on a valid update', () => {
		expect(isWellFormedUpdate(valid)).toBe(true);
		expect(() => Y.decodeUpdate(valid)).not.toThrow();
	});

	it('refuses every truncation of a valid update, without throwing', () => {
		for (let n = 0; n < valid.length; n++) {
			const cut = valid.subarray(0, n);
			expect(isWellFormedUpdate(cut), `cut at ${n}`).toBe(false);
			expect(splitUpdate(cut, 8)).toBeNull();
		}
	});

	it('never throws on random bytes, and what it accepts Yjs can decode (seeded)', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
				const ok = isWellFormedUpdate(bytes);
				expect(splitUpdate(bytes, 16) === null).toBe(!ok);
				if (ok) expect(() => Y.decodeUpdate(bytes)).not.toThrow();
			}),
			{ seed: 7, numRuns: 3000 }
		);
	});

	it.each([
		['an unknown content kind', itemUpdate(11, () => {})],
		[
			'an unknown value tag in any-content',
			itemUpdate(8, (e) => (encoding.writeVarUint(e, 1), encoding.writeUint8(e, 50)))
		],
		[
			'JSON content that is not JSON',
			itemUpdate(2, (e) => (encoding.writeVarUint(e, 1), encoding.writeVarString(e, '{nope')))
		],
		['an unknown shared type', itemUpdate(7, (e) => encoding.writeVarUint(e, 9))],
		[
			'a count of values far beyond the bytes',
			itemUpdate(8, (e) => encoding.writeVarUint(e, 2 ** 40))
		],
		[
			'a string length beyond the bytes',
			itemUpdate(
				8,
				(e) => (
					encoding.writeVarUint(e, 1),
					encoding.writeUint8(e, 119),
					encoding.writeVarUint(e, 1e9)
				)
			)
		],
		[
			'a clock past 2^53',
			itemUpdate(1, (e) => encoding.writeVarUint(e, 2), Number.MAX_SAFE_INTEGER)
		],
		[
			'a subdocument whose options are not an object',
			itemUpdate(9, (e) => (encoding.writeVarString(e, 'g'), encoding.writeUint8(e, 126)))
		],
		[
			'values nested 10,000 deep (lib0 would recurse that far)',
			itemUpdate(8, (e) => {
				encoding.writeVarUint(e, 1);
				for (let i = 0; i < 10_000; i++) {
					encoding.writeUint8(e, 117);
					encoding.writeVarUint(e, 1);
				}
				encoding.writeUint8(e, 126);
			})
		]
	])('refuses %s', (_, update) => {
		expect(isWellFormedUpdate(update)).toBe(false);
		expect(splitUpdate(update, 4)).toBeNull();
	});

	it('accepts nesting a real document could hold', () => {
		const update = itemUpdate(8, (e) => {
			encoding.writeVarUint(e, 1);
			for (let i = 0; i < 100; i++) {
				encoding.writeUint8(e, 118);
				encoding.writeVarUint(e, 1);
				encoding.writeVarString(e, 'k');
			}
			encoding.writeUint8(e, 120);
		});
		expect(isWellFormedUpdate(update)).toBe(true);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, update);
		expect(doc.getMap('records').has('key')).toBe(true);
	});
});
