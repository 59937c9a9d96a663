/** Content derivations (docs/records.md, "Content"): posts, latest, tags, pages, threads. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	latestPosts,
	mergeBase,
	mergeDraft,
	messagesOf,
	pagesOf,
	postsByAuthor,
	postsOf,
	tagIndex,
	threadsOf,
	type BlogPost,
	type ContentSource
} from './content';
import type { CountryView } from './country';
import type { RecordOf } from './record';
import type { Verified } from './verified';
import { person, verified, type Person } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import {
	messageRecord,
	openCountry,
	pageRecord,
	retractionRecord,
	threadRecord
} from './fixtures/content';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const mallory = person('mallory');

type Post = Verified<RecordOf<'post'>>;
type Page = Verified<RecordOf<'page'>>;

const c = openCountry(founder, [alice, bob]);
const post = (
	by: Person,
	at: number,
	options: { title?: string; tags?: string[]; replaces?: { id: string } } = {}
): Post =>
	verified(
		postRecord(c.id, {
			by,
			at,
			title: options.title ?? `post ${at}`,
			tags: options.tags,
			replaces: options.replaces?.id ?? null
		})
	);
const retract = (by: Person, at: number, target: { id: string }) =>
	verified(retractionRecord(c.id, { by, at, post: target }));
const page = (
	by: Person,
	at: number,
	options: { slug?: string; title?: string; body?: string; replaces?: { id: string }[] } = {}
): Page => verified(pageRecord(c.id, { by, at, ...options }));
/** Two records with the same `at`, ordered by id: [smaller, larger]. */
const byId = <T extends { id: string }>(a: T, b: T): [T, T] => (a.id < b.id ? [a, b] : [b, a]);
const ids = (list: readonly { id: string }[]) => list.map((x) => x.id);

describe('postsOf: a post and its revisions', () => {
	it('a new post is its own first and current revision', () => {
		const p = post(alice, 10, { title: 'Hello', tags: ['news'] });
		const [only] = postsOf(c.derive(p));
		expect(only).toEqual({
			id: p.id,
			author: alice.fingerprint,
			publishedAt: 10,
			updatedAt: 10,
			current: {
				id: p.id,
				author: alice.fingerprint,
				at: 10,
				title: 'Hello',
				body: p.record.body.body,
				tags: ['news'],
				replaces: null
			},
			heads: [only!.current],
			revisions: [only!.current]
		});
	});

	it('an edited post keeps the id and time of its first revision and shows the latest edit', () => {
		const p = post(alice, 10, { title: 'v1' });
		const e1 = post(alice, 11, { title: 'v2', replaces: p });
		const e2 = post(alice, 12, { title: 'v3', replaces: e1 });
		const [only] = postsOf(c.derive(e2, p, e1));
		expect(only).toMatchObject({ id: p.id, publishedAt: 10, updatedAt: 12 });
		expect(only!.current).toMatchObject({ id: e2.id, title: 'v3', replaces: e1.id });
		expect(ids(only!.revisions)).toEqual(ids([e2, e1, p]));
		expect(ids(only!.heads)).toEqual([e2.id]);
	});

	it('of two edits of the same revision, the later by (at, id) is current; both are heads', () => {
		const p = post(alice, 10);
		const later = post(alice, 12, { title: 'later', replaces: p });
		const earlier = post(alice, 11, { title: 'earlier', replaces: p });
		const [only] = postsOf(c.derive(p, later, earlier));
		expect(only!.current.id).toBe(later.id);
		expect(ids(only!.heads)).toEqual(ids([later, earlier]));
	});

	it('of two edits at the same time, the larger id is current', () => {
		const p = post(alice, 10);
		const [small, large] = byId(
			post(alice, 11, { title: 'one', replaces: p }),
			post(alice, 11, { title: 'two', replaces: p })
		);
		const [only] = postsOf(c.derive(small, p, large));
		expect(only!.current.id).toBe(large.id);
	});

	it('an edit replaces its parent even when the author’s clock put it earlier', () => {
		const p = post(alice, 10);
		const edit = post(alice, 5, { title: 'fixed', replaces: p });
		const [only] = postsOf(c.derive(p, edit));
		expect(only!.current.id).toBe(edit.id);
		expect(only!.publishedAt).toBe(10);
	});

	it('a forbidden edit is not a revision: the post is unchanged', () => {
		const p = post(alice, 10, { title: 'mine' });
		const hijack = post(bob, 11, { title: 'hijacked', replaces: p });
		const [only, ...others] = postsOf(c.derive(p, hijack));
		expect(others).toEqual([]);
		expect(only!.current.title).toBe('mine');
		expect(ids(only!.revisions)).toEqual([p.id]);
	});

	it('the tags are those of the current revision', () => {
		const p = post(alice, 10, { tags: ['draft', 'news'] });
		const edit = post(alice, 11, { tags: ['news', 'sport'], replaces: p });
		expect(postsOf(c.derive(p, edit))[0]!.current.tags).toEqual(['news', 'sport']);
	});

	it('lists posts newest first by first publication, then by id', () => {
		const old = post(alice, 10);
		const edited = post(alice, 30, { replaces: old });
		const [small, large] = byId(post(bob, 20, { title: 'a' }), post(alice, 20, { title: 'b' }));
		expect(ids(postsOf(c.derive(old, edited, small, large)))).toEqual(ids([large, small, old]));
	});

	it('reads a view or its map of valid records alike', () => {
		const view = c.derive(post(alice, 10), post(bob, 11));
		expect(postsOf(view.valid)).toEqual(postsOf(view));
	});
});

