import * as fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { applyChange, diffText, mapIndex, type TextDelta } from './drafts-text';

describe('diffText', () => {
	it.each([
		['typing at the end', 'abc', 'abcd', 4, { index: 3, remove: 0, insert: 'd' }],
		['typing at the start', 'abc', 'xabc', 1, { index: 0, remove: 0, insert: 'x' }],
		['backspace', 'abc', 'ab', 2, { index: 2, remove: 1, insert: '' }],
		[
			'replacing a selection',
			'hello world',
			'hello there',
			11,
			{ index: 6, remove: 5, insert: 'there' }
		],
		['typing "a" inside "aa" at 1', 'aa', 'aaa', 2, { index: 1, remove: 0, insert: 'a' }],
		['typing "a" inside "aa" at 0', 'aa', 'aaa', 1, { index: 0, remove: 0, insert: 'a' }],
		['deleting the middle "a" of "aaa"', 'aaa', 'aa', 1, { index: 1, remove: 1, insert: '' }],
		['no caret: the smallest edit', 'abc', 'xbc', undefined, { index: 0, remove: 1, insert: 'x' }],
		[
			'an emoji after another of the same high half',
			'😀',
			'😀😁',
			4,
			{ index: 2, remove: 0, insert: '😁' }
		],
		[
			'an emoji replaced by one sharing its high half',
			'a😀b',
			'a😁b',
			3,
			{ index: 1, remove: 2, insert: '😁' }
		]
	])('%s', (_name, before, after, caret, expected) => {
		expect(diffText(before, after, caret)).toEqual(expected);
	});

	it('equal texts need no edit', () => {
		expect(diffText('same', 'same', 2)).toBeNull();
	});

	it('applying the edit always gives the new text, and never cuts a surrogate pair', () => {
		const text = fc.string({
			unit: fc.constantFrom('a', 'b', '😀', '😁', 'é', '\n'),
			maxLength: 12
		});
		fc.assert(
			fc.property(text, text, fc.nat(30), (before, after, rawCaret) => {
				const caret = Math.min(rawCaret, after.length);
				const change = diffText(before, after, caret);
				if (before === after) {
					expect(change).toBeNull();
					return;
				}
				expect(applyChange(before, change!)).toBe(after);
				const wellFormed = (s: string) => s.isWellFormed();
				expect(wellFormed(change!.insert)).toBe(true);
				expect(wellFormed(before.slice(change!.index, change!.index + change!.remove))).toBe(true);
			}),
			{ seed: 7, numRuns: 500 }
		);
	});
});

describe('mapIndex', () => {
	it.each([
		['insert before the caret pushes it', 5, [{ retain: 2 }, { insert: 'xyz' }], 8],
		['insert at the caret leaves it', 5, [{ retain: 5 }, { insert: 'xyz' }], 5],
		['insert after the caret leaves it', 5, [{ retain: 7 }, { insert: 'xyz' }], 5],
		['delete before the caret pulls it', 5, [{ retain: 1 }, { delete: 2 }], 3],
		['delete around the caret moves it to the start', 5, [{ retain: 3 }, { delete: 4 }], 3],
		['an embed counts as one', 5, [{ insert: { image: 1 } }], 6]
	] as [string, number, TextDelta, number][])('%s', (_name, index, delta, expected) => {
		expect(mapIndex(index, delta)).toBe(expected);
	});

	it('keeps a caret on the same character through any remote edit (Yjs deltas)', () => {
		fc.assert(
			fc.property(
				fc.string({ minLength: 1, maxLength: 20 }),
				fc.nat(),
				fc.nat(),
				fc.nat(5),
				fc.string({ maxLength: 5 }),
				(initial, rawCaret, rawAt, removeCount, insert) => {
					const doc = new Y.Doc();
					const text = doc.getText('t');
					text.insert(0, initial);
					const caret = rawCaret % (initial.length + 1);
					const at = rawAt % (initial.length + 1);
					const remove = Math.min(removeCount, initial.length - at);
					let delta: TextDelta = [];
					text.observe((event) => (delta = event.delta as TextDelta));
					doc.transact(() => {
						if (remove) text.delete(at, remove);
						if (insert) text.insert(at, insert);
					});
					const mapped = mapIndex(caret, delta);
					const after = text.toString();
					if (caret <= at) {
						// Before the edit, or right at it: the caret stays put.
						expect(mapped).toBe(caret);
					} else if (caret === at + remove) {
						// Right after deleted text, where the new text goes: before or after it.
						expect([at, at + insert.length]).toContain(mapped);
					} else if (caret > at + remove) {
						// After the edit: it moves with the character it stood before.
						expect(mapped).toBe(caret - remove + insert.length);
						if (caret < initial.length) expect(after[mapped]).toBe(initial[caret]);
					} else {
						// Inside deleted text: to where the deletion was.
						expect(mapped).toBe(at);
					}
				}
			),
			{ seed: 11, numRuns: 300 }
		);
	});
});
