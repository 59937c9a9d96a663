/**
 * Shared drafts on real Y.Docs: two people typing into one draft at once, and peers that
 * write whatever they like into the drafts map.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { DRAFTS_MAP } from './docs';
import { DRAFT_LIMITS, Drafts } from './drafts';
import { mapIndex, type TextDelta } from './drafts-text';

const ID = 'draft-0123456789abcdef';
const ADA = 'a'.repeat(40);

function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	return {
		a: new Drafts(a.getMap(DRAFTS_MAP)),
		b: new Drafts(b.getMap(DRAFTS_MAP)),
		/** Exchange everything each side has (as the room does when peers meet). */
		sync() {
			Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
			Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
		},
		docA: a,
		docB: b
	};
}

/** A textarea: its value and caret, bound to one draft field as the UI binds it. */
class Field {
	value = '';
	caret = 0;
	constructor(
		private readonly drafts: Drafts,
		private readonly field: 'title' | 'body' = 'body'
	) {
		this.value = drafts.text(ID, field) ?? '';
		drafts.watchText(ID, field, (value, delta) => {
			this.caret = delta ? mapIndex(this.caret, delta) : Math.min(this.caret, value.length);
			this.value = value;
		});
	}
	/** Type at the caret, as a keystroke would (then the input event binds it). */
	type(text: string) {
		this.value = this.value.slice(0, this.caret) + text + this.value.slice(this.caret);
		this.caret += text.length;
		return this.drafts.setText(ID, this.field, this.value, this.caret);
	}
	moveTo(caret: number) {
		this.caret = caret;
	}
}

describe('co-edited drafts', () => {
	it('two people typing at once into one draft: both keystrokes kept, both sides equal', () => {
		const { a, b, sync } = pair();
		a.create({ id: ID, createdBy: ADA, at: 1, body: 'Hello world' });
		sync();
		const ada = new Field(a);
		const bob = new Field(b);
		ada.moveTo(5);
		bob.moveTo(11);
		// Both type before either sees the other's text.
		for (const ch of ', dear') expect(ada.type(ch).ok).toBe(true);
		for (const ch of '!!') expect(bob.type(ch).ok).toBe(true);
		sync();
		expect(a.text(ID, 'body')).toBe('Hello, dear world!!');
		expect(b.text(ID, 'body')).toBe('Hello, dear world!!');
		// Each textarea shows the merge, and each caret is still where its owner was typing.
		expect(ada.value).toBe('Hello, dear world!!');
		expect(bob.value).toBe('Hello, dear world!!');
		expect(ada.caret).toBe(11);
		expect(bob.caret).toBe(19);
		// Typing on goes where the caret is.
		ada.type('est');
		sync();
		expect(b.text(ID, 'body')).toBe('Hello, dearest world!!');
	});

	it('a whole-value rewrite by one side does not erase the other’s concurrent typing', () => {
		const { a, b, sync } = pair();
		a.create({ id: ID, createdBy: ADA, at: 1, title: 'Plan' });
		sync();
		expect(a.setText(ID, 'title', 'Plan B', 6).ok).toBe(true);
		expect(b.setText(ID, 'title', 'Our Plan', 4).ok).toBe(true);
		sync();
		expect(a.text(ID, 'title')).toBe('Our Plan B');
		expect(b.text(ID, 'title')).toBe('Our Plan B');
	});

	it('watchers hear other people’s edits, not their own', () => {
		const { a, b, sync } = pair();
		a.create({ id: ID, createdBy: ADA, at: 1 });
		sync();
		const heard: [string, TextDelta | null][] = [];
		a.watchText(ID, 'body', (value, delta) => heard.push([value, delta]));
		a.setText(ID, 'body', 'mine', 4);
		expect(heard).toEqual([]);
		sync();
		b.setText(ID, 'body', 'mine, yours', 11);
		sync();
		expect(heard).toEqual([['mine, yours', [{ retain: 4 }, { insert: ', yours' }]]]);
	});

	it('edits past a post’s limits are refused with a clear message', () => {
		const { a } = pair();
		a.create({ id: ID, createdBy: ADA, at: 1 });
		const tooLong = a.setText(ID, 'title', 'x'.repeat(DRAFT_LIMITS.title + 1));
		expect(tooLong).toMatchObject({ ok: false, code: 'draft_too_large' });
		expect(a.text(ID, 'title')).toBe('');
		expect(a.setText('no-such-draft-000000', 'title', 'x')).toMatchObject({
			ok: false,
			code: 'draft_missing'
		});
	});

	it('published drafts say which post they became; removed ones are gone on both sides', () => {
		const { a, b, sync } = pair();
		a.create({ id: ID, createdBy: ADA, at: 1, title: 'T' });
		sync();
		b.markPublished(ID, 'f'.repeat(64));
		sync();
		expect(a.get(ID)?.publishedAs).toBe('f'.repeat(64));
		a.remove(ID);
		sync();
		expect(b.get(ID)).toBeNull();
		expect(b.list()).toEqual([]);
	});
});

describe('drafts from untrusted peers', () => {
	it('junk in the drafts map never throws and never shows as a usable draft', () => {
		const doc = new Y.Doc();
		const map = doc.getMap<unknown>(DRAFTS_MAP);
		const drafts = new Drafts(map);
		const notText = new Y.Map<unknown>();
		notText.set('title', 'a plain string');
		notText.set('body', new Y.Array());
		const oversized = new Y.Map<unknown>();
		oversized.set('title', new Y.Text('Big'));
		oversized.set('body', new Y.Text('x'.repeat(DRAFT_LIMITS.body + 1)));
		oversized.set('createdBy', '<script>alert(1)</script>');
		oversized.set('createdAt', 1.5);
		oversized.set('publishedAs', 'javascript:alert(1)');
		doc.transact(() => {
			map.set('string-value-0000000', 'not a draft');
			map.set('number-value-0000000', 42);
			map.set('bad id', new Y.Map());
			map.set('not-text-0000000000', notText);
			map.set('oversized-000000000', oversized);
		});
		const listed = drafts.list();
		expect(listed.map((d) => d.id).sort()).toEqual(['not-text-0000000000', 'oversized-000000000']);
		expect(drafts.get('not-text-0000000000')?.problem).toMatch(/damaged/);
		expect(drafts.get('oversized-000000000')).toMatchObject({
			problem: expect.stringMatching(/over the size/),
			createdBy: null,
			createdAt: null,
			publishedAs: null
		});
		expect(drafts.setText('oversized-000000000', 'title', 'Bigger')).toMatchObject({
			ok: false,
			code: 'draft_malformed'
		});
		expect(drafts.setText('not-text-0000000000', 'body', 'x').ok).toBe(false);
	});

	it('lists at most DRAFTS_LISTED_MAX drafts, newest first', () => {
		const doc = new Y.Doc();
		const drafts = new Drafts(doc.getMap(DRAFTS_MAP));
		for (let i = 0; i < 205; i++) {
			drafts.create({ id: `draft-${String(i).padStart(12, '0')}`, createdBy: ADA, at: i });
		}
		const listed = drafts.list();
		expect(listed).toHaveLength(200);
		expect(listed[0]!.createdAt).toBe(204);
	});
});