describe('postsOf: retraction (R28)', () => {
	const p = post(alice, 10);
	const edit = post(alice, 11, { replaces: p });
	const other = post(bob, 12);

	it('a retracted post leaves every view, but its records stay valid', () => {
		const retraction = retract(alice, 20, p);
		const view = c.derive(p, edit, other, retraction);
		expect(ids(postsOf(view))).toEqual([other.id]);
		expect([p, edit, retraction].every((r) => view.valid.has(r.id))).toBe(true);
	});

	it('retracting any revision retracts the whole post, edits after it included', () => {
		const later = post(alice, 30, { replaces: edit });
		const view = c.derive(p, edit, later, other, retract(alice, 20, edit));
		expect(ids(postsOf(view))).toEqual([other.id]);
	});

	it('a retraction by someone else retracts nothing', () => {
		expect(ids(postsOf(c.derive(p, other, retract(bob, 20, p))))).toEqual(ids([other, p]));
	});
});

describe('latestPosts', () => {
	const many = Array.from({ length: 25 }, (_, i) => post(i % 2 ? alice : bob, 100 + i));

	it('gives the 20 most recently published posts, newest first', () => {
		const latest = latestPosts(c.derive(...many));
		expect(ids(latest)).toEqual(ids(many.slice(5).reverse()));
	});

	it('takes n, and n = 0 gives none', () => {
		const view = c.derive(...many);
		expect(ids(latestPosts(view, 3))).toEqual(ids(many.slice(22).reverse()));
		expect(latestPosts(view, 0)).toEqual([]);
		expect(latestPosts(view, 100)).toHaveLength(25);
	});

	it('an edit does not bring an old post back to the top, but its new content shows', () => {
		const old = many[0]!;
		const edit = post(bob, 500, { title: 'updated', replaces: old });
		const latest = latestPosts(c.derive(...many, edit), 25);
		expect(latest.at(-1)!.id).toBe(old.id);
		expect(latest.at(-1)!.current.title).toBe('updated');
	});

	it('breaks ties in time by id, larger first', () => {
		const [small, large] = byId(post(alice, 7, { title: 'x' }), post(bob, 7, { title: 'y' }));
		expect(ids(latestPosts(c.derive(small, large)))).toEqual(ids([large, small]));
	});

	it('takes the result of postsOf so the posts are derived once', () => {
		const view = c.derive(...many);
		expect(latestPosts(postsOf(view), 5)).toEqual(latestPosts(view, 5));
	});
});

