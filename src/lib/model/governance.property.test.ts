/**
 * Property tests for governance: the government is the same for any arrival order and any
 * repeats of the records; each voter counts once, with their latest ballot; a certified
 * result does not move when more ballots arrive. Pinned seeds; add failing ones to SEEDS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveCountry, type CountryView } from './country';
import {
	certificationParts,
	DAY_MS,
	tallyBallots,
	type BallotLike,
	type ElectionState
} from './governance';
import type { AnyRecord, RecordOf } from './record';
import type { Verified } from './verified';
import { citizenRecord, genesisRecord, person, verified } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import {
	ballotRecord,
	candidacyRecord,
	electionRecord,
	featureRecord,
	filterRecord,
	resultRecord
} from './fixtures/governance';

const SEEDS = [0x90e, 0xba110];
const NUM_RUNS = 60;

const PEOPLE = ['founder', 'p1', 'p2', 'p3', 'p4', 'outsider'].map(person);
const CITIZENS = 5; // the outsider is never admitted
const GRACE = DAY_MS / 4; // termDays 1: a quarter term
/** Two elections for term 1: windows [100, 200) and [150, 300). */
const WINDOWS = [
	{ opensAt: 100, closesAt: 200 },
	{ opensAt: 150, closesAt: 300 }
];

type Step =
	| { t: 'stand'; who: number; at: number; e: number }
	| { t: 'vote'; who: number; at: number; e: number; approve: number[]; twin: boolean }
	| { t: 'filter'; who: number; at: number; target: number; ban: boolean }
	| { t: 'feature'; who: number; at: number; post: number; on: boolean };

const who = fc.nat(PEOPLE.length - 1);
const voter = fc.oneof({ weight: 3, arbitrary: fc.nat(2) }, who); // a few voters, who vote often
const election = fc.nat(WINDOWS.length - 1);
// Inside, at the edges of and outside the windows; few values, so ties in time are common.
const at = fc.constantFrom(50, 99, 100, 120, 120, 150, 150, 180, 199, 200, 299, 300);
/** Mostly the standing candidates (p1, p2) and one who may stand (p3); now and then anyone. */
const approvals: fc.Arbitrary<number[]> = fc.oneof(
	{ weight: 4, arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 2 }), { minLength: 1 }) },
	{ weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1 }) },
	{ weight: 1, arbitrary: fc.constant<number[]>([]) },
	{ weight: 1, arbitrary: fc.uniqueArray(fc.nat(PEOPLE.length - 1), { maxLength: 3 }) }
);
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ t: fc.constant('stand' as const), who, at, e: election }) },
	{
		weight: 8,
		arbitrary: fc.record({
			t: fc.constant('vote' as const),
			who: voter,
			at,
			e: election,
			approve: approvals,
			// now and then a second ballot at the same time (R34)
			twin: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true))
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('filter' as const),
			who,
			at: fc.integer({ min: 0, max: DAY_MS }),
			target: who,
			ban: fc.boolean()
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('feature' as const),
			who,
			at: fc.integer({ min: 0, max: DAY_MS }),
			post: fc.nat(2),
			on: fc.boolean()
		})
	}
);
/** A certification by `who`, made after the first `after` steps (capped at all of them). */
type Certify = { who: number; e: number; delay: number; after: number };
const certify: fc.Arbitrary<Certify> = fc.record({
	who,
	e: election,
	delay: fc.constantFrom(-1, 0, 5, GRACE, GRACE + 5),
	after: fc.integer({ min: 10, max: 60 })
});
const world = fc.record({
	seats: fc.integer({ min: 1, max: 3 }),
	steps: fc.array(step, { maxLength: 40 }),
	certifications: fc.array(certify, { maxLength: 3 })
});

/**
 * Turn a plan into records. A certification counts what its author holds at that point
 * (every record before it), as a real peer would: later steps are records it never saw.
 */
