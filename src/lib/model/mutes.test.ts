import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featuredPosts } from './governance';
import { postsOf } from './content';
import {
	authoredKeys,
	hiddenSearchKeys,
	isFingerprint,
	MUTED_MAX,
	parseMuted,
	splitMuted,
	withMuted,
	withoutMuted
} from './mutes';
import { person, verified } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import { messageRecord, openCountry, threadRecord } from './fixtures/content';
import { featureRecord } from './fixtures/governance';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const v4 = 'ab'.repeat(20);
const v6 = 'cd'.repeat(32);

describe('isFingerprint', () => {
	it.each([
		['a v4 fingerprint', v4, true],
		['a v6 fingerprint', v6, true],
		['upper case', v4.toUpperCase(), false],
		['41 digits', `${v4}a`, false],
		['not hex', 'zz'.repeat(20), false],
		['a number', 42, false],
		['null', null, false]
	])('%s', (_name, value, expected) => {
		expect(isFingerprint(value)).toBe(expected);
	});
});

describe('parseMuted: the stored list, read back whatever storage holds', () => {
	it.each([
		['nothing stored', null, []],
		['an empty text', '', []],
		['not JSON', '[ab', []],
		['an object', JSON.stringify({ a: v4 }), []],
		['a list of fingerprints', JSON.stringify([v4, v6]), [v4, v6]],
		['repeats, first kept', JSON.stringify([v6, v4, v6]), [v6, v4]],
		['junk entries skipped', JSON.stringify([1, v4, null, 'x', { v6 }, v6.toUpperCase()]), [v4]]
	])('%s', (_name, text, expected) => {
		expect(parseMuted(text)).toEqual(expected);
	});

	it(`keeps at most ${MUTED_MAX}`, () => {
		const many = Array.from({ length: MUTED_MAX + 5 }, (_, i) => i.toString(16).padStart(40, '0'));
		const parsed = parseMuted(JSON.stringify(many));
		expect(parsed).toHaveLength(MUTED_MAX);
		expect(parsed).toEqual(many.slice(0, MUTED_MAX));
	});

	it('reads back what it was given, for any list of fingerprints', () => {
		const hex = fc.constantFrom(...'0123456789abcdef');
		const print = fc.string({ unit: hex, minLength: 40, maxLength: 40 });
		fc.assert(
			fc.property(fc.uniqueArray(print, { maxLength: 20 }), (list) => {
				expect(parseMuted(JSON.stringify(list))).toEqual(list);
			})
		);
	});
});

describe('withMuted / withoutMuted', () => {
	it('mutes once, at the end, and unmutes', () => {
		const one = withMuted([], v4);
		const two = withMuted(one, v6);
		expect(two).toEqual([v4, v6]);
		expect(withMuted(two, v4)).toBe(two);
		expect(withoutMuted(two, v4)).toEqual([v6]);
	});

	it.each([
		['not a fingerprint', 'nobody'],
		['upper case', v4.toUpperCase()]
	])('ignores %s', (_name, value) => {
		const list = [v6];
		expect(withMuted(list, value)).toBe(list);
	});

	it('unmuting someone not muted changes nothing', () => {
		const list = [v6];
		expect(withoutMuted(list, v4)).toBe(list);
	});

	it('mutes nobody more once full', () => {
		const full = Array.from({ length: MUTED_MAX }, (_, i) => i.toString(16).padStart(40, '0'));
		expect(withMuted(full, v6)).toBe(full);
	});
});

describe('splitMuted: what a view shows once muted authors are out', () => {
	const items = [
		{ id: 1, author: v4 },
		{ id: 2, author: v6 },
		{ id: 3, author: v4 }
	];

	it('with nobody muted, the very same list', () => {
		expect(splitMuted(items, new Set())).toEqual({ shown: items, hidden: 0 });
		expect(splitMuted(items, new Set()).shown).toBe(items);
	});

	it('leaves out every item of a muted author and counts them', () => {
		expect(splitMuted(items, new Set([v4]))).toEqual({ shown: [items[1]], hidden: 2 });
		expect(splitMuted(items, new Set([v4, v6])).shown).toEqual([]);
	});

	it('muting someone with nothing here hides nothing', () => {
		expect(splitMuted(items, new Set([v4.replace('a', 'f')]))).toEqual({
			shown: items,
			hidden: 0
		});
	});
});