describe('tagIndex and postsByAuthor', () => {
	const a = post(alice, 10, { tags: ['sport', 'news'] });
	const b = post(bob, 11, { tags: ['news'] });
	const edited = post(alice, 12, { tags: ['old'] });
	const retagged = post(alice, 13, { tags: ['économie'], replaces: edited });
	const gone = post(bob, 14, { tags: ['news', 'gone'] });
	const view = c.derive(a, b, edited, retagged, gone, retract(bob, 20, gone));

	it('maps each tag, in order, to the posts whose current revision has it, newest first', () => {
		const index = tagIndex(view);
		expect([...index.keys()]).toEqual(['news', 'sport', 'économie']);
		expect(ids(index.get('news')!)).toEqual(ids([b, a]));
		expect(ids(index.get('sport')!)).toEqual([a.id]);
		expect(ids(index.get('économie')!)).toEqual([edited.id]);
		expect(index.has('old')).toBe(false); // an older revision's tag
		expect(index.has('gone')).toBe(false); // a retracted post
	});

	it('lists one citizen’s posts, newest first', () => {
		expect(ids(postsByAuthor(view, alice.fingerprint))).toEqual(ids([edited, a]));
		expect(ids(postsByAuthor(view, bob.fingerprint))).toEqual([b.id]);
		expect(postsByAuthor(view, mallory.fingerprint)).toEqual([]);
	});
});

describe('pagesOf: heads, current revision, history', () => {
	it('a page with one revision has it as its current revision and only head', () => {
		const first = page(alice, 10, { slug: 'about', body: 'Hello' });
		const about = pagesOf(c.derive(first)).get('about')!;
		expect(about.current).toEqual({
			id: first.id,
			author: alice.fingerprint,
			at: 10,
			slug: 'about',
			title: first.record.body.title,
			body: 'Hello',
			replaces: []
		});
		expect(about.heads).toEqual([about.current]);
		expect(about.history).toEqual([about.current]);
	});

	it('an edit becomes current; history lists every revision newest first, with authors', () => {
		const first = page(alice, 10);
		const edit = page(bob, 11, { replaces: [first] });
		const about = pagesOf(c.derive(edit, first)).get('about')!;
		expect(about.current!.id).toBe(edit.id);
		expect(about.history.map((r) => [r.id, r.author])).toEqual([
			[edit.id, bob.fingerprint],
			[first.id, alice.fingerprint]
		]);
	});

	it('two concurrent edits make two heads and no current revision; a merge makes one', () => {
		const first = page(alice, 10);
		const a = page(alice, 11, { body: 'one way', replaces: [first] });
		const b = page(bob, 12, { body: 'another', replaces: [first] });
		const split = pagesOf(c.derive(first, a, b)).get('about')!;
		expect(split.current).toBeNull();
		expect(ids(split.heads)).toEqual(ids([b, a]));
		const merge = page(founder, 13, { body: 'both', replaces: [a, b] });
		const merged = pagesOf(c.derive(first, a, b, merge)).get('about')!;
		expect(merged.current!.id).toBe(merge.id);
		expect(ids(merged.heads)).toEqual([merge.id]);
		expect(merged.history).toHaveLength(4);
	});

	it('two first revisions of one slug are two heads', () => {
		const one = page(alice, 10);
		const two = page(bob, 10);
		const about = pagesOf(c.derive(one, two)).get('about')!;
		expect(about.current).toBeNull();
		expect(ids(about.heads)).toEqual(ids(byId(one, two).reverse()));
	});

	it('a revert is a new revision with old content: it becomes current', () => {
		const good = page(alice, 10, { body: 'good' });
		const vandal = page(bob, 11, { body: 'vandalised', replaces: [good] });
		const revert = page(alice, 12, { body: 'good', replaces: [vandal] });
		const about = pagesOf(c.derive(good, vandal, revert)).get('about')!;
		expect(about.current).toMatchObject({ id: revert.id, body: 'good' });
	});

	it('an edit dated before its parent still replaces it', () => {
		const first = page(alice, 10);
		const edit = page(bob, 5, { replaces: [first] });
		expect(pagesOf(c.derive(first, edit)).get('about')!.current!.id).toBe(edit.id);
	});

	it('lists pages by slug; rejected revisions are in no page', () => {
		const rules = page(alice, 10, { slug: 'rules' });
		const about = page(alice, 11, { slug: 'about' });
		const foreign = page(bob, 12, { slug: 'about', replaces: [rules] }); // R27
		const byOutsider = page(mallory, 13, { slug: 'faq' }); // R9
		const pages = pagesOf(c.derive(rules, about, foreign, byOutsider));
		expect([...pages.keys()]).toEqual(['about', 'rules']);
		expect(ids(pages.get('about')!.history)).toEqual([about.id]);
		expect(pages.get('rules')!.current!.id).toBe(rules.id);
	});
});