function build(plan: { seats: number; steps: Step[]; certifications: Certify[] }) {
	const founder = PEOPLE[0]!;
	const genesis = verified(
		genesisRecord({ founder, at: 0, admission: 'open', seats: plan.seats, termDays: 1 })
	);
	const id = genesis.id;
	const records: Verified[] = [
		genesis,
		verified(citizenRecord(id, { who: founder, at: 1, admission: { type: 'founder' } })),
		...PEOPLE.slice(1, CITIZENS).map((p, i) =>
			verified(citizenRecord(id, { who: p, at: 2 + i, admission: { type: 'open' } }))
		)
	];
	const elections = WINDOWS.map((w, i) =>
		verified(electionRecord(id, { by: PEOPLE[i + 1]!, at: 10 + i, seats: plan.seats, ...w }))
	);
	const posts = [0, 1, 2].map((i) => verified(postRecord(id, { by: PEOPLE[i + 1]!, at: 20 + i })));
	// p1 and p2 stand in both elections; others may by a step.
	const standing = elections.flatMap((election) =>
		[1, 2].map((i) => verified(candidacyRecord(id, { by: PEOPLE[i]!, at: 60, election })))
	);
	records.push(...elections, ...posts, ...standing);
	const add = <R extends AnyRecord>(record: R) => records.push(verified(record));
	const certifyAfter = (step: number) => {
		for (const c of plan.certifications) {
			if (Math.min(c.after, plan.steps.length) !== step) continue;
			const by = PEOPLE[c.who % CITIZENS]!;
			const state = deriveCountry(id, records).government.electionById.get(elections[c.e]!.id)!;
			for (const body of certificationParts(state)) {
				add(resultRecord(id, { by, at: WINDOWS[c.e]!.closesAt + c.delay, body }));
			}
		}
	};
	plan.steps.forEach((s, i) => {
		certifyAfter(i);
		const by = PEOPLE[s.who]!;
		if (s.t === 'stand') add(candidacyRecord(id, { by, at: s.at, election: elections[s.e]! }));
		else if (s.t === 'vote') {
			const approve = s.approve.map((i) => PEOPLE[i]!);
			add(ballotRecord(id, { by, at: s.at, election: elections[s.e]!, approve }));
			if (s.twin) add(ballotRecord(id, { by, at: s.at, election: elections[s.e]!, approve: [] }));
		} else if (s.t === 'filter') {
			const target = PEOPLE[s.target]!;
			add(filterRecord(id, { by, at: s.at, target, action: s.ban ? 'ban' : 'lift' }));
		} else {
			const action = s.on ? 'feature' : 'unfeature';
			add(featureRecord(id, { by, at: s.at, post: posts[s.post]!, action }));
		}
	});
	certifyAfter(plan.steps.length);
	return { countryId: id, records, elections };
}

type LateBallot = { who: number; at: number; e: number; approve: number[] };
/**
 * Ballots cast after the plan's certifications (the live count then differs from the
 * result), and their records in a built country.
 */
const lateBallots = (minLength = 0, maxLength = 6): fc.Arbitrary<LateBallot[]> =>
	fc.array(fc.record({ who, at, e: election, approve: approvals }), { minLength, maxLength });
const ballotsIn = (built: ReturnType<typeof build>, ballots: readonly LateBallot[]) =>
	ballots.map((b) =>
		verified(
			ballotRecord(built.countryId, {
				by: PEOPLE[b.who]!,
				at: b.at,
				election: built.elections[b.e]!,
				approve: b.approve.map((i) => PEOPLE[i]!)
			})
		)
	);

const sortedEntries = (map: ReadonlyMap<string, number>) => [...map].sort();
const tallySummary = (t: ElectionState['live']) => ({
	...t,
	approvals: sortedEntries(t.approvals)
});

/** Everything the government says, in a form where equal governments compare equal. */
const summary = (view: CountryView) => ({
	valid: [...view.valid.keys()].sort(),
	rejected: view.rejected.map((r) => `${r.id} ${r.code}`).sort(),
	elections: view.government.elections.map((e) => ({
		...e,
		live: tallySummary(e.live),
		certified: e.certified && { ...e.certified, tally: tallySummary(e.certified.tally) },
		competing: e.competing.map((c) => ({ ...c, tally: tallySummary(c.tally) }))
	})),
	tenures: view.government.tenures,
	filterLog: view.government.filterLog,
	banned: [...view.government.banned].sort(),
	featured: view.government.featured
});

const reordered = world.chain((plan) => {
	const built = build(plan);
	return fc.record({
		built: fc.constant(built),
		shuffled: fc.shuffledSubarray(built.records, {
			minLength: built.records.length,
			maxLength: built.records.length
		}),
		repeats: fc.array(fc.nat(), { maxLength: 10 })
	});
});

/** Each voter's latest valid ballot in the election, rebuilt from scratch. */
function latestBallots(view: CountryView, electionId: string): string[] {
	const latest = new Map<string, Verified<RecordOf<'ballot'>>>();
	for (const r of view.valid.values()) {
		if (r.record.kind !== 'ballot' || r.record.body.election !== electionId) continue;
		const b = r as Verified<RecordOf<'ballot'>>;
		const seen = latest.get(b.record.author);
		const later =
			!seen || b.record.at > seen.record.at || (b.record.at === seen.record.at && b.id > seen.id);
		if (later) latest.set(b.record.author, b);
	}
	return [...latest.values()].map((b) => b.id).sort();
}

