import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveCountry, type CountryView } from './country';
import { sha256Hex } from './hash';
import type { RecordOf } from './record';
import type { Verified } from './verified';
import {
	citizenRecord,
	genesisRecord,
	inviteCode,
	inviteRecord,
	person,
	verified,
	type Person
} from './fixtures/records';
import { postRecord } from './fixtures/posts';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const mallory = person('mallory');

type Post = Verified<RecordOf<'post'>>;

/** An open country where founder, alice and bob are citizens and mallory is not. */
function country(founderOf: Person = founder) {
	const genesis = verified(genesisRecord({ founder: founderOf, at: 0, admission: 'open' }));
	const id = genesis.id;
	const citizens = [
		verified(citizenRecord(id, { who: founderOf, at: 1, admission: { type: 'founder' } })),
		verified(citizenRecord(id, { who: alice, at: 2, admission: { type: 'open' } })),
		verified(citizenRecord(id, { who: bob, at: 3, admission: { type: 'open' } }))
	];
	const post = (by: Person, at: number, title?: string): Post =>
		verified(postRecord(id, { by, at, title }));
	const edit = (by: Person, at: number, of: { id: string }, title?: string): Post =>
		verified(postRecord(id, { by, at, title: title ?? `edit ${at}`, replaces: of.id }));
	return {
		id,
		genesis,
		citizens,
		post,
		edit,
		derive: (...records: Verified[]) => deriveCountry(id, [genesis, ...citizens, ...records])
	};
}

/** 'valid', the rejection code, or 'absent' when the view does not mention the record. */
function verdict(view: CountryView, record: { id: string }): string {
	if (view.valid.has(record.id)) return 'valid';
	return view.rejected.find((r) => r.id === record.id)?.code ?? 'absent';
}

const c = country();

describe('[R9] a post comes from a citizen', () => {
	it('[R9] a new post by a citizen is valid', () => {
		const post = c.post(alice, 10);
		expect(verdict(c.derive(post), post)).toBe('valid');
	});

	it('[R9] a post by a non-citizen is rejected author_unknown', () => {
		const post = c.post(mallory, 10);
		const view = c.derive(post);
		expect(verdict(view, post)).toBe('author_unknown');
		expect(view.rejected).toEqual([
			{
				id: post.id,
				kind: 'post',
				author: mallory.fingerprint,
				code: 'author_unknown',
				message: expect.any(String)
			}
		]);
	});

	it('[R9] a post dated before its author’s admission is still valid', () => {
		const post = c.post(bob, 0);
		expect(verdict(c.derive(post), post)).toBe('valid');
	});

	it('[R3] a post naming another country is rejected country_mismatch', () => {
		const post = country(mallory).post(alice, 10);
		expect(verdict(c.derive(post), post)).toBe('country_mismatch');
	});

	it('[R1] without the genesis a post is rejected genesis_missing', () => {
		const post = c.post(alice, 10);
		expect(verdict(deriveCountry(c.id, [...c.citizens, post]), post)).toBe('genesis_missing');
	});
});

