import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCountry, retractionRecord } from '../model/fixtures/content';
import { postRecord } from '../model/fixtures/posts';
import { person, verified, type Person } from '../model/fixtures/records';
import type { Verified } from '../model/verified';
import { postsOf } from '../model/content';
import { createSitePlanner, planSite, renderPlan } from './plan';
import { createPostsIndex } from './posts-index';
import type { SiteInput, SitePlan } from './types';

const people = [person('Ada'), person('Bo'), person('Cy')];
const country = openCountry(people[0]!, people.slice(1));
const TAGS = ['news', 'library', 'budget'];

/** One change to the records a country holds. */
export type Step =
	| { op: 'post'; by: number; tags: number[] }
	| { op: 'edit'; of: number; tags: number[] }
	| { op: 'retract'; of: number }
	| { op: 'drop'; of: number }
	| { op: 'restore' }
	| { op: 'hide'; who: number | null };

export const steps = fc.array(
	fc.oneof(
		{
			arbitrary: fc.record({
				op: fc.constant('post' as const),
				by: fc.nat(2),
				tags: fc.uniqueArray(fc.nat(2), { maxLength: 2 })
			}),
			weight: 5
		},
		{
			arbitrary: fc.record({
				op: fc.constant('edit' as const),
				of: fc.nat(),
				tags: fc.uniqueArray(fc.nat(2), { maxLength: 2 })
			}),
			weight: 3
		},
		{ arbitrary: fc.record({ op: fc.constant('retract' as const), of: fc.nat() }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant('drop' as const), of: fc.nat() }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant('restore' as const) }), weight: 1 },
		{
			arbitrary: fc.record({ op: fc.constant('hide' as const), who: fc.option(fc.nat(2)) }),
			weight: 1
		}
	),
	{ minLength: 1, maxLength: 14 }
);

/**
 * Replays `steps` and yields the site input after each: posts, edits of any revision (so
 * edits branch), retractions, records leaving the set (a parent with its edits still held)
 * and coming back, and a global filter hiding an author.
 */
export function* inputsOf(list: readonly Step[]): Generator<SiteInput> {
	const held: Verified[] = [];
	let dropped: Verified[] = [];
	let hidden: Person | null = null;
	let at = 1000;
	const posts = () => held.filter((r) => r.record.kind === 'post');
	for (const step of list) {
		at += 1000;
		if (step.op === 'post') {
			const by = people[step.by]!;
			const tags = step.tags.map((t) => TAGS[t]!);
			held.push(verified(postRecord(country.id, { by, at, title: `Post at ${at}`, tags })));
		} else if (step.op === 'edit' || step.op === 'retract' || step.op === 'drop') {
			const pool = step.op === 'drop' ? held : posts();
			const target = pool[step.of % Math.max(1, pool.length)];
			if (!target) continue;
			const by = people.find((p) => p.fingerprint === target.record.author)!;
			if (step.op === 'edit') {
				const tags = step.tags.map((t) => TAGS[t]!);
				const replaces = target.id;
				held.push(
					verified(postRecord(country.id, { by, at, title: `Edit at ${at}`, tags, replaces }))
				);
			} else if (step.op === 'retract') {
				held.push(verified(retractionRecord(country.id, { by, at, post: target })));
			} else {
				held.splice(held.indexOf(target), 1);
				dropped.push(target);
			}
		} else if (step.op === 'restore') {
			held.push(...dropped);
			dropped = [];
		} else {
			hidden = step.who === null ? null : people[step.who]!;
		}
		yield {
			country: country.derive(...held),
			baseUrl: 'https://x.example/',
			latestCount: 3,
			...(hidden ? { hiddenAuthors: new Set([hidden.fingerprint]) } : {})
		};
	}
}

function plan(result: ReturnType<typeof planSite>): SitePlan {
	if (!result.ok) throw new Error(result.message);
	return result.value;
}

const rendered = (p: SitePlan) =>
	renderPlan(p).map((f) => [f.path, typeof f.content === 'string' ? f.content : [...f.content]]);

describe('createSitePlanner', () => {
	it('plans, after any sequence of changes, exactly what planSite plans from scratch', () => {
		fc.assert(
			fc.property(steps, (list) => {
				const planner = createSitePlanner();
				for (const input of inputsOf(list)) {
					const incremental = plan(planner.plan(input));
					const full = plan(planSite(input));
					expect(incremental.files.map((f) => [f.path, f.key])).toEqual(
						full.files.map((f) => [f.path, f.key])
					);
					expect(rendered(incremental)).toEqual(rendered(full));
					expect(incremental.stats).toEqual(full.stats);
				}
			}),
			{ seed: 20261203, numRuns: 60 }
		);
	});

	it('keeps the keys of files a new post does not show up in, without deriving them again', () => {
		const planner = createSitePlanner();
		const first = verified(postRecord(country.id, { by: people[0]!, at: 5000, tags: ['news'] }));
		const second = verified(
			postRecord(country.id, { by: people[1]!, at: 6000, tags: ['library'] })
		);
		const before = plan(planner.plan({ country: country.derive(first) }));
		const after = plan(planner.plan({ country: country.derive(first, second) }));
		const page = (p: SitePlan, id: string) => p.files.find((f) => f.path === `posts/${id}.html`);
		// The same file object: the planner made nothing for the post that did not change.
		expect(page(after, first.id)).toBe(page(before, first.id));
		expect(page(after, second.id)).toBeDefined();
	});

	it('fails as planSite does, and plans again after a failure', () => {
		const planner = createSitePlanner();
		const input = { country: country.derive() };
		expect(planner.plan({ ...input, baseUrl: 'ftp://x' })).toMatchObject({
			ok: false,
			code: 'base_url_invalid'
		});
		expect(plan(planner.plan(input)).files.map((f) => f.key)).toEqual(
			plan(planSite(input)).files.map((f) => f.key)
		);
	});
});

describe('createPostsIndex', () => {
	// A family of revisions (edits of edits, a branch) and retractions: any subset of it, even
	// one no country would hold (an edit without its parent), gives what postsOf gives.
	const [ada, bo] = people as [Person, Person];
	const a1 = verified(postRecord(country.id, { by: ada, at: 10, tags: ['news'] }));
	const a2 = verified(postRecord(country.id, { by: ada, at: 20, replaces: a1.id }));
	const a3 = verified(postRecord(country.id, { by: ada, at: 30, replaces: a2.id, tags: ['x'] }));
	const a2b = verified(postRecord(country.id, { by: ada, at: 25, replaces: a1.id }));
	const b1 = verified(postRecord(country.id, { by: bo, at: 15 }));
	const b2 = verified(postRecord(country.id, { by: bo, at: 35, replaces: b1.id }));
	const family: Verified[] = [
		a1,
		a2,
		a3,
		a2b,
		b1,
		b2,
		verified(retractionRecord(country.id, { by: ada, at: 40, post: a2 })),
		verified(retractionRecord(country.id, { by: bo, at: 45, post: b2 })),
		verified(retractionRecord(country.id, { by: bo, at: 46, post: 'f'.repeat(64) }))
	];

	it('gives postsOf of any sequence of record sets', () => {
		fc.assert(
			fc.property(fc.array(fc.subarray(family), { minLength: 1, maxLength: 12 }), (sets) => {
				const index = createPostsIndex();
				for (const set of sets) {
					const visible = new Map(set.map((r) => [r.id, r]));
					expect(index.posts(visible)).toEqual(postsOf(visible));
				}
			}),
			{ seed: 20261203, numRuns: 200 }
		);
	});
});