describe('governance properties', () => {
	for (const seed of SEEDS) {
		it(`the government is the same for any order and repeats of the records (seed ${seed})`, () => {
			fc.assert(
				fc.property(reordered, ({ built, shuffled, repeats }) => {
					const { countryId, records } = built;
					const extra = repeats.map((i) => records[i % records.length]!);
					const base = summary(deriveCountry(countryId, records));
					expect(summary(deriveCountry(countryId, [...shuffled, ...extra]))).toEqual(base);
					expect(summary(deriveCountry(countryId, [...extra, ...shuffled].reverse()))).toEqual(
						base
					);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`each voter counts once, with their latest valid ballot (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, lateBallots(), (plan, more) => {
					const built = build(plan);
					const { countryId, elections } = built;
					const records = [...built.records, ...ballotsIn(built, more)];
					const view = deriveCountry(countryId, records);
					for (const e of elections) {
						const state = view.government.electionById.get(e.id)!;
						expect(state.live.ballots).toEqual(latestBallots(view, e.id));
						const approvals = [...state.live.approvals.values()].reduce((a, b) => a + b, 0);
						const approved = state.live.ballots
							.map((id) => (view.valid.get(id) as Verified<RecordOf<'ballot'>>).record.body.approve)
							.reduce((n, list) => n + list.length, 0);
						expect(approvals).toBe(approved);
					}
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`the live count is a fresh count of the standing ballots, from any copies (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, lateBallots(), (plan, more) => {
					const built = build(plan);
					const { countryId, elections } = built;
					const records = [...built.records, ...ballotsIn(built, more)];
					const view = deriveCountry(countryId, records);
					// New objects for the same records: nothing kept from deriving the first ones.
					const copies = records.map((r) => verified(r.record));
					expect(summary(deriveCountry(countryId, copies))).toEqual(summary(view));
					expect(summary(deriveCountry(countryId, records))).toEqual(summary(view));
					for (const e of elections) {
						const state = view.government.electionById.get(e.id)!;
						const standing = [...view.valid.values()].filter(
							(r): r is Verified<RecordOf<'ballot'>> =>
								r.record.kind === 'ballot' && r.record.body.election === e.id
						);
						const fresh = tallyBallots(e.id, state.seats, standing);
						expect(tallySummary(state.live)).toEqual(tallySummary(fresh));
						// Candidates are listed in ranking order, however the ballots came.
						expect([...state.live.approvals.keys()]).toEqual(
							state.live.ranking.map((r) => r.candidate)
						);
					}
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`a certified result does not move when more ballots arrive (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, lateBallots(1, 10), (plan, ballots) => {
					const built = build(plan);
					const { countryId, records, elections } = built;
					const before = deriveCountry(countryId, records);
					const late = ballotsIn(built, ballots);
					const after = deriveCountry(countryId, [...records, ...late]);
					for (const e of elections) {
						const was = before.government.electionById.get(e.id)!.certified;
						const now = after.government.electionById.get(e.id)!.certified;
						if (was) expect(now && tallySummary(now.tally)).toEqual(tallySummary(was.tally));
					}
					expect(after.government.tenures).toEqual(before.government.tenures);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`tallyBallots counts a replaced ballot once, for any order and repeats (seed ${seed})`, () => {
			const ballot = fc.record({
				voter: fc.nat(5),
				at: fc.nat(20),
				approve: fc.uniqueArray(fc.nat(4), { maxLength: 4 })
			});
			fc.assert(
				fc.property(
					fc.array(ballot, { maxLength: 30 }),
					fc.nat(),
					fc.integer({ min: 1, max: 3 }),
					(plan, shuffleSeed, seats) => {
						const ballots: BallotLike[] = plan.map((b, i) => ({
							id: `${String(i).padStart(3, '0')}`,
							record: {
								author: `voter${b.voter}`,
								at: b.at,
								body: { approve: b.approve.map((c) => `candidate${c}`).sort() }
							}
						}));
						// From scratch: each voter's latest by (at, id), then count.
						const latest = new Map<string, BallotLike>();
						for (const b of ballots) {
							const seen = latest.get(b.record.author);
							if (
								!seen ||
								b.record.at > seen.record.at ||
								(b.record.at === seen.record.at && b.id > seen.id)
							) {
								latest.set(b.record.author, b);
							}
						}
						const expected = new Map<string, number>();
						for (const b of latest.values()) {
							for (const c of b.record.body.approve) expected.set(c, (expected.get(c) ?? 0) + 1);
						}
						const base = tallyBallots('election', seats, ballots);
						expect(sortedEntries(base.approvals)).toEqual(sortedEntries(expected));
						expect(base.ballots).toEqual([...latest.values()].map((b) => b.id).sort());
						const mixed = [...ballots, ...ballots.slice(0, shuffleSeed % 5)].sort(
							(a, b) =>
								((a.id.charCodeAt(2) * 31 + shuffleSeed) % 7) -
								((b.id.charCodeAt(2) * 31 + shuffleSeed) % 7)
						);
						const again = tallyBallots('election', seats, mixed);
						expect({ ...again, approvals: sortedEntries(again.approvals) }).toEqual({
							...base,
							approvals: sortedEntries(base.approvals)
						});
					}
				),
				{ seed, numRuns: NUM_RUNS * 3 }
			);
		});
	}
});