describe('[R22] an edit replaces a valid post', () => {
	it('[R22] an edit by the same author is valid, and so is the post it replaces', () => {
		const post = c.post(alice, 10);
		const edit = c.edit(alice, 11, post);
		const view = c.derive(edit, post);
		expect(verdict(view, post)).toBe('valid');
		expect(verdict(view, edit)).toBe('valid');
	});

	it('[R22] an edit of an edit of an edit is valid', () => {
		const post = c.post(alice, 10);
		const e1 = c.edit(alice, 11, post);
		const e2 = c.edit(alice, 12, e1);
		const e3 = c.edit(alice, 13, e2);
		const view = c.derive(e3, e1, post, e2);
		expect([post, e1, e2, e3].map((r) => verdict(view, r))).toEqual(Array(4).fill('valid'));
	});

	it('[R22] two edits of the same post are both valid (revisions may branch)', () => {
		const post = c.post(alice, 10);
		const a = c.edit(alice, 11, post, 'one way');
		const b = c.edit(alice, 11, post, 'another way');
		const view = c.derive(post, a, b);
		expect([verdict(view, a), verdict(view, b)]).toEqual(['valid', 'valid']);
	});

	it('[R22] an edit dated before the post it replaces is still valid (time is no rule)', () => {
		const post = c.post(alice, 10);
		const edit = c.edit(alice, 5, post);
		expect(verdict(c.derive(post, edit), edit)).toBe('valid');
	});

	/** [name, what the edit names, the records besides it] */
	const unknown: [name: string, target: () => { id: string }, present: () => Verified[]][] = [
		['a post that is not here', () => ({ id: sha256Hex('nothing') }), () => []],
		['the genesis', () => c.genesis, () => []],
		['a citizen record', () => c.citizens[1]!, () => []],
		['an invite', () => invite, () => [invite]]
	];
	const invite = verified(inviteRecord(c.id, { by: alice, at: 4, code: inviteCode('x') }));

	it.each(unknown)('[R22] an edit of %s is rejected replaces_unknown', (_name, target, present) => {
		const edit = c.edit(alice, 11, target());
		const view = c.derive(edit, ...present());
		expect(verdict(view, edit)).toBe('replaces_unknown');
	});

	it('[R22] an edit of a post that was rejected (author_unknown) is rejected replaces_unknown', () => {
		const post = c.post(mallory, 10);
		const edit = c.edit(mallory, 11, post);
		const view = c.derive(post, edit);
		expect(verdict(view, post)).toBe('author_unknown');
		// R9 comes first: the edit's own author is not a citizen either.
		expect(verdict(view, edit)).toBe('author_unknown');
	});

	it('[R22] an edit of a post from another country is rejected replaces_unknown', () => {
		const foreign = country(mallory).post(alice, 10);
		const edit = c.edit(alice, 11, foreign);
		const view = c.derive(foreign, edit);
		expect(verdict(view, foreign)).toBe('country_mismatch');
		expect(verdict(view, edit)).toBe('replaces_unknown');
	});

	it('[R22] an edit built on an edit_forbidden edit is rejected replaces_unknown', () => {
		const post = c.post(alice, 10);
		const hijack = c.edit(bob, 11, post);
		const onTop = c.edit(bob, 12, hijack);
		const view = c.derive(onTop, hijack, post);
		expect(verdict(view, post)).toBe('valid');
		expect(verdict(view, hijack)).toBe('edit_forbidden');
		expect(verdict(view, onTop)).toBe('replaces_unknown');
	});

	it('[R22] an edit built on a replaces_unknown edit is rejected replaces_unknown', () => {
		const orphan = c.edit(alice, 11, { id: sha256Hex('lost') });
		const onTop = c.edit(alice, 12, orphan);
		const view = c.derive(onTop, orphan);
		expect(verdict(view, orphan)).toBe('replaces_unknown');
		expect(verdict(view, onTop)).toBe('replaces_unknown');
	});

	it('[R22] once the missing post arrives, the whole chain becomes valid', () => {
		const post = c.post(alice, 10);
		const e1 = c.edit(alice, 11, post);
		const e2 = c.edit(alice, 12, e1);
		expect(verdict(c.derive(e1, e2), e2)).toBe('replaces_unknown');
		const view = c.derive(e1, e2, post);
		expect([post, e1, e2].map((r) => verdict(view, r))).toEqual(['valid', 'valid', 'valid']);
	});
});

describe('[R23] only the author edits a post', () => {
	it('[R23] an edit by another citizen is rejected edit_forbidden; the post stays valid', () => {
		const post = c.post(alice, 10);
		const edit = c.edit(bob, 11, post);
		const view = c.derive(post, edit);
		expect(verdict(view, edit)).toBe('edit_forbidden');
		expect(verdict(view, post)).toBe('valid');
		expect(view.rejected.find((r) => r.id === edit.id)).toMatchObject({
			kind: 'post',
			author: bob.fingerprint
		});
	});

	it('[R23] the founder cannot edit a citizen’s post either', () => {
		const post = c.post(alice, 10);
		const edit = c.edit(founder, 11, post);
		expect(verdict(c.derive(post, edit), edit)).toBe('edit_forbidden');
	});

	it('[R23] is checked before R22: editing an invalid post of someone else is edit_forbidden', () => {
		const orphan = c.edit(alice, 11, { id: sha256Hex('lost') });
		const edit = c.edit(bob, 12, orphan);
		const view = c.derive(orphan, edit);
		expect(verdict(view, orphan)).toBe('replaces_unknown');
		expect(verdict(view, edit)).toBe('edit_forbidden');
	});

	it('[R9] comes before R23: a non-citizen’s edit of a citizen’s post is author_unknown', () => {
		const post = c.post(alice, 10);
		const edit = c.edit(mallory, 11, post);
		expect(verdict(c.derive(post, edit), edit)).toBe('author_unknown');
	});

	it('[R23] an edit by the right author on top of a forbidden edit is not rescued', () => {
		const post = c.post(alice, 10);
		const hijack = c.edit(bob, 11, post);
		const back = c.edit(alice, 12, hijack);
		// alice edits bob's (forbidden) revision: R23 again, checked link by link.
		expect(verdict(c.derive(post, hijack, back), back)).toBe('edit_forbidden');
	});
});

describe('[R22] long chains', () => {
	const LENGTH = 5000;
	const root = c.post(alice, 10);
	const chain: Post[] = [root];
	for (let i = 1; i < LENGTH; i++) chain.push(c.edit(alice, 10 + i, chain[i - 1]!));

	it('[R22] a chain of 5,000 revisions is valid, in any order, without overflowing the stack', () => {
		for (const order of [chain, [...chain].reverse()]) {
			const view = c.derive(...order);
			expect(chain.every((r) => view.valid.has(r.id))).toBe(true);
			expect(view.rejected).toEqual([]);
		}
	});

	it('[R22] without its first post, all 5,000 revisions are replaces_unknown', () => {
		const view = c.derive(...chain.slice(1).reverse());
		expect(view.rejected).toHaveLength(LENGTH - 1);
		expect(new Set(view.rejected.map((r) => r.code))).toEqual(new Set(['replaces_unknown']));
	});

	it('[R23] a forbidden link in the middle: valid below, edit_forbidden at it, unknown above', () => {
		const middle = 2500;
		const forged = c.edit(bob, 10 + middle, chain[middle - 1]!);
		const above: Post[] = [forged];
		for (let i = middle + 1; i < middle + 50; i++) above.push(c.edit(bob, 10 + i, above.at(-1)!));
		const view = c.derive(...above.reverse(), ...chain.slice(0, middle));
		expect(chain.slice(0, middle).every((r) => view.valid.has(r.id))).toBe(true);
		expect(verdict(view, forged)).toBe('edit_forbidden');
		const codes = above.filter((r) => r !== forged).map((r) => verdict(view, r));
		expect(new Set(codes)).toEqual(new Set(['replaces_unknown']));
	});
});

