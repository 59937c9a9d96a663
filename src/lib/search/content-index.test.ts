import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyRecord, CountryView, Verified } from '$lib/model';
import { person, verified } from '$lib/model/fixtures/records';
import { postRecord } from '$lib/model/fixtures/posts';
import {
	messageRecord,
	openCountry,
	pageRecord,
	retractionRecord,
	threadRecord
} from '$lib/model/fixtures/content';
import { ContentIndex, type SearchSources } from './content-index';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const c = openCountry(founder, [alice, bob]);

const post = (by = alice, at = 10, title = 'A post', body = 'Some text.', tags: string[] = []) =>
	verified(postRecord(c.id, { by, at, title, body, tags }));
const edit = (of: { id: string }, at: number, title: string, body = 'Edited text.', by = alice) =>
	verified(postRecord(c.id, { by, at, title, body, replaces: of.id }));
const page = (
	at: number,
	options: { slug?: string; title?: string; body?: string; replaces?: { id: string }[] } = {}
) => verified(pageRecord(c.id, { by: bob, at, ...options }));

/** Sources as the app hands them over: a derived public view, maybe a citizens' view. */
function sources(
	publicRecords: Verified[],
	citizenRecords: Verified[] | null = null
): SearchSources {
	const view: CountryView = c.derive(...publicRecords);
	return {
		public: view,
		citizens: citizenRecords ? c.derive(...citizenRecords) : null,
		names: view.citizenByKey
	};
}

const ids = (index: ContentIndex, query: string) => index.search(query).hits.map((h) => h.id);

describe('indexing', () => {
	const first = post(
		alice,
		10,
		'Harvest festival',
		'We meet at the **old mill** on [the hill](https://example.org/secretpath).',
		['autumn-fair']
	);
	const index = new ContentIndex();
	index.update(sources([first]));

	it.each([
		['a title word', 'harvest'],
		['a body word inside Markdown emphasis', 'mill'],
		['a link text', 'hill'],
		['a tag word', 'autumn'],
		["the author's name", 'alice'],
		['a prefix', 'festi'],
		['a prefix of the last word typed', 'mill harv'],
		['a word with one typo', 'festivl'],
		['all words of a query', 'harvest mill']
	])('finds a post by %s (%j)', (_what, query) => {
		expect(ids(index, query)).toEqual([`post:${first.id}`]);
	});

	it.each([
		['a link target', 'secretpath'],
		['Markdown syntax', '**'],
		['a word the post lacks', 'harvest tractor'],
		['a prefix of a word before the last', 'harv mill'],
		['a prefix under three letters', 'ha'],
		['a short word with a typo (no fuzzy under five letters)', 'hull'],
		['an empty query', '   ']
	])('does not find it by %s (%j)', (_what, query) => {
		expect(ids(index, query)).toEqual([]);
	});

	it('gives a result its kind, target, highlighted title and excerpt', () => {
		const [hit] = index.search('harvest mill').hits;
		expect(hit).toMatchObject({
			kind: 'post',
			target: first.id,
			title: 'Harvest festival',
			author: 'alice',
			titleHtml: '<mark>Harvest</mark> festival',
			excerptHtml: 'We meet at the old <mark>mill</mark> on the hill.'
		});
	});

	it('indexes shared pages by their slug and current revision', () => {
		const about = page(20, {
			slug: 'about',
			title: 'About our republic',
			body: 'Founded by friends.'
		});
		const pages = new ContentIndex();
		pages.update(sources([about]));
		expect(pages.search('republic').hits).toMatchObject([
			{ id: 'page:about', kind: 'page', target: 'about', author: 'bob' }
		]);
	});
});

