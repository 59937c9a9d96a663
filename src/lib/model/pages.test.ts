/** Page revisions in deriveCountry: R9, R26, R27 (docs/records.md). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CountryView } from './country';
import { sha256Hex } from './hash';
import type { RecordOf } from './record';
import type { Verified } from './verified';
import { person, verified, type Person } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import { openCountry, pageRecord, verdict } from './fixtures/content';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const mallory = person('mallory');

type Page = Verified<RecordOf<'page'>>;

const c = openCountry(founder, [alice, bob]);
const elsewhere = openCountry(mallory, [alice]);

const page = (by: Person, at: number, slug = 'about', parents: { id: string }[] = []): Page =>
	verified(pageRecord(c.id, { by, at, slug, replaces: parents }));

describe('[R9] a page revision comes from a citizen', () => {
	it('[R9] a first revision by a citizen is valid', () => {
		const first = page(alice, 10);
		expect(verdict(c.derive(first), first)).toBe('valid');
	});

	it('[R9] a revision by a non-citizen is rejected author_unknown', () => {
		const first = page(mallory, 10);
		expect(verdict(c.derive(first), first)).toBe('author_unknown');
	});

	it('[R9] a non-citizen’s edit of a valid page is author_unknown, not a page change', () => {
		const first = page(alice, 10);
		const edit = page(mallory, 11, 'about', [first]);
		expect(verdict(c.derive(first, edit), edit)).toBe('author_unknown');
	});

	it('[R3] a revision naming another country is rejected country_mismatch', () => {
		const foreign = verified(pageRecord(elsewhere.id, { by: alice, at: 10 }));
		expect(verdict(c.derive(foreign), foreign)).toBe('country_mismatch');
	});
});

describe('[R26] a revision builds on valid revisions', () => {
	it('[R26] any citizen may edit a page someone else wrote', () => {
		const first = page(alice, 10);
		const edit = page(bob, 11, 'about', [first]);
		const view = c.derive(first, edit);
		expect([verdict(view, first), verdict(view, edit)]).toEqual(['valid', 'valid']);
	});

	it('[R26] two first revisions of the same slug are both valid (two heads)', () => {
		const one = page(alice, 10);
		const two = page(bob, 10);
		const view = c.derive(one, two);
		expect([verdict(view, one), verdict(view, two)]).toEqual(['valid', 'valid']);
	});

	it('[R26] two edits of one revision are both valid, and a merge of both is valid', () => {
		const first = page(alice, 10);
		const a = page(alice, 11, 'about', [first]);
		const b = page(bob, 11, 'about', [first]);
		const merge = page(founder, 12, 'about', [a, b]);
		const view = c.derive(merge, b, a, first);
		expect([first, a, b, merge].map((r) => verdict(view, r))).toEqual(Array(4).fill('valid'));
	});

	it('[R26] a revision dated before its parent is still valid (time is no rule)', () => {
		const first = page(alice, 10);
		const edit = page(bob, 5, 'about', [first]);
		expect(verdict(c.derive(first, edit), edit)).toBe('valid');
	});

	/** [name, what the revision names, the records besides it] */
	const unknown: [name: string, parents: () => { id: string }[], present: () => Verified[]][] = [
		['a revision that is not here', () => [{ id: sha256Hex('nothing') }], () => []],
		['a post', () => [post], () => [post]],
		['the genesis', () => [c.genesis], () => []],
		['a citizen record', () => [c.citizens[1]!], () => []],
		['a revision by a non-citizen', () => [byMallory], () => [byMallory]],
		['a revision of another country', () => [foreign], () => [foreign]],
		[
			'a valid revision and one that is not here',
			() => [base, { id: sha256Hex('x') }],
			() => [base]
		]
	];
	const post = verified(postRecord(c.id, { by: alice, at: 9 }));
	const byMallory = page(mallory, 9);
	const foreign = verified(pageRecord(elsewhere.id, { by: alice, at: 9 }));
	const base = page(alice, 9);

	it.each(unknown)(
		'[R26] a revision naming %s is rejected replaces_unknown',
		(_n, parents, present) => {
			const edit = page(bob, 11, 'about', parents());
			expect(verdict(c.derive(edit, ...present()), edit)).toBe('replaces_unknown');
		}
	);

	it('[R26] a revision built on a rejected revision is rejected replaces_unknown', () => {
		const orphan = page(alice, 11, 'about', [{ id: sha256Hex('lost') }]);
		const onTop = page(bob, 12, 'about', [orphan]);
		const merge = page(bob, 13, 'about', [onTop, base]);
		const view = c.derive(merge, onTop, orphan, base);
		expect([orphan, onTop, merge].map((r) => verdict(view, r))).toEqual(
			Array(3).fill('replaces_unknown')
		);
		expect(verdict(view, base)).toBe('valid');
	});

	it('[R26] once the missing revision arrives, everything built on it becomes valid', () => {
		const first = page(alice, 10);
		const e1 = page(bob, 11, 'about', [first]);
		const e2 = page(alice, 12, 'about', [e1]);
		expect(verdict(c.derive(e1, e2), e2)).toBe('replaces_unknown');
		const view = c.derive(e2, e1, first);
		expect([first, e1, e2].map((r) => verdict(view, r))).toEqual(Array(3).fill('valid'));
	});
});