describe('mergeBase and mergeDraft: joining a page’s versions', () => {
	const about = (...records: Page[]) => pagesOf(c.derive(...records)).get('about')!;
	const label = (r: { author: string }) => (r.author === alice.fingerprint ? 'Alice' : 'Bob');
	const text = 'one\ntwo\nthree\nfour\nfive';
	const first = page(alice, 10, { title: 'About', body: text });

	it('two edits of one revision merge from it: both changes kept, no conflict', () => {
		const a = page(alice, 11, {
			title: 'About',
			body: text.replace('one', 'ONE'),
			replaces: [first]
		});
		const b = page(bob, 12, {
			title: 'About',
			body: text.replace('five', 'FIVE'),
			replaces: [first]
		});
		const split = about(first, a, b);
		expect(mergeBase(split)!.id).toBe(first.id);
		expect(mergeDraft(split, label)).toEqual({
			title: 'About',
			body: 'ONE\ntwo\nthree\nfour\nFIVE',
			conflicts: 0,
			titleConflict: false
		});
	});

	it('the base is the latest shared revision, not the first', () => {
		const shared = page(bob, 11, {
			title: 'About',
			body: text.replace('three', '3'),
			replaces: [first]
		});
		const a = page(alice, 12, {
			title: 'About',
			body: shared.record.body.body.replace('one', '1'),
			replaces: [shared]
		});
		const b = page(bob, 13, {
			title: 'Our story',
			body: shared.record.body.body,
			replaces: [shared]
		});
		const split = about(first, shared, a, b);
		expect(mergeBase(split)!.id).toBe(shared.id);
		expect(mergeDraft(split, label)).toMatchObject({
			title: 'Our story',
			body: '1\ntwo\n3\nfour\nfive',
			conflicts: 0
		});
	});

	it('the same line changed two ways is a marked conflict, the newest version first', () => {
		const a = page(alice, 11, { title: 'A', body: text.replace('two', 'deux'), replaces: [first] });
		const b = page(bob, 12, { title: 'B', body: text.replace('two', 'zwei'), replaces: [first] });
		expect(mergeDraft(about(first, a, b), label)).toEqual({
			title: 'B',
			body: 'one\n<<<<<<< Bob\nzwei\n=======\ndeux\n>>>>>>> Alice\nthree\nfour\nfive',
			conflicts: 1,
			titleConflict: true
		});
	});

	it('two first revisions share nothing: the base is null and both texts are kept', () => {
		const one = page(alice, 10, { title: 'About', body: 'mine' });
		const two = page(bob, 11, { title: 'About', body: 'yours' });
		const split = about(one, two);
		expect(mergeBase(split)).toBeNull();
		expect(mergeDraft(split, label)).toMatchObject({ conflicts: 1, title: 'About' });
	});

	it('a criss-cross history (two merges of the same two revisions) picks one base on every peer', () => {
		const a = page(alice, 11, { body: 'a', replaces: [first] });
		const b = page(bob, 12, { body: 'b', replaces: [first] });
		const m1 = page(alice, 13, { body: 'm1', replaces: [a, b] });
		const m2 = page(bob, 14, { body: 'm2', replaces: [a, b] });
		const records = [first, a, b, m1, m2];
		const bases = [records, [...records].reverse()].map((r) => mergeBase(about(...r))!.id);
		expect(bases[0]).toBe(bases[1]);
		expect([a.id, b.id]).toContain(bases[0]);
	});

	it('a history of 5,000 revisions is walked without overflowing the stack', () => {
		const chain = [first];
		for (let i = 1; i < 5000; i++)
			chain.push(page(alice, 10 + i, { body: `v${i}`, replaces: [chain[i - 1]!] }));
		const fork = page(bob, 20_000, { body: 'fork', replaces: [chain[2500]!] });
		expect(mergeBase(about(...chain, fork))!.id).toBe(chain[2500]!.id);
	});
});