describe('incremental updates', () => {
	it('an edit replaces the post: the old words are gone, the new ones found', () => {
		const original = post(alice, 10, 'Bicycle lanes', 'Paint them green.');
		const others = Array.from({ length: 30 }, (_, i) => post(bob, 100 + i, `Other ${i}`));
		const index = new ContentIndex();
		index.update(sources([original, ...others]));
		expect(index.counts).toEqual({ added: 31, replaced: 0, removed: 0 });

		const edited = edit(original, 20, 'Tram lines', 'Lay rails downtown.');
		expect(index.update(sources([original, edited, ...others]))).toBe(true);
		expect(index.counts).toEqual({ added: 31, replaced: 1, removed: 0 });
		expect(index.size).toBe(31);
		expect(ids(index, 'bicycle')).toEqual([]);
		expect(ids(index, 'green')).toEqual([]);
		expect(ids(index, 'tram rails')).toEqual([`post:${original.id}`]);
	});

	it('a retraction removes the post with all its revisions', () => {
		const original = post(alice, 10, 'Secret ballot');
		const edited = edit(original, 20, 'Secret ballot, revised');
		const index = new ContentIndex();
		index.update(sources([original, edited]));
		expect(ids(index, 'ballot')).toEqual([`post:${original.id}`]);

		const retraction = verified(retractionRecord(c.id, { by: alice, at: 30, post: edited }));
		expect(index.update(sources([original, edited, retraction]))).toBe(true);
		expect(ids(index, 'ballot')).toEqual([]);
		expect(index.size).toBe(0);
		expect(index.counts.removed).toBe(1);
	});

	it('a new head of a page replaces it; two heads show the newest; a merge replaces again', () => {
		const v1 = page(10, { title: 'Rules', body: 'Be kind.' });
		const index = new ContentIndex();
		index.update(sources([v1]));
		const v2 = page(20, { title: 'Rules', body: 'Be patient.', replaces: [v1] });
		index.update(sources([v1, v2]));
		expect(ids(index, 'kind')).toEqual([]);
		expect(ids(index, 'patient')).toEqual(['page:about']);

		const rival = page(21, { title: 'Rules', body: 'Be brave.', replaces: [v1] });
		index.update(sources([v1, v2, rival]));
		expect(ids(index, 'brave')).toEqual(['page:about']);
		expect(ids(index, 'patient')).toEqual([]);

		const merge = page(30, {
			title: 'Rules',
			body: 'Be patient and brave.',
			replaces: [v2, rival]
		});
		index.update(sources([v1, v2, rival, merge]));
		expect(ids(index, 'patient brave')).toEqual(['page:about']);
		expect(index.size).toBe(1);
		expect(index.counts).toEqual({ added: 1, replaced: 3, removed: 0 });
	});

	it('a large build can run in slices, searchable as it goes, ending as one update would', () => {
		const posts = Array.from({ length: 30 }, (_, i) => post(alice, i + 10, `Lantern ${i}`));
		const sliced = new ContentIndex();
		expect(sliced.plan(sources(posts))).toBe(true);
		expect(sliced.pending).toBe(30);
		expect(sliced.work(0)).toBe(true);
		expect(sliced.pending).toBe(29);
		expect(sliced.search('lantern').total).toBe(1);
		// A new snapshot while the build is under way: its edit is planned on top.
		const edited = edit(posts[0]!, 50, 'Candle');
		sliced.plan(sources([...posts, edited]));
		while (sliced.pending > 0) sliced.work(0);
		const once = new ContentIndex();
		once.update(sources([...posts, edited]));
		for (const query of ['lantern', 'candle', 'edited', 'alice']) {
			expect(sliced.search(query)).toEqual(once.search(query));
		}
	});

	it('records that change no document cost nothing', () => {
		const one = post(alice, 10, 'Water');
		const index = new ContentIndex();
		index.update(sources([one]));
		const ownThread = verified(threadRecord(c.id, { by: bob, at: 11 }));
		// Same records, a new view: nothing to do.
		expect(index.update(sources([one]))).toBe(false);
		// A thread in the public view is not content of the public parts.
		expect(index.update(sources([one, ownThread]))).toBe(false);
		expect(index.counts).toEqual({ added: 1, replaced: 0, removed: 0 });
	});

	it("a citizen's new name re-indexes their documents under it", () => {
		const one = post(alice, 10, 'Water');
		const index = new ContentIndex();
		const before = sources([one]);
		index.update(before);
		const renamed = new Map(before.names);
		renamed.set(alice.fingerprint, { ...renamed.get(alice.fingerprint)!, name: 'Alicia' });
		index.update({ ...before, names: renamed });
		expect(ids(index, 'alicia')).toEqual([`post:${one.id}`]);
		expect(ids(index, 'alice')).toEqual([]);
	});
});