describe('[R27] a revision stays in its page', () => {
	it('[R27] a revision naming a parent of another slug is rejected revision_foreign', () => {
		const rules = page(alice, 10, 'rules');
		const edit = page(bob, 11, 'about', [rules]);
		const view = c.derive(rules, edit);
		expect(verdict(view, edit)).toBe('revision_foreign');
		expect(verdict(view, rules)).toBe('valid');
		expect(view.rejected.find((r) => r.id === edit.id)).toMatchObject({
			kind: 'page',
			author: bob.fingerprint,
			code: 'revision_foreign'
		});
	});

	it('[R27] a merge of a parent of this page and one of another is revision_foreign', () => {
		const about = page(alice, 10);
		const rules = page(alice, 10, 'rules');
		const merge = page(bob, 11, 'about', [about, rules]);
		expect(verdict(c.derive(about, rules, merge), merge)).toBe('revision_foreign');
	});

	it('[R27] comes before R26: a foreign parent and a missing one make revision_foreign', () => {
		const rules = page(alice, 10, 'rules');
		const merge = page(bob, 11, 'about', [rules, { id: sha256Hex('lost') }]);
		expect(verdict(c.derive(rules, merge), merge)).toBe('revision_foreign');
	});

	it('[R27] a foreign parent that is itself invalid still makes revision_foreign', () => {
		const orphan = page(alice, 10, 'rules', [{ id: sha256Hex('lost') }]);
		const edit = page(bob, 11, 'about', [orphan]);
		const view = c.derive(orphan, edit);
		expect([verdict(view, orphan), verdict(view, edit)]).toEqual([
			'replaces_unknown',
			'revision_foreign'
		]);
	});

	it('[R27] a revision built on a revision_foreign one is replaces_unknown', () => {
		const rules = page(alice, 10, 'rules');
		const hijack = page(bob, 11, 'about', [rules]);
		const onTop = page(alice, 12, 'about', [hijack]);
		expect(verdict(c.derive(rules, hijack, onTop), onTop)).toBe('replaces_unknown');
	});
});

describe('[R26] long histories', () => {
	const LENGTH = 5000;
	const chain: Page[] = [page(alice, 10)];
	for (let i = 1; i < LENGTH; i++) {
		chain.push(page(i % 2 ? bob : alice, 10 + i, 'about', [chain[i - 1]!]));
	}

	it('[R26] a chain of 5,000 revisions is valid, in any order, without overflowing the stack', () => {
		for (const order of [chain, [...chain].reverse()]) {
			const view = c.derive(...order);
			expect(chain.every((r) => view.valid.has(r.id))).toBe(true);
			expect(view.rejected).toEqual([]);
		}
	});

	it('[R26] without its first revision, all 4,999 later ones are replaces_unknown', () => {
		const view = c.derive(...chain.slice(1).reverse());
		expect(view.rejected).toHaveLength(LENGTH - 1);
		expect(new Set(view.rejected.map((r) => r.code))).toEqual(new Set(['replaces_unknown']));
	});

	it('[R26] a ladder of 2,000 merges (each naming the two previous revisions) is valid', () => {
		const ladder: Page[] = [page(alice, 10), page(bob, 10)];
		for (let i = 2; i < 2000; i++) {
			ladder.push(page(alice, 10 + i, 'about', [ladder[i - 1]!, ladder[i - 2]!]));
		}
		const view = c.derive(...[...ladder].reverse());
		expect(ladder.every((r) => view.valid.has(r.id))).toBe(true);
	});
});

