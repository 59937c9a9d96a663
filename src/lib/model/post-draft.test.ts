/** The post editor's checks: clear messages per field, and nothing passes that peers refuse. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postsOf } from './content';
import { openCountry, retractionRecord } from './fixtures/content';
import { postRecord } from './fixtures/posts';
import { person, verified } from './fixtures/records';
import { POST_BODY_MAX, POST_TITLE_MAX } from './kinds/post';
import { blogsOf, checkPostDraft, splitTags, type PostDraft } from './post-draft';
import { checkRecord, MAX_RECORD_BYTES } from './record';

const alice = person('alice');
const bob = person('bob');
const founder = person('founder');
const c = openCountry(founder, [alice, bob]);
const context = { country: c.id, author: alice.fingerprint, at: 1000, replaces: null };
const draft = (d: Partial<PostDraft>): PostDraft => ({ title: 'Hello', body: '', tags: '', ...d });
const problemsOf = (d: Partial<PostDraft>) => {
	const checked = checkPostDraft(draft(d), context);
	return checked.ok ? [] : checked.problems;
};

describe('splitTags', () => {
	it.each([
		['', []],
		['news', ['news']],
		[' news , art ,, ', ['news', 'art']],
		['news,art，sport、music', ['news', 'art', 'sport', 'music']],
		['two words', ['two words']]
	])('%j → %j', (text, tags) => {
		expect(splitTags(text)).toEqual(tags);
	});
});

describe('checkPostDraft', () => {
	it('a good draft gives the normalised post record and its id', () => {
		const checked = checkPostDraft(
			draft({ title: '  Cafe\u0301 news ', body: 'Some *text*', tags: 'News, art, news' }),
			context
		);
		expect(checked.ok).toBe(true);
		if (!checked.ok) return;
		expect(checked.record.body).toEqual({
			title: 'Café news',
			body: 'Some *text*',
			tags: ['news', 'art'],
			replaces: null
		});
		expect(checked.id).toMatch(/^[0-9a-f]{64}$/);
		expect(checkRecord(checked.record).ok).toBe(true);
	});

	it('an edit names the revision it replaces', () => {
		const replaces = 'a'.repeat(64);
		const checked = checkPostDraft(draft({}), { ...context, replaces });
		expect(checked.ok && checked.record.body.replaces).toBe(replaces);
	});

	it('an empty or blank title asks for one', () => {
		for (const title of ['', '   ', '\u00a0']) {
			expect(problemsOf({ title })).toEqual([
				{ field: 'title', message: 'Give the post a title.' }
			]);
		}
	});

	it('a title over the limit says how long it is and what fits', () => {
		expect(problemsOf({ title: 'x'.repeat(POST_TITLE_MAX) })).toEqual([]);
		expect(problemsOf({ title: 'x'.repeat(POST_TITLE_MAX + 1) })).toEqual([
			{ field: 'title', message: 'The title is 201 characters long; at most 200 fit.' }
		]);
	});

	it('a title with a control character is refused on the title', () => {
		const [problem] = problemsOf({ title: 'a\u0007b' });
		expect(problem?.field).toBe('title');
		expect(problem?.message).toContain('control characters');
	});

	it('a body over the limit says how long it is and what fits', () => {
		expect(problemsOf({ body: 'x'.repeat(POST_BODY_MAX) })).toEqual([]);
		expect(problemsOf({ body: 'x'.repeat(POST_BODY_MAX + 1) })).toEqual([
			{
				field: 'body',
				message:
					'The text is 200 001 characters long; at most 200 000 fit. Shorten it or split it into several posts.'
			}
		]);
	});

	it('a body within the character limit but over 256 KiB of UTF-8 is refused on the body', () => {
		const body = 'é'.repeat(POST_BODY_MAX); // 400 000 bytes
		expect(new TextEncoder().encode(body).length).toBeGreaterThan(MAX_RECORD_BYTES);
		const [problem] = problemsOf({ body });
		expect(problem?.field).toBe('body');
		expect(problem?.message).toContain('must fit in 256 KiB');
	});

	it('bad tags are named, with what a tag may be', () => {
		expect(problemsOf({ tags: 'news, two words, -dash, <script>' })).toEqual([
			{
				field: 'tags',
				message:
					'These are not tags: “two words”, “-dash”, “<script>”. A tag is 1–32 lowercase letters, digits or “-”, with no spaces, not starting with “-”; separate tags with commas.'
			}
		]);
		expect(problemsOf({ tags: 'a_b' })[0]?.message).toMatch(/^This is not a tag: “a_b”\./);
		expect(problemsOf({ tags: 'x'.repeat(33) })[0]?.field).toBe('tags');
		// Capitals are lowered, as makePost does, and are fine.
		expect(problemsOf({ tags: 'News, ÉTÉ, 2026' })).toEqual([]);
	});

	it('more than 10 tags are refused; repeats count once', () => {
		const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`).join(',');
		expect(problemsOf({ tags: eleven })).toEqual([
			{ field: 'tags', message: 'At most 10 tags; this has 11.' }
		]);
		expect(problemsOf({ tags: `${eleven.replace(',t10', '')},T1,t1` })).toEqual([]);
	});

	it('reports each field’s problem, in field order', () => {
		expect(
			problemsOf({ title: '', body: 'x'.repeat(POST_BODY_MAX + 1), tags: 'A B' }).map(
				(p) => p.field
			)
		).toEqual(['title', 'body', 'tags']);
	});

	it('anything it accepts is a record every peer accepts (property)', () => {
		const text = fc.string({ unit: 'binary', maxLength: 40 });
		fc.assert(
			fc.property(text, text, text, (title, body, tags) => {
				const checked = checkPostDraft({ title, body, tags }, context);
				if (checked.ok) expect(checkRecord(checked.record).ok).toBe(true);
				else expect(checked.problems.length).toBeGreaterThan(0);
			}),
			{ seed: 0x7a9, numRuns: 200 }
		);
	});
});

describe('blogsOf', () => {
	it('lists every citizen in order of admission with their count of unretracted posts', () => {
		const a1 = verified(postRecord(c.id, { by: alice, at: 10 }));
		const a2 = verified(postRecord(c.id, { by: alice, at: 11 }));
		const a2edit = verified(postRecord(c.id, { by: alice, at: 12, replaces: a2.id }));
		const b1 = verified(postRecord(c.id, { by: bob, at: 13 }));
		const gone = verified(retractionRecord(c.id, { by: bob, at: 14, post: b1 }));
		const view = c.derive(a1, a2, a2edit, b1, gone);
		expect(blogsOf(view, postsOf(view)).map((b) => [b.citizen.fingerprint, b.posts])).toEqual([
			[founder.fingerprint, 0],
			[alice.fingerprint, 2],
			[bob.fingerprint, 0]
		]);
	});
});
