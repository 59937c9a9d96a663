import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalDraft, parsePageDraft, parsePostDraft } from './local-drafts.svelte';

/** A Storage in memory, as localStorage behaves (strings in, strings out), optionally full. */
function memoryStorage(options: { full?: boolean } = {}): Storage & { data: Map<string, string> } {
	const data = new Map<string, string>();
	return {
		data,
		get length() {
			return data.size;
		},
		clear: () => data.clear(),
		getItem: (key) => data.get(key) ?? null,
		key: (i) => [...data.keys()][i] ?? null,
		removeItem: (key) => void data.delete(key),
		setItem: (key, value) => {
			if (options.full) throw new DOMException('full', 'QuotaExceededError');
			data.set(key, String(value));
		}
	};
}

const EMPTY = { title: '', body: '', tags: '' };
const typed = { title: 'Harbour', body: 'The harbour is open.', tags: 'news' };

const ADA = 'ad'.repeat(20);
const BOB = 'b0'.repeat(20);

const draftIn = (
	storage: Storage | null,
	target = 'post:new',
	pristine = EMPTY,
	author: string | null = ADA
) => new LocalDraft({ country: 'c1', author, target, pristine, parse: parsePostDraft, storage });

describe('LocalDraft', () => {
	afterEach(() => vi.useRealTimers());

	it('keeps typing after a pause, and a new editor restores it with the time', () => {
		vi.useFakeTimers({ now: 1_000 });
		const storage = memoryStorage();
		const first = draftIn(storage);
		expect(first.restore()).toBeNull();
		first.update(typed);
		expect(storage.data.size).toBe(0); // debounced
		vi.advanceTimersByTime(400);
		expect(storage.data.size).toBe(1);
		expect(draftIn(storage).restore()).toEqual({ value: typed, savedAt: 1_400 });
	});

	it('writes what is pending at once on flush (the page hides)', () => {
		const storage = memoryStorage();
		const draft = draftIn(storage);
		draft.update(typed);
		draft.flush();
		expect(draftIn(storage).restore()?.value).toEqual(typed);
	});

	it('is per country and per thing written', () => {
		const storage = memoryStorage();
		const draft = draftIn(storage, 'post:abc');
		draft.update(typed);
		draft.flush();
		expect(draftIn(storage, 'post:new').restore()).toBeNull();
		expect(
			new LocalDraft({
				country: 'c2',
				author: ADA,
				target: 'post:abc',
				pristine: EMPTY,
				parse: parsePostDraft,
				storage
			}).restore()
		).toBeNull();
		expect(draftIn(storage, 'post:abc').restore()?.value).toEqual(typed);
	});

	it('is per identity: another identity on the device is not offered the draft', () => {
		const storage = memoryStorage();
		const ada = draftIn(storage);
		ada.update(typed);
		ada.flush();
		expect(draftIn(storage, 'post:new', EMPTY, BOB).restore()).toBeNull();
		expect(draftIn(storage).restore()?.value).toEqual(typed);
	});

	it('a draft kept before drafts were per identity goes, once, to the first identity', () => {
		const storage = memoryStorage();
		const before = draftIn(storage, 'post:new', EMPTY, null);
		before.update(typed);
		before.flush();
		expect(draftIn(storage).restore()?.value).toEqual(typed);
		expect(draftIn(storage, 'post:new', EMPTY, BOB).restore()).toBeNull();
		expect(draftIn(storage).restore()?.value).toEqual(typed);
		expect(storage.data.size).toBe(1);
	});

	it('keeps nothing when the text is back where the editor started', () => {
		const storage = memoryStorage();
		const draft = draftIn(storage);
		draft.update(typed);
		draft.flush();
		draft.update(EMPTY);
		draft.flush();
		expect(storage.data.size).toBe(0);
		// An edit starts from the post's text: that text alone is no draft.
		const edit = draftIn(storage, 'post:abc', typed);
		edit.update(typed);
		edit.flush();
		expect(storage.data.size).toBe(0);
	});

	it('does not rewrite (nor re-date) a restored draft nobody changed', () => {
		vi.useFakeTimers({ now: 1_000 });
		const storage = memoryStorage();
		const first = draftIn(storage);
		first.update(typed);
		first.flush();
		vi.setSystemTime(50_000);
		const again = draftIn(storage);
		again.update(again.restore()!.value);
		again.flush();
		expect(draftIn(storage).restore()?.savedAt).toBe(1_000);
	});

	it('discard forgets the kept draft and what was pending (publish, or thrown away)', () => {
		vi.useFakeTimers();
		const storage = memoryStorage();
		const draft = draftIn(storage);
		draft.update(typed);
		draft.flush();
		expect(draft.restore()).not.toBeNull();
		draft.update({ ...typed, body: 'more' });
		draft.discard();
		vi.runAllTimers();
		draft.flush();
		expect(storage.data.size).toBe(0);
		expect(draft.restored).toBeNull();
	});

	it('says so when storage is full or blocked, and never throws', () => {
		const full = draftIn(memoryStorage({ full: true }));
		full.update(typed);
		full.flush();
		expect(full.failed).toBe(true);
		const none = draftIn(null);
		expect(none.restore()).toBeNull();
		none.update(typed);
		none.flush();
		expect(none.failed).toBe(true);
		expect(() => none.discard()).not.toThrow();
	});

	it.each([
		['not JSON', '{'],
		['JSON null', 'null'],
		['another version', JSON.stringify({ v: 2, savedAt: 1, value: typed })],
		['no time', JSON.stringify({ v: 1, value: typed })],
		[
			'a field of the wrong type',
			JSON.stringify({ v: 1, savedAt: 1, value: { ...typed, title: 7 } })
		],
		['a field missing', JSON.stringify({ v: 1, savedAt: 1, value: { title: 'x', body: '' } })],
		['an array', JSON.stringify({ v: 1, savedAt: 1, value: ['x'] })]
	])('a stored value that is not a draft (%s) restores nothing', (_name, text) => {
		const storage = memoryStorage();
		storage.data.set('webocracy:draft:c1:post:new', text);
		expect(draftIn(storage).restore()).toBeNull();
	});
});

describe('parsePageDraft', () => {
	it.each([
		['title and body', { title: 't', body: 'b' }, { title: 't', body: 'b' }],
		['with a slug', { title: 't', body: 'b', slug: 's' }, { title: 't', body: 'b', slug: 's' }],
		[
			'with parents',
			{ title: 't', body: 'b', parents: ['a', 'b'] },
			{ title: 't', body: 'b', parents: ['a', 'b'] }
		],
		['parents not strings', { title: 't', body: 'b', parents: [1] }, null],
		['parents not a list', { title: 't', body: 'b', parents: 'a' }, null],
		['too many parents', { title: 't', body: 'b', parents: Array(65).fill('a') }, null],
		['a slug not a string', { title: 't', body: 'b', slug: 3 }, null],
		['no body', { title: 't' }, null],
		['a text too long', { title: 'x'.repeat(1_000_001), body: '' }, null],
		['null', null, null]
	])('%s', (_name, value, expected) => {
		expect(parsePageDraft(value)).toEqual(expected);
	});
});