// ---------------------------------------------------------------------------------------
// Properties: page verdicts are those of a from-scratch recursive reading of R3, R9, R26
// and R27, and do not depend on the order or repetition of the records.

const SEEDS = [0x9a6e, 0x5106];
const NUM_RUNS = 150;
const AUTHORS = [founder, alice, bob, mallory];
const CITIZENS = new Set([founder, alice, bob].map((p) => p.fingerprint));
const SLUGS = ['about', 'rules', 'faq'];

type Step = {
	t: 'page' | 'orphan' | 'foreign';
	by: number;
	at: number;
	slug: number;
	parents: number[];
};
const step: fc.Arbitrary<Step> = fc.record({
	t: fc.constantFrom<Step['t']>(
		'page',
		'page',
		'page',
		'page',
		'page',
		'page',
		'orphan',
		'foreign'
	),
	by: fc.nat(AUTHORS.length - 1),
	at: fc.nat(20),
	slug: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.nat(SLUGS.length - 1)),
	parents: fc.array(fc.nat(), { maxLength: 3 })
});

/** Revisions of a plan; parents are earlier revisions of the plan, so histories branch and merge. */
function build(steps: Step[]): Page[] {
	const pages: Page[] = [];
	steps.forEach((s, i) => {
		const by = AUTHORS[s.by]!;
		const slug = SLUGS[s.slug]!;
		const title = `step ${i}`;
		const parents = pages.length ? s.parents.map((p) => pages[p % pages.length]!) : [];
		if (s.t === 'foreign') {
			pages.push(verified(pageRecord(elsewhere.id, { by, at: s.at, slug, title })));
		} else {
			const lost = s.t === 'orphan' ? [{ id: sha256Hex(`lost ${i}`) }] : [];
			pages.push(
				verified(pageRecord(c.id, { by, at: s.at, slug, title, replaces: [...parents, ...lost] }))
			);
		}
	});
	return pages;
}

/** R3, R9, R27, R26 read literally, recursively: the reference the derivation must match. */
function expectedVerdicts(pages: Page[]): Map<string, string> {
	const byId = new Map(pages.map((p) => [p.id, p]));
	const counts = (p: Page | undefined): p is Page =>
		!!p && p.record.country === c.id && CITIZENS.has(p.record.author);
	const memo = new Map<string, string>();
	const judge = (p: Page): string => {
		const known = memo.get(p.id);
		if (known) return known;
		let result: string;
		const parents = p.record.body.replaces.map((id) => byId.get(id));
		if (p.record.country !== c.id) result = 'country_mismatch';
		else if (!CITIZENS.has(p.record.author)) result = 'author_unknown';
		else if (parents.some((q) => counts(q) && q.record.body.slug !== p.record.body.slug)) {
			result = 'revision_foreign';
		} else if (!parents.every(counts)) result = 'replaces_unknown';
		else result = parents.every((q) => judge(q) === 'valid') ? 'valid' : 'replaces_unknown';
		memo.set(p.id, result);
		return result;
	};
	return new Map(pages.map((p) => [p.id, judge(p)]));
}

const verdicts = (view: CountryView, pages: Page[]) =>
	new Map(pages.map((p) => [p.id, verdict(view, p)]));

const world = fc.array(step, { maxLength: 30 }).chain((steps) => {
	const pages = build(steps);
	return fc.record({
		pages: fc.constant(pages),
		shuffled: fc.shuffledSubarray(pages, { minLength: pages.length, maxLength: pages.length }),
		repeats: fc.array(fc.nat(), { maxLength: 8 })
	});
});

describe('page verdicts: properties', () => {
	for (const seed of SEEDS) {
		it(`[R26][R27] verdicts match a from-scratch reading of the rules (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ pages }) => {
					expect(verdicts(c.derive(...pages), pages)).toEqual(expectedVerdicts(pages));
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`[R26][R27] verdicts are the same for any arrival order and duplication (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ pages, shuffled, repeats }) => {
					const extra = pages.length ? repeats.map((i) => pages[i % pages.length]!) : [];
					const base = verdicts(c.derive(...pages), pages);
					expect(verdicts(c.derive(...shuffled, ...extra), pages)).toEqual(base);
					expect(verdicts(c.derive(...[...extra, ...shuffled].reverse()), pages)).toEqual(base);
					const rejected = c.derive(...extra, ...shuffled).rejected.map((r) => r.id);
					expect(new Set(rejected).size).toBe(rejected.length);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});
	}
});
