import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retractionRecord } from '../model/fixtures/content';
import { postRecord } from '../model/fixtures/posts';
import { verified, type Person } from '../model/fixtures/records';
import type { Verified } from '../model/verified';
import { extendCountry } from '../model/country';
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

const keysOf = (p: SitePlan) => new Map(p.files.map((f) => [f.path, f.key]));

/**
 * Checks `next.changes` against `previous` (the plan it was made from): the previous files
 * with those changes are exactly the next plan's files. Returns whether it had changes.
 */
function expectExactChanges(previous: SitePlan | null, next: SitePlan): boolean {
	if (!next.changes) return false;
	expect(previous?.stamp).toBeDefined();
	expect(next.changes.since).toBe(previous!.stamp);
	const patched = keysOf(previous!);
	for (const path of next.changes.removed) {
		expect(patched.has(path), path).toBe(true);
		patched.delete(path);
	}
	for (const f of next.changes.files) {
		expect(patched.get(f.path), f.path).not.toBe(f.key);
		patched.set(f.path, f.key);
	}
	expect([...patched].sort()).toEqual([...keysOf(next)].sort());
	return true;
}

describe('createSitePlanner', () => {
	it('plans, after any sequence of changes, exactly what planSite plans from scratch', () => {
		let fromLast = 0;
		let plans = 0;
		fc.assert(
			fc.property(steps, (list) => {
				const planner = createSitePlanner();
				let previous: SitePlan | null = null;
				for (const input of inputsOf(list)) {
					const incremental = plan(planner.plan(input));
					const full = plan(planSite(input));
					expect(incremental.files.map((f) => [f.path, f.key])).toEqual(
						full.files.map((f) => [f.path, f.key])
					);
					expect(rendered(incremental)).toEqual(rendered(full));
					expect(incremental.stats).toEqual(full.stats);
					expect(incremental.stats.files).toBe(incremental.files.length);
					if (expectExactChanges(previous, incremental)) fromLast++;
					plans++;
					previous = incremental;
				}
			}),
			{ seed: 20261203, numRuns: 40 }
		);
		// Steps that only add, edit, retract or drop posts (over half of them, by weight) are
		// planned from the last plan.
		expect(fromLast).toBeGreaterThan(plans / 3);
	});

	it('replays histories the country accepts: bans, features, newcomers and new names', () => {
		const views = [
			...inputsOf([
				{ op: 'post', by: 1, tags: [0] },
				{ op: 'ban', who: 1 },
				{ op: 'lift', who: 1 },
				{ op: 'feature', of: 0 },
				{ op: 'join', who: 0 },
				{ op: 'rename', who: 2 },
				{ op: 'burst', by: 2, count: 21, tag: 1 }
			])
		].map((input) => input.country);
		const bo = people[1]!.fingerprint;
		expect(views.map((v) => v.government.banned.has(bo))).toEqual([
			false,
			true,
			false,
			false,
			false,
			false,
			false
		]);
		expect(views[3]!.government.featured).toHaveLength(1);
		expect(views[4]!.citizens).toHaveLength(4);
		expect(views[5]!.citizenByKey.get(people[2]!.fingerprint)?.name).toBe('Cy 5');
		expect(postsOf(views[6]!).length).toBe(22);
		expect(views.every((v) => v.rejected.length === 0)).toBe(true);
	});

	it('crosses pages of 20 and sitemap parts of 1,000 from the last plan, as planSite does', () => {
		const [ada, bo] = people as [Person, Person];
		const planner = createSitePlanner();
		let at = 10_000;
		const records: Verified[] = [];
		const add = (by: Person, tags: string[]) => {
			const r = verified(postRecord(country.id, { by, at: at++, tags }));
			records.push(r);
			return r;
		};
		for (let i = 0; i < 998; i++) add(i % 2 ? ada : bo, i % 3 ? ['news'] : []);
		let view = country.derive(...records);
		let previous = plan(planner.plan({ country: view, baseUrl: 'https://x.example/' }));
		const all = () => [country.genesis, ...country.citizens, ...records];
		// Ada's blog holds 499 posts: 19 archive pages and a main page of 39; the 1,000th post
		// fills the first sitemap part, the 1,001st opens the second.
		for (let step = 0; step < 4; step++) {
			const r = add(ada, ['news']);
			view = extendCountry(view, all(), [r]);
			const input = { country: view, baseUrl: 'https://x.example/' };
			const next = plan(planner.plan(input));
			expect(expectExactChanges(previous, next)).toBe(true);
			expect(next.files.map((f) => [f.path, f.key])).toEqual(
				plan(planSite(input)).files.map((f) => [f.path, f.key])
			);
			// Its page and two records; its blog's and its tag's main page, each with a new archive
			// page and the one before it (whose "newer" link moves) when 20 more have come; the
			// tags, front page and feed; the sitemap's pages part, last (or new) posts part and
			// index: a few files, whatever the size of the site.
			expect(next.changes!.files.length).toBeLessThanOrEqual(17);
			previous = next;
		}
		expect(previous.files.some((f) => f.path === 'sitemap-posts-2.xml')).toBe(true);
		expect(previous.files.some((f) => f.path === `blogs/${ada.fingerprint}/page/20.html`)).toBe(
			true
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
		expect(expectExactChanges(before, after)).toBe(true);
		expect(after.changes!.files.map((f) => f.path)).not.toContain(`posts/${first.id}.html`);
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