describe('threadsOf and messagesOf', () => {
	const budget = verified(threadRecord(c.id, { by: alice, at: 20, title: 'Budget' }));
	const roads = verified(threadRecord(c.id, { by: bob, at: 10, title: 'Roads' }));
	const m = (
		by: Person,
		at: number,
		thread: { id: string },
		replyTo: { id: string } | null = null
	) => verified(messageRecord(c.id, { by, at, thread, replyTo }));
	const m1 = m(bob, 30, budget);
	const m2 = m(alice, 25, budget, m1);
	const m3 = m(founder, 40, roads);
	const outsider = m(mallory, 50, budget);
	const view = c.derive(m1, m2, m3, outsider, budget, roads);

	it('lists threads oldest first, with their message count and last activity', () => {
		expect(threadsOf(view)).toEqual([
			{
				id: roads.id,
				author: bob.fingerprint,
				at: 10,
				title: 'Roads',
				body: roads.record.body.body,
				messages: 1,
				lastAt: 40
			},
			{
				id: budget.id,
				author: alice.fingerprint,
				at: 20,
				title: 'Budget',
				body: budget.record.body.body,
				messages: 2,
				lastAt: 30
			}
		]);
	});

	it('lists a thread’s valid messages oldest first by (at, id)', () => {
		expect(messagesOf(view, budget.id)).toEqual([
			{
				id: m2.id,
				author: alice.fingerprint,
				at: 25,
				thread: budget.id,
				body: m2.record.body.body,
				replyTo: m1.id
			},
			{
				id: m1.id,
				author: bob.fingerprint,
				at: 30,
				thread: budget.id,
				body: m1.record.body.body,
				replyTo: null
			}
		]);
		expect(ids(messagesOf(view, roads.id))).toEqual([m3.id]);
		expect(messagesOf(view, m1.id)).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------
// Properties: every derivation depends only on the set of records (not their order or
// repeats), a view built record by record equals one computed from scratch, and the
// results obey the documented rules.

const SEEDS = [0xc0de, 0x2026];
const NUM_RUNS = 100;
const AUTHORS = [founder, alice, bob, mallory];
const TAGS = ['news', 'sport', 'art'];
const SLUGS = ['about', 'rules'];

type Step =
	| { t: 'post'; by: number; at: number; tags: number[] }
	| { t: 'edit'; by: number; at: number; of: number; tags: number[] }
	| { t: 'retract'; by: number; at: number; of: number }
	| { t: 'page'; by: number; at: number; slug: number; parents: number[] }
	| { t: 'thread'; by: number; at: number }
	| { t: 'message'; by: number; at: number; thread: number; reply: number | null };
const by = fc.nat(AUTHORS.length - 1);
const at = fc.nat(15); // small, so ties in time are common
const tags = fc.uniqueArray(fc.nat(TAGS.length - 1), { maxLength: 2 });
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ t: fc.constant('post' as const), by, at, tags }) },
	{
		weight: 4,
		arbitrary: fc.record({ t: fc.constant('edit' as const), by, at, of: fc.nat(), tags })
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('retract' as const), by, at, of: fc.nat() }) },
	{
		weight: 4,
		arbitrary: fc.record({
			t: fc.constant('page' as const),
			by,
			at,
			slug: fc.nat(SLUGS.length - 1),
			parents: fc.array(fc.nat(), { maxLength: 2 })
		})
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('thread' as const), by, at }) },
	{
		weight: 2,
		arbitrary: fc.record({
			t: fc.constant('message' as const),
			by,
			at,
			thread: fc.nat(),
			reply: fc.option(fc.nat())
		})
	}
);

