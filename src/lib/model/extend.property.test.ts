/**
 * `extendCountry` (a view plus newly arrived records) is `deriveCountry` of all the records,
 * for any split into what was held and what arrived, in any order and with repeats; and the
 * common case (new posts and edits by citizens) really reuses the previous view. Pinned
 * seeds; add failing ones to SEEDS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postsOf } from './content';
import { deriveCountry, extendCountry, type CountryView } from './country';
import type { AnyRecord } from './record';
import type { Verified } from './verified';
import { citizenRecord, genesisRecord, person, verified } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import { retractionRecord } from './fixtures/content';
import { filterRecord } from './fixtures/governance';

const SEEDS = [0xe47e, 0x5eed5];
const NUM_RUNS = 80;

const PEOPLE = ['founder', 'ann', 'ben', 'outsider'].map(person);
const CITIZENS = 3; // the outsider is never admitted
/** Well-formed base64 signatures, in ascending order: a copy may come with a smaller one. */
const SIGNATURES = ['QUFB', 'QkJC', 'Q0ND'];

const genesis = verified(genesisRecord({ founder: PEOPLE[0]!, at: 0, admission: 'open' }));
const COUNTRY = genesis.id;
const other = verified(genesisRecord({ founder: PEOPLE[3]!, at: 0, name: 'Elsewhere' }));

type Step =
	| { t: 'post'; who: number; at: number; edits: number | null }
	| { t: 'retract'; who: number; at: number; post: number }
	| { t: 'admit'; who: number; at: number }
	| { t: 'ban'; at: number; target: number }
	| { t: 'stray'; who: number; at: number };

const who = fc.nat(PEOPLE.length - 1);
const at = fc.integer({ min: 1, max: 40 });
const step: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 8,
		arbitrary: fc.record({
			t: fc.constant('post' as const),
			who: fc.oneof({ weight: 4, arbitrary: fc.nat(CITIZENS - 1) }, who),
			at,
			edits: fc.option(fc.nat(), { freq: 2 })
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('retract' as const), who, at, post: fc.nat() })
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('admit' as const), who, at }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('ban' as const), at, target: who }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('stray' as const), who, at }) }
);

/** The records of a plan: the genesis, two citizens, then one record per step. */
function build(steps: Step[]): Verified[] {
	const records: Verified[] = [
		genesis,
		...PEOPLE.slice(0, CITIZENS).map((p, i) =>
			verified(
				citizenRecord(COUNTRY, { who: p, at: i, admission: { type: i ? 'open' : 'founder' } })
			)
		)
	];
	const posts: Verified[] = [];
	const add = (record: AnyRecord) => {
		const r = verified(record);
		records.push(r);
		return r;
	};
	steps.forEach((s, i) => {
		if (s.t === 'post') {
			// An edit of an earlier post: often the author's own, sometimes someone else's.
			const edited = s.edits === null || !posts.length ? null : posts[s.edits % posts.length]!;
			const by = PEOPLE[s.who]!;
			const replaces = edited?.id ?? null;
			posts.push(add(postRecord(COUNTRY, { by, at: s.at, title: `post ${i}`, replaces })));
		} else if (s.t === 'retract' && posts.length) {
			const post = posts[s.post % posts.length]!;
			add(retractionRecord(COUNTRY, { by: PEOPLE[s.who]!, at: s.at, post }));
		} else if (s.t === 'admit') {
			add(citizenRecord(COUNTRY, { who: PEOPLE[s.who]!, at: s.at, admission: { type: 'open' } }));
		} else if (s.t === 'ban') {
			add(
				filterRecord(COUNTRY, {
					by: PEOPLE[0]!,
					at: s.at,
					target: PEOPLE[s.target]!,
					action: 'ban'
				})
			);
		} else if (s.t === 'stray') {
			// A post of another country: rejected everywhere.
			add(postRecord(other.id, { by: PEOPLE[s.who]!, at: s.at }));
		}
	});
	return records;
}

/** Everything a view says, in a form where equal views compare equal. */
const summary = (view: CountryView) => ({
	genesis: view.genesis?.id ?? null,
	valid: [...view.valid.values()].map((r) => `${r.id} ${r.signature}`).sort(),
	rejected: view.rejected.map((r) => `${r.id} ${r.code}`).sort(),
	citizens: view.citizens,
	government: { ...view.government, electionById: [...view.government.electionById.keys()] },
	posts: postsOf(view)
});

/** The records, each possibly repeated with another signature, in batches of any order. */
const arrivals = fc
	.array(step, { maxLength: 30 })
	.map(build)
	.chain((records) =>
		fc.record({
			records: fc.constant(records),
			order: fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
			copies: fc.array(fc.record({ i: fc.nat(), signature: fc.constantFrom(...SIGNATURES) }), {
				maxLength: 6
			}),
			cuts: fc.uniqueArray(fc.nat(), { maxLength: 4 })
		})
	)
	.map(({ order, copies, cuts }) => {
		const all = [
			...order,
			...copies.map(({ i, signature }) => ({ ...order[i % order.length]!, signature }))
		];
		const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
		const bounds = [0, ...points, all.length];
		return { all, batches: bounds.slice(1).map((end, k) => all.slice(bounds[k], end)) };
	});

describe('extendCountry', () => {
	for (const seed of SEEDS) {
		it(`equals deriveCountry of everything, for any split, order and repeats (seed ${seed})`, () => {
			fc.assert(
				fc.property(arrivals, ({ all, batches }) => {
					const [first = [], ...rest] = batches;
					let held: Verified[] = first;
					let view = deriveCountry(COUNTRY, held);
					for (const batch of rest) {
						held = [...held, ...batch];
						view = extendCountry(view, held, batch);
						expect(summary(view)).toEqual(summary(deriveCountry(COUNTRY, held)));
					}
					expect(summary(view)).toEqual(summary(deriveCountry(COUNTRY, all)));
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});
	}

	it('adds a citizen’s new post and its edit to the previous view, keeping everything else', () => {
		const base = build([
			{ t: 'post', who: 1, at: 5, edits: null },
			{ t: 'ban', at: 6, target: 3 }
		]);
		const prev = deriveCountry(COUNTRY, base);
		const post = verified(postRecord(COUNTRY, { by: PEOPLE[2]!, at: 9, title: 'new' }));
		const edit = verified(postRecord(COUNTRY, { by: PEOPLE[2]!, at: 8, replaces: post.id }));
		const next = extendCountry(prev, [...base, edit, post], [edit, post]);
		expect(next.valid.get(post.id)).toBe(post);
		expect(next.valid.get(edit.id)).toBe(edit);
		expect(next.citizens).toBe(prev.citizens);
		expect(next.government).toBe(prev.government);
		expect(prev.valid.has(post.id)).toBe(false); // the previous view is left as it was
		expect(summary(next)).toEqual(summary(deriveCountry(COUNTRY, [...base, post, edit])));
	});

	it('derives from scratch when a new post unblocks an edit that was waiting for it', () => {
		const post = verified(postRecord(COUNTRY, { by: PEOPLE[1]!, at: 5 }));
		const edit = verified(postRecord(COUNTRY, { by: PEOPLE[1]!, at: 6, replaces: post.id }));
		const base = [...build([]), edit];
		const prev = deriveCountry(COUNTRY, base);
		expect(prev.rejected.map((r) => r.code)).toEqual(['replaces_unknown']);
		const next = extendCountry(prev, [...base, post], [post]);
		expect(next.valid.has(edit.id)).toBe(true);
		expect(next.rejected).toEqual([]);
	});
});