describe("the citizens' area", () => {
	const budget = verified(
		threadRecord(c.id, {
			by: alice,
			at: 10,
			title: 'Budget for the library',
			body: 'How much for books?'
		})
	);
	const reply = verified(
		messageRecord(c.id, { by: bob, at: 11, thread: budget, body: 'Enough for **encyclopedias**.' })
	);
	const answer = verified(
		messageRecord(c.id, {
			by: alice,
			at: 12,
			thread: budget,
			body: 'Agreed, encyclopedias first.',
			replyTo: reply
		})
	);
	const roads = verified(threadRecord(c.id, { by: bob, at: 13, title: 'Roads', body: '' }));

	it('indexes threads and each of their messages, linked to the thread', () => {
		const index = new ContentIndex();
		index.update(sources([], [budget, reply, answer, roads]));
		expect(index.search('library').hits).toMatchObject([
			{
				id: `thread:${budget.id}`,
				kind: 'thread',
				target: budget.id,
				title: 'Budget for the library'
			}
		]);
		const hits = index.search('encyclopedias').hits;
		expect(hits.map((h) => h.id).sort()).toEqual(
			[`message:${answer.id}`, `message:${reply.id}`].sort()
		);
		for (const hit of hits) {
			expect(hit).toMatchObject({
				kind: 'message',
				target: budget.id,
				title: 'Budget for the library'
			});
			expect(hit.excerptHtml).toContain('<mark>encyclopedias</mark>');
		}
		expect(ids(index, 'roads')).toEqual([`thread:${roads.id}`]);
	});

	it('a message arriving later is added alone', () => {
		const index = new ContentIndex();
		index.update(sources([], [budget, reply]));
		index.update(sources([], [budget, reply, answer]));
		expect(index.counts).toEqual({ added: 3, replaced: 0, removed: 0 });
		expect(ids(index, 'agreed')).toEqual([`message:${answer.id}`]);
	});

	it('are not searchable by someone who is not a citizen, and leave when citizenship does', () => {
		const index = new ContentIndex();
		index.update(sources([]));
		expect(ids(index, 'library')).toEqual([]);
		index.update(sources([], [budget, reply]));
		expect(ids(index, 'library')).toHaveLength(1);
		index.update(sources([]));
		expect(ids(index, 'library')).toEqual([]);
		expect(index.size).toBe(0);
	});
});

describe('ranking', () => {
	it('a word in the title ranks above the same word in a body', () => {
		const inBody = post(alice, 10, 'Weekly notes', 'We discussed the harbour and more.');
		const inTitle = post(bob, 5, 'The harbour', 'Boats and nets and more things.');
		const index = new ContentIndex();
		index.update(sources([inBody, inTitle]));
		expect(ids(index, 'harbour')).toEqual([`post:${inTitle.id}`, `post:${inBody.id}`]);
	});

	it('an exact word ranks above a prefix or a typo', () => {
		const exact = post(alice, 10, 'Solar');
		const prefix = post(alice, 11, 'Solarpunk');
		const typo = post(alice, 12, 'Polar');
		const index = new ContentIndex();
		index.update(sources([exact, prefix, typo]));
		expect(ids(index, 'solar')[0]).toBe(`post:${exact.id}`);
	});

	it('equal scores put the newest first', () => {
		const older = post(alice, 10, 'Market day');
		const newer = post(bob, 20, 'Market day');
		const index = new ContentIndex();
		index.update(sources([older, newer]));
		expect(ids(index, 'market')).toEqual([`post:${newer.id}`, `post:${older.id}`]);
	});

	it('returns at most the limit, with the total count', () => {
		const posts = Array.from({ length: 30 }, (_, i) => post(alice, i + 10, `Lantern ${i}`));
		const index = new ContentIndex();
		index.update(sources(posts));
		const answer = index.search('lantern', 5);
		expect(answer.hits).toHaveLength(5);
		expect(answer.total).toBe(30);
	});
});