// ---------------------------------------------------------------------------------------
// Properties: post verdicts are those of a from-scratch recursive reading of R9, R22, R23,
// and do not depend on the order or repetition of the records.

const SEEDS = [0x5eed, 0xb105];
const NUM_RUNS = 150;
const AUTHORS = [founder, alice, bob, mallory];
const CITIZENS = new Set([founder, alice, bob].map((p) => p.fingerprint));

type Step =
	| { t: 'post'; by: number; at: number }
	| { t: 'edit'; by: number; at: number; of: number }
	| { t: 'orphan'; by: number; at: number }
	| { t: 'foreign'; by: number; at: number };

const by = fc.nat(AUTHORS.length - 1);
const at = fc.nat(20);
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ t: fc.constant('post' as const), by, at }) },
	{ weight: 6, arbitrary: fc.record({ t: fc.constant('edit' as const), by, at, of: fc.nat() }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('orphan' as const), by, at }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('foreign' as const), by, at }) }
);
const elsewhere = country(mallory);

/** Posts of a plan; an edit names an earlier post of the plan, so chains and forks form. */
function build(steps: Step[]): Post[] {
	const posts: Post[] = [];
	steps.forEach((s, i) => {
		const who = AUTHORS[s.by]!;
		const title = `step ${i}`;
		if (s.t === 'post') posts.push(c.post(who, s.at, title));
		else if (s.t === 'foreign') posts.push(elsewhere.post(who, s.at, title));
		else if (s.t === 'orphan') posts.push(c.edit(who, s.at, { id: sha256Hex(`lost ${i}`) }, title));
		else if (posts.length === 0) posts.push(c.post(who, s.at, title));
		else posts.push(c.edit(who, s.at, posts[s.of % posts.length]!, title));
	});
	return posts;
}

/** R3, R9, R23, R22 read literally, recursively: the reference the derivation must match. */
function expectedVerdicts(posts: Post[]): Map<string, string> {
	const byId = new Map(posts.map((p) => [p.id, p]));
	const memo = new Map<string, string>();
	const judge = (post: Post): string => {
		const known = memo.get(post.id);
		if (known) return known;
		let result: string;
		if (post.record.country !== c.id) result = 'country_mismatch';
		else if (!CITIZENS.has(post.record.author)) result = 'author_unknown';
		else if (post.record.body.replaces === null) result = 'valid';
		else {
			const parent = byId.get(post.record.body.replaces);
			const parentCounts =
				parent && parent.record.country === c.id && CITIZENS.has(parent.record.author);
			if (!parentCounts) result = 'replaces_unknown';
			else if (parent.record.author !== post.record.author) result = 'edit_forbidden';
			else result = judge(parent) === 'valid' ? 'valid' : 'replaces_unknown';
		}
		memo.set(post.id, result);
		return result;
	};
	return new Map(posts.map((p) => [p.id, judge(p)]));
}

const verdicts = (view: CountryView, posts: Post[]) =>
	new Map(posts.map((p) => [p.id, verdict(view, p)]));

const world = fc.array(step, { maxLength: 30 }).chain((steps) => {
	const posts = build(steps);
	return fc.record({
		posts: fc.constant(posts),
		shuffled: fc.shuffledSubarray(posts, { minLength: posts.length, maxLength: posts.length }),
		repeats: fc.array(fc.nat(), { maxLength: 8 })
	});
});

describe('post verdicts: properties', () => {
	for (const seed of SEEDS) {
		it(`[R22][R23] verdicts match a from-scratch reading of the rules (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ posts }) => {
					expect(verdicts(c.derive(...posts), posts)).toEqual(expectedVerdicts(posts));
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`[R22][R23] verdicts are the same for any arrival order and duplication (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ posts, shuffled, repeats }) => {
					const extra = posts.length ? repeats.map((i) => posts[i % posts.length]!) : [];
					const base = verdicts(c.derive(...posts), posts);
					expect(verdicts(c.derive(...shuffled, ...extra), posts)).toEqual(base);
					expect(verdicts(c.derive(...[...extra, ...shuffled].reverse()), posts)).toEqual(base);
					const view = c.derive(...extra, ...shuffled);
					const rejected = view.rejected.map((r) => r.id);
					expect(new Set(rejected).size).toBe(rejected.length);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});
	}
});
