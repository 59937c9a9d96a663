import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retractionRecord } from '../model/fixtures/content';
import { postRecord } from '../model/fixtures/posts';
import { verified, type Person } from '../model/fixtures/records';
import type { Verified } from '../model/verified';
import { country, inputsOf, people, steps } from './fixtures-changes';
import { postsOf } from '../model/content';
import { createSitePlanner, planSite, renderPlan } from './plan';
import { createPostsIndex } from './posts-index';
import type { SitePlan } from './types';

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