describe('XSS payloads in every field come out as text', () => {
	const payloads = [
		'<script>alert(1)</script>',
		'<img src=x onerror=alert(1)>',
		'"><svg onload=alert(1)>',
		"javascript:alert('x')",
		'<a href="javascript:alert(1)">click</a>'
	];

	it.each(payloads)('%s', (payload) => {
		const p = verified(
			postRecord(c.id, {
				by: alice,
				at: 10,
				title: `Alert ${payload}`,
				body: `alert ${payload}`,
				tags: ['alert']
			})
		);
		const index = new ContentIndex();
		index.update(sources([p]));
		const [hit] = index.search('alert').hits;
		expect(hit).toBeDefined();
		for (const html of [hit!.titleHtml, hit!.excerptHtml, hit!.authorHtml]) {
			expect(html.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
		}
		expect(hit!.titleHtml).toContain('<mark>Alert</mark>');
	});
});

describe('arrival order', () => {
	// A country's worth of content: posts with edits and a retraction, a page with two heads
	// and a merge, threads with messages. Arriving in any order, in any batches, the index
	// answers every query as an index built once from everything.
	const p1 = post(alice, 10, 'Harvest festival', 'Apples and pears at the mill.', ['autumn']);
	const p1e = edit(p1, 20, 'Harvest festival moved', 'Apples at the old mill, on Sunday.');
	const p2 = post(bob, 11, 'Mill repairs', 'The wheel needs new paddles.', ['mill']);
	const p3 = post(founder, 12, 'Welcome', 'Welcome to the republic of apples.');
	const p3r = verified(retractionRecord(c.id, { by: founder, at: 30, post: p3 }));
	const a1 = page(10, { title: 'About', body: 'A republic of orchards.' });
	const a2 = page(20, { title: 'About us', body: 'A republic of mills.', replaces: [a1] });
	const a3 = page(21, { title: 'About', body: 'A republic of apples.', replaces: [a1] });
	const a4 = page(30, {
		title: 'About',
		body: 'A republic of apples and mills.',
		replaces: [a2, a3]
	});
	const t1 = verified(
		threadRecord(c.id, { by: alice, at: 10, title: 'Mill budget', body: 'Paddles cost money.' })
	);
	const m1 = verified(
		messageRecord(c.id, { by: bob, at: 11, thread: t1, body: 'Apples pay for paddles.' })
	);
	const m2 = verified(
		messageRecord(c.id, { by: alice, at: 12, thread: t1, body: 'Sunday market then.', replyTo: m1 })
	);
	const publicRecords: Verified[] = [p1, p1e, p2, p3, p3r, a1, a2, a3, a4];
	const citizenRecords: Verified[] = [t1, m1, m2];
	const queries = [
		'apples',
		'mill',
		'paddles',
		'sunday',
		'republic',
		'autumn',
		'alice',
		'harv',
		'apples mill',
		'festival',
		'xyz'
	];

	const answers = (index: ContentIndex) =>
		queries.map((q) =>
			index.search(q).hits.map((h) => [h.id, h.score.toFixed(9), h.titleHtml, h.excerptHtml])
		);

	const fresh = new ContentIndex();
	fresh.update(sources(publicRecords, citizenRecords));
	const expected = answers(fresh);

	it('the reference index finds what it should', () => {
		expect(ids(fresh, 'harvest')).toEqual([`post:${p1.id}`]);
		expect(ids(fresh, 'welcome')).toEqual([]);
		expect(ids(fresh, 'orchards')).toEqual([]);
		expect(ids(fresh, 'paddles').length).toBe(3);
	});

	const all: { record: Verified; citizens: boolean }[] = [
		...publicRecords.map((record) => ({ record, citizens: false })),
		...citizenRecords.map((record) => ({ record, citizens: true }))
	];

	it('is the same for any arrival order and batching', () => {
		fc.assert(
			fc.property(
				fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
				fc.array(fc.integer({ min: 1, max: 4 }), { minLength: all.length, maxLength: all.length }),
				(order, batches) => {
					const index = new ContentIndex();
					const arrived: typeof all = [];
					let i = 0;
					for (const size of batches) {
						if (i >= order.length) break;
						arrived.push(...order.slice(i, i + size));
						i += size;
						const pick = (citizens: boolean): Verified[] =>
							arrived
								.filter((a) => a.citizens === citizens)
								.map((a) => a.record as Verified<AnyRecord>);
						index.update(sources(pick(false), pick(true)));
					}
					expect(answers(index)).toEqual(expected);
				}
			),
			{ numRuns: 150, seed: 20261123 }
		);
	});
});