describe('muting in a country', () => {
	const c = openCountry(founder, [alice, bob]);
	const byAlice = verified(postRecord(c.id, { by: alice, at: 10, title: 'Alice writes' }));
	const aliceEdits = verified(
		postRecord(c.id, { by: alice, at: 11, title: 'Alice edits', replaces: byAlice.id })
	);
	const byBob = verified(postRecord(c.id, { by: bob, at: 12, title: 'Bob writes' }));
	const thread = verified(threadRecord(c.id, { by: bob, at: 13, title: 'Roads' }));
	const reply = verified(messageRecord(c.id, { by: alice, at: 14, thread }));
	const view = c.derive(
		byAlice,
		aliceEdits,
		byBob,
		verified(featureRecord(c.id, { by: founder, at: 20, post: byAlice })),
		verified(featureRecord(c.id, { by: founder, at: 21, post: byBob }))
	);

	it('a muted author’s featured post leaves my front page only', () => {
		const featured = featuredPosts(view, postsOf(view));
		expect(featured.map((p) => p.id)).toEqual([byBob.id, byAlice.id]);
		const mine = splitMuted(featured, new Set([alice.fingerprint])).shown;
		expect(mine.map((p) => p.id)).toEqual([byBob.id]);
	});

	it('authoredKeys names every post revision, thread and message of the authors', () => {
		const records = [byAlice, aliceEdits, byBob, thread, reply];
		const kinds = new Set(['post', 'thread', 'message']);
		expect(authoredKeys(records, new Set([alice.fingerprint]), kinds)).toEqual(
			new Set([`post:${byAlice.id}`, `post:${aliceEdits.id}`, `message:${reply.id}`])
		);
		expect(authoredKeys(records, new Set([bob.fingerprint]), new Set(['post']))).toEqual(
			new Set([`post:${byBob.id}`])
		);
		expect(authoredKeys(records, new Set(), kinds).size).toBe(0);
	});
});

describe('hiddenSearchKeys: what a search leaves out', () => {
	const cy = person('cy');
	const dee = person('dee');
	const c = openCountry(founder, [cy, dee]);
	const cyPost = verified(postRecord(c.id, { by: cy, at: 10 }));
	const deePost = verified(postRecord(c.id, { by: dee, at: 11 }));
	const cyThread = verified(threadRecord(c.id, { by: cy, at: 12 }));
	const deeReply = verified(messageRecord(c.id, { by: dee, at: 13, thread: cyThread }));
	const sources = {
		public: c.derive(cyPost, deePost),
		citizens: new Map([cyThread, deeReply].map((r) => [r.id, r]))
	};
	const none = new Set<string>();

	it('nothing when nobody is banned or muted', () => {
		expect(hiddenSearchKeys(sources, none, none).size).toBe(0);
	});

	it('a banned author’s posts only: the citizens’ area is not the public site', () => {
		expect(hiddenSearchKeys(sources, new Set([cy.fingerprint]), none)).toEqual(
			new Set([`post:${cyPost.id}`])
		);
	});

	it('a muted author’s posts, threads and messages', () => {
		expect(hiddenSearchKeys(sources, none, new Set([cy.fingerprint]))).toEqual(
			new Set([`post:${cyPost.id}`, `thread:${cyThread.id}`])
		);
		expect(
			hiddenSearchKeys(sources, new Set([cy.fingerprint]), new Set([dee.fingerprint]))
		).toEqual(new Set([`post:${cyPost.id}`, `post:${deePost.id}`, `message:${deeReply.id}`]));
	});

	it('no threads or messages without the citizens’ area (for someone not a citizen)', () => {
		const publicOnly = { ...sources, citizens: null };
		expect(hiddenSearchKeys(publicOnly, none, new Set([cy.fingerprint]))).toEqual(
			new Set([`post:${cyPost.id}`])
		);
	});
});