function build(steps: Step[]): Verified[] {
	const posts: Post[] = [];
	const pages: Page[] = [];
	const threads: Verified[] = [];
	const messages: Verified[] = [];
	const records: Verified[] = [];
	const add = <R extends Verified>(list: R[], r: R) => (list.push(r), records.push(r));
	steps.forEach((s, i) => {
		const who = AUTHORS[s.by]!;
		const title = `step ${i}`;
		if (s.t === 'post' || (s.t === 'edit' && !posts.length)) {
			add(
				posts,
				post(who, s.at, { title, tags: s.t === 'post' ? s.tags.map((t) => TAGS[t]!) : [] })
			);
		} else if (s.t === 'edit') {
			const replaces = posts[s.of % posts.length]!;
			add(posts, post(who, s.at, { title, tags: s.tags.map((t) => TAGS[t]!), replaces }));
		} else if (s.t === 'retract') {
			if (posts.length) records.push(retract(who, s.at, posts[s.of % posts.length]!));
		} else if (s.t === 'page') {
			const parents = pages.length ? s.parents.map((p) => pages[p % pages.length]!) : [];
			add(pages, page(who, s.at, { slug: SLUGS[s.slug], body: title, replaces: parents }));
		} else if (s.t === 'thread') {
			add(threads, verified(threadRecord(c.id, { by: who, at: s.at, title })));
		} else if (threads.length) {
			const thread = threads[s.thread % threads.length]!;
			const replyTo =
				s.reply === null || !messages.length ? null : messages[s.reply % messages.length]!;
			add(
				messages,
				verified(messageRecord(c.id, { by: who, at: s.at, thread, replyTo, body: title }))
			);
		}
	});
	return records;
}

/** Everything the content derivations say, in a form where equal content compares equal. */
function content(source: ContentSource) {
	const posts = postsOf(source);
	const threads = threadsOf(source);
	return {
		posts,
		latest: latestPosts(source),
		latest3: latestPosts(posts, 3),
		tags: [...tagIndex(source)],
		byAuthor: AUTHORS.map((p) => postsByAuthor(posts, p.fingerprint)),
		pages: [...pagesOf(source)],
		threads,
		messages: threads.map((t) => messagesOf(source, t.id))
	};
}

const world = fc.array(step, { maxLength: 40 }).chain((steps) => {
	const records = build(steps);
	return fc.record({
		records: fc.constant(records),
		shuffled: fc.shuffledSubarray(records, {
			minLength: records.length,
			maxLength: records.length
		}),
		repeats: fc.array(fc.nat(), { maxLength: 8 })
	});
});

/** The documented rules, checked against the records directly. */
function checkRules(view: CountryView, posts: BlogPost[]) {
	const valid = [...view.valid.values()];
	const validPosts = valid.filter((r): r is Post => r.record.kind === 'post');
	const rootOf = (id: string): string => {
		let r = view.valid.get(id) as Post;
		while (r.record.body.replaces !== null) r = view.valid.get(r.record.body.replaces) as Post;
		return r.id;
	};
	const retracted = new Set(
		valid.flatMap((r) => (r.record.kind === 'retraction' ? [rootOf(r.record.body.post)] : []))
	);
	const roots = new Set(validPosts.map((p) => rootOf(p.id)).filter((id) => !retracted.has(id)));
	expect(new Set(posts.map((p) => p.id))).toEqual(roots);
	const replaced = new Set(validPosts.map((p) => p.record.body.replaces));
	const newest = (a: { at: number; id: string }, b: { at: number; id: string }) =>
		b.at - a.at || (b.id < a.id ? -1 : 1);
	for (const p of posts) {
		const mine = validPosts.filter((r) => rootOf(r.id) === p.id);
		expect(ids(p.revisions)).toEqual(
			ids(mine.map((r) => ({ id: r.id, at: r.record.at })).sort(newest))
		);
		const heads = p.revisions.filter((r) => !replaced.has(r.id));
		expect(p.heads).toEqual(heads);
		expect(p.current).toEqual([...heads].sort(newest)[0]);
		expect(p.revisions.every((r) => r.author === p.author)).toBe(true);
	}
	expect(ids(latestPosts(posts))).toEqual(
		ids(
			[...posts]
				.map((p) => ({ id: p.id, at: p.publishedAt }))
				.sort(newest)
				.slice(0, 20)
		)
	);
	// Tags: exactly the tags of current revisions, ascending, each with its posts in latest order.
	const latestOrder = ids(latestPosts(posts, Infinity));
	const tagged = tagIndex(posts);
	const allTags = [...new Set(posts.flatMap((p) => p.current.tags))].sort();
	expect([...tagged.keys()]).toEqual(allTags);
	for (const [tag, list] of tagged) {
		expect(ids(list)).toEqual(
			latestOrder.filter((id) => posts.find((p) => p.id === id)!.current.tags.includes(tag))
		);
	}
	for (const who of AUTHORS) {
		expect(ids(postsByAuthor(posts, who.fingerprint))).toEqual(
			latestOrder.filter((id) => posts.find((p) => p.id === id)!.author === who.fingerprint)
		);
	}
	const validPages = valid.filter((r): r is Page => r.record.kind === 'page');
	const parents = new Set(validPages.flatMap((p) => p.record.body.replaces));
	for (const [slug, pageView] of pagesOf(view)) {
		const mine = validPages.filter((p) => p.record.body.slug === slug);
		expect(new Set(ids(pageView.history))).toEqual(new Set(ids(mine)));
		expect(new Set(ids(pageView.heads))).toEqual(
			new Set(ids(mine.filter((p) => !parents.has(p.id))))
		);
		expect(pageView.heads.length).toBeGreaterThan(0);
		expect(pageView.current).toEqual(pageView.heads.length === 1 ? pageView.heads[0] : null);
	}
}

/** Many posts and edits, few of anything else: enough posts that "latest 20" has to cut. */
const busyWorld = fc
	.array(
		fc.oneof(
			{ weight: 5, arbitrary: fc.record({ t: fc.constant('post' as const), by, at, tags }) },
			{
				weight: 2,
				arbitrary: fc.record({ t: fc.constant('edit' as const), by, at, of: fc.nat(), tags })
			},
			{
				weight: 1,
				arbitrary: fc.record({ t: fc.constant('retract' as const), by, at, of: fc.nat() })
			}
		),
		{ minLength: 25, maxLength: 60 }
	)
	.chain((steps) => {
		const records = build(steps);
		return fc.record({
			records: fc.constant(records),
			shuffled: fc.shuffledSubarray(records, {
				minLength: records.length,
				maxLength: records.length
			})
		});
	});

describe('content derivations: properties', () => {
	for (const seed of SEEDS) {
		it(`latest 20 cuts a long list the same way in any arrival order (seed ${seed})`, () => {
			let cut = 0;
			fc.assert(
				fc.property(busyWorld, ({ records, shuffled }) => {
					const view = c.derive(...records);
					const posts = postsOf(view);
					if (posts.length > 20) cut++;
					expect(content(c.derive(...shuffled))).toEqual(content(view));
					checkRules(view, posts);
				}),
				{ seed, numRuns: 60 }
			);
			// The property above says something about cutting only if worlds were long enough.
			expect(cut).toBeGreaterThan(10);
		});

		it(`content is the same for any arrival order and duplication (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ records, shuffled, repeats }) => {
					const extra = records.length ? repeats.map((i) => records[i % records.length]!) : [];
					const base = content(c.derive(...records));
					expect(content(c.derive(...shuffled, ...extra))).toEqual(base);
					expect(content(c.derive(...[...extra, ...shuffled].reverse()))).toEqual(base);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`a view built record by record equals a recompute from scratch (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ records, shuffled, repeats }) => {
					const extra = records.length ? repeats.map((i) => records[i % records.length]!) : [];
					// Arrivals one at a time, as a peer sees them: after each, the content of what
					// arrived so far (in arrival order, repeats included) equals that of the same set
					// of records computed from scratch in another order.
					const arrived: Verified[] = [];
					for (const r of [...shuffled, ...extra]) {
						arrived.push(r);
						const scratch = [...new Map(arrived.map((x) => [x.id, x])).values()].sort((a, b) =>
							a.id < b.id ? 1 : -1
						);
						expect(content(c.derive(...arrived))).toEqual(content(c.derive(...scratch)));
					}
					expect(content(c.derive(...arrived))).toEqual(content(c.derive(...records)));
				}),
				{ seed, numRuns: 40 }
			);
		});

		it(`posts, latest and pages obey the documented rules (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ records }) => {
					const view = c.derive(...records);
					checkRules(view, postsOf(view));
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});
	}
});
