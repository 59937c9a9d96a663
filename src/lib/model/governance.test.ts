import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveCountry, type CountryView } from './country';
import {
	certificationParts,
	currentTerm,
	DAY_MS,
	electionPhase,
	featuredPosts,
	hiddenAuthors,
	leadersAt,
	tallyBallots,
	termAt,
	termsOf,
	uncountedVoters,
	withoutHidden,
	type ElectionState
} from './governance';
import { recordSetDigest, sha256Hex } from './hash';
import { postsOf } from './content';
import type { ResultBody } from './kinds/result';
import type { AnyRecord } from './record';
import type { Verified } from './verified';
import { citizenRecord, genesisRecord, person, verified, type Person } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import { retractionRecord, verdict } from './fixtures/content';
import {
	ballotRecord,
	candidacyRecord,
	electionRecord,
	featureRecord,
	filterRecord,
	resultBody,
	resultRecord
} from './fixtures/governance';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const carol = person('carol');
const dave = person('dave');
const erin = person('erin');
const mallory = person('mallory'); // never a citizen

const TERM_DAYS = 30;
const TERM = TERM_DAYS * DAY_MS;
const GRACE = 2 * DAY_MS;

/**
 * An open country founded at 0 with 30-day terms and `seats` seats, where the founder, alice,
 * bob, carol, dave and erin are citizens (admitted at 1…6).
 */
function country(seats = 2) {
	const genesis = verified(
		genesisRecord({ founder, at: 0, admission: 'open', seats, termDays: TERM_DAYS })
	);
	const id = genesis.id;
	const citizens = [
		verified(citizenRecord(id, { who: founder, at: 1, admission: { type: 'founder' } })),
		...[alice, bob, carol, dave, erin].map((who, i) =>
			verified(citizenRecord(id, { who, at: 2 + i, admission: { type: 'open' } }))
		)
	];
	const make = <R extends AnyRecord>(record: R) => verified(record);
	return {
		id,
		genesis,
		citizens,
		seats,
		election: (
			by: Person,
			at: number,
			o: { term?: number; opensAt?: number; closesAt?: number; seats?: number } = {}
		) => make(electionRecord(id, { by, at, seats, ...o })),
		stand: (by: Person, at: number, election: { id: string }, statement?: string) =>
			make(candidacyRecord(id, { by, at, election, statement })),
		vote: (by: Person, at: number, election: { id: string }, approve: Person[]) =>
			make(ballotRecord(id, { by, at, election, approve })),
		result: (by: Person, at: number, body: ResultBody) => make(resultRecord(id, { by, at, body })),
		filter: (
			by: Person,
			at: number,
			target: Person,
			action: 'ban' | 'lift' = 'ban',
			reason?: string
		) => make(filterRecord(id, { by, at, target, action, reason })),
		feature: (
			by: Person,
			at: number,
			post: { id: string },
			action: 'feature' | 'unfeature' = 'feature'
		) => make(featureRecord(id, { by, at, post, action })),
		post: (by: Person, at: number) => make(postRecord(id, { by, at })),
		derive: (...records: Verified[]) => deriveCountry(id, [genesis, ...citizens, ...records])
	};
}

/** The election's state in a view; fails the test when the election is not valid there. */
function electionIn(view: CountryView, election: { id: string }): ElectionState {
	const state = view.government.electionById.get(election.id);
	if (!state) throw new Error(`election ${election.id} is not in the view`);
	return state;
}

const approvalsOf = (state: ElectionState) =>
	Object.fromEntries([...state.live.approvals].map(([fp, n]) => [fp, n]));

/** The standard first election: opens at 100, closes at 1000, for term 1. */
function firstElection(seats = 2) {
	const c = country(seats);
	const election = c.election(alice, 50, { opensAt: 100, closesAt: 1000 });
	return { c, election, closes: 1000 };
}

describe('[R31] an election', () => {
	it('[R31] an election by a citizen with the constitution’s seats is valid', () => {
		const { c, election } = firstElection();
		const view = c.derive(election);
		expect(verdict(view, election)).toBe('valid');
		expect(electionIn(view, election)).toMatchObject({
			term: 1,
			seats: 2,
			opensAt: 100,
			closesAt: 1000,
			author: alice.fingerprint,
			candidates: [],
			certified: null
		});
	});

	it('[R31] other seats than the constitution’s is election_invalid', () => {
		const c = country(2);
		const election = c.election(alice, 50, { seats: 3 });
		expect(verdict(c.derive(election), election)).toBe('election_invalid');
	});

	it('[R31] an election opened after its term ended is election_past', () => {
		const c = country();
		const election = c.election(alice, TERM + 5, {
			term: 1,
			opensAt: TERM + 5,
			closesAt: TERM + 10
		});
		expect(verdict(c.derive(election), election)).toBe('election_past');
	});

	it('[R31] an election closing after its term ends is election_past', () => {
		const c = country();
		const election = c.election(alice, 50, { term: 1, opensAt: 100, closesAt: TERM + 1 });
		expect(verdict(c.derive(election), election)).toBe('election_past');
	});

	it('[R31] an election closing exactly at the end of its term is valid', () => {
		const c = country();
		const election = c.election(alice, 50, { term: 1, opensAt: 100, closesAt: TERM });
		expect(verdict(c.derive(election), election)).toBe('valid');
	});

	it('[R31] an election for a later term is valid, and several for one term are all valid', () => {
		const c = country();
		const next = c.election(alice, 50, { term: 2, opensAt: TERM - 100, closesAt: TERM - 10 });
		const other = c.election(bob, 60, { term: 2, opensAt: 100, closesAt: 200 });
		const view = c.derive(next, other);
		expect([verdict(view, next), verdict(view, other)]).toEqual(['valid', 'valid']);
	});

	it('[R9] an election by a non-citizen is author_unknown', () => {
		const c = country();
		const election = c.election(mallory, 50);
		expect(verdict(c.derive(election), election)).toBe('author_unknown');
	});
});

describe('[R32] a candidacy', () => {
	it('[R32] a candidacy before closing (even before opening) is valid and lists the candidate', () => {
		const { c, election } = firstElection();
		const early = c.stand(bob, 60, election, 'I will listen.');
		const view = c.derive(election, early);
		expect(verdict(view, early)).toBe('valid');
		expect(electionIn(view, election).candidates).toEqual([
			{
				fingerprint: bob.fingerprint,
				candidacy: early.id,
				statement: 'I will listen.',
				declaredAt: 60
			}
		]);
	});

	it('[R32] a candidacy at or after closing is candidacy_closed', () => {
		const { c, election, closes } = firstElection();
		const late = c.stand(bob, closes, election);
		const view = c.derive(election, late);
		expect(verdict(view, late)).toBe('candidacy_closed');
		expect(electionIn(view, election).candidates).toEqual([]);
	});

	it('[R32] a candidacy for an election that is not here, or not valid, is election_unknown', () => {
		const { c, election } = firstElection();
		const invalid = c.election(alice, 50, { seats: 9 });
		const forMissing = c.stand(bob, 60, election);
		const forInvalid = c.stand(bob, 60, invalid);
		const view = c.derive(invalid, forMissing, forInvalid);
		expect(verdict(view, forMissing)).toBe('election_unknown');
		expect(verdict(view, forInvalid)).toBe('election_unknown');
	});

	it('[R32] a second candidacy updates the statement and keeps the first declaration time', () => {
		const { c, election } = firstElection();
		const first = c.stand(bob, 60, election, 'First words.');
		const second = c.stand(bob, 70, election, 'Better words.');
		const view = c.derive(second, election, first);
		expect(electionIn(view, election).candidates).toEqual([
			{
				fingerprint: bob.fingerprint,
				candidacy: second.id,
				statement: 'Better words.',
				declaredAt: 60
			}
		]);
	});

	it('[R9] a candidacy by a non-citizen is author_unknown', () => {
		const { c, election } = firstElection();
		const candidacy = c.stand(mallory, 60, election);
		expect(verdict(c.derive(election, candidacy), candidacy)).toBe('author_unknown');
	});
});

describe('[R33] a ballot', () => {
	const { c, election, closes } = firstElection();
	const bobStands = c.stand(bob, 60, election);
	const carolStands = c.stand(carol, 61, election);
	const base = [election, bobStands, carolStands];

	it('[R33] a ballot in the window approving candidates is valid and counted', () => {
		const ballot = c.vote(alice, 100, election, [bob, carol]);
		const view = c.derive(...base, ballot);
		expect(verdict(view, ballot)).toBe('valid');
		expect(approvalsOf(electionIn(view, election))).toEqual({
			[bob.fingerprint]: 1,
			[carol.fingerprint]: 1
		});
	});

	it('[R9] a ballot from a non-citizen is author_unknown and counts nothing', () => {
		const ballot = c.vote(mallory, 200, election, [bob]);
		const view = c.derive(...base, ballot);
		expect(verdict(view, ballot)).toBe('author_unknown');
		expect(electionIn(view, election).live.ballots).toEqual([]);
	});

	it('[R33] a ballot approving someone who is not a candidate is ballot_not_candidate', () => {
		const ballot = c.vote(alice, 200, election, [bob, dave]);
		const view = c.derive(...base, ballot);
		expect(verdict(view, ballot)).toBe('ballot_not_candidate');
		expect(electionIn(view, election).live.ballots).toEqual([]);
	});

	it('[R33] a ballot for a candidate whose candidacy was too late is ballot_not_candidate', () => {
		const late = c.stand(dave, closes + 1, election);
		const ballot = c.vote(alice, 200, election, [dave]);
		expect(verdict(c.derive(...base, late, ballot), ballot)).toBe('ballot_not_candidate');
	});

	it('[R33] a ballot becomes valid when the missing candidacy arrives', () => {
		const daveStands = c.stand(dave, 300, election);
		const ballot = c.vote(alice, 200, election, [dave]);
		expect(verdict(c.derive(...base, ballot), ballot)).toBe('ballot_not_candidate');
		expect(verdict(c.derive(...base, ballot, daveStands), ballot)).toBe('valid');
	});

	it.each([
		['before opening', 99],
		['at closing', 1000],
		['after closing', 5000]
	])('[R33] a ballot %s is ballot_outside_window', (_name, at) => {
		const ballot = c.vote(alice, at, election, [bob]);
		const view = c.derive(...base, ballot);
		expect(verdict(view, ballot)).toBe('ballot_outside_window');
		expect(electionIn(view, election).live.ballots).toEqual([]);
	});

	it('[R33] a ballot at the last millisecond of the window is valid', () => {
		const ballot = c.vote(alice, 999, election, [bob]);
		expect(verdict(c.derive(...base, ballot), ballot)).toBe('valid');
	});

	it('[R33] a ballot for an election that is not here is election_unknown', () => {
		const ballot = c.vote(alice, 200, election, [bob]);
		expect(verdict(c.derive(bobStands, ballot), ballot)).toBe('election_unknown');
	});

	it('[R33] an empty ballot is valid and withdraws the voter’s approvals', () => {
		const yes = c.vote(alice, 200, election, [bob]);
		const none = c.vote(alice, 300, election, []);
		const view = c.derive(...base, yes, none);
		expect(verdict(view, none)).toBe('valid');
		expect(electionIn(view, election).live).toMatchObject({
			ballots: [none.id],
			ranking: [],
			winners: []
		});
	});
});

describe('[R34] two ballots at once', () => {
	const { c, election, closes } = firstElection();
	const base = [election, c.stand(bob, 60, election), c.stand(carol, 61, election)];

	it('[R34] two ballots of one voter at the same time are both ballot_duplicate', () => {
		const forBob = c.vote(alice, 300, election, [bob]);
		const forCarol = c.vote(alice, 300, election, [carol]);
		const view = c.derive(...base, forBob, forCarol);
		expect(verdict(view, forBob)).toBe('ballot_duplicate');
		expect(verdict(view, forCarol)).toBe('ballot_duplicate');
	});

	it('[R34] then the voter’s earlier ballot counts', () => {
		const earlier = c.vote(alice, 200, election, [bob, carol]);
		const twinA = c.vote(alice, 300, election, [bob]);
		const twinB = c.vote(alice, 300, election, [carol]);
		const view = c.derive(...base, twinB, earlier, twinA);
		expect(verdict(view, earlier)).toBe('valid');
		expect(electionIn(view, election).live.ballots).toEqual([earlier.id]);
	});

	it('[R34] two voters at the same time are fine', () => {
		const a = c.vote(alice, 300, election, [bob]);
		const d = c.vote(dave, 300, election, [bob]);
		const view = c.derive(...base, a, d);
		expect([verdict(view, a), verdict(view, d)]).toEqual(['valid', 'valid']);
		expect(approvalsOf(electionIn(view, election))).toEqual({ [bob.fingerprint]: 2 });
	});

	it('[R34] a twin published after certification does not void the counted ballot', () => {
		const counted = c.vote(alice, 300, election, [bob]);
		const result = c.result(
			founder,
			closes,
			resultBody({ election, ballots: [counted], winners: [bob], tally: [[bob, 1]] })
		);
		const twin = c.vote(alice, 300, election, [carol]);
		const view = c.derive(...base, counted, result, twin);
		expect(verdict(view, counted)).toBe('valid');
		expect(verdict(view, twin)).toBe('ballot_duplicate');
		expect(verdict(view, result)).toBe('valid');
		expect(electionIn(view, election).certified?.tally.winners).toEqual([bob.fingerprint]);
	});
});

describe('[R35] a later ballot replaces an earlier one', () => {
	const { c, election } = firstElection();
	const base = [election, c.stand(bob, 60, election), c.stand(carol, 61, election)];

	it('[R35] only the voter’s latest ballot counts, once, whatever the arrival order', () => {
		const first = c.vote(alice, 200, election, [bob]);
		const second = c.vote(alice, 300, election, [carol]);
		for (const order of [
			[first, second],
			[second, first]
		]) {
			const view = c.derive(...base, ...order);
			expect(verdict(view, first)).toBe('valid'); // replaced, still a valid record
			expect(electionIn(view, election).live.ballots).toEqual([second.id]);
			expect(approvalsOf(electionIn(view, election))).toEqual({ [carol.fingerprint]: 1 });
		}
	});

	it('[R35] a ballot given twice counts once', () => {
		const ballot = c.vote(alice, 200, election, [bob]);
		const view = c.derive(...base, ballot, ballot, ballot);
		expect(approvalsOf(electionIn(view, election))).toEqual({ [bob.fingerprint]: 1 });
	});
});

describe('[R36] who certifies, and when', () => {
	const { c, election, closes } = firstElection();
	const bobStands = c.stand(bob, 60, election);
	const ballot = c.vote(alice, 200, election, [bob]);
	const base = [election, bobStands, ballot];
	const body = resultBody({ election, ballots: [ballot], winners: [bob], tally: [[bob, 1]] });

	it('[R36] the founder certifies the first election right after it closes', () => {
		const result = c.result(founder, closes, body);
		const view = c.derive(...base, result);
		expect(verdict(view, result)).toBe('valid');
		const state = electionIn(view, election);
		expect(state.outgoingLeaders).toEqual([founder.fingerprint]);
		expect(state.certified).toMatchObject({
			author: founder.fingerprint,
			at: closes,
			byOutgoingLeader: true,
			records: [result.id]
		});
		expect(state.certified?.tally.winners).toEqual([bob.fingerprint]);
	});

	it('[R36] a result dated before closing is result_forbidden', () => {
		const result = c.result(founder, closes - 1, body);
		expect(verdict(c.derive(...base, result), result)).toBe('result_forbidden');
	});

	it('[R36] a citizen who is not an outgoing leader cannot certify within the grace period', () => {
		const result = c.result(carol, closes + GRACE - 1, body);
		expect(verdict(c.derive(...base, result), result)).toBe('result_forbidden');
	});

	it('[R36] after the grace period any citizen may certify', () => {
		const result = c.result(carol, closes + GRACE, body);
		const view = c.derive(...base, result);
		expect(verdict(view, result)).toBe('valid');
		expect(electionIn(view, election).certified?.byOutgoingLeader).toBe(false);
	});

	it('[R9] a result by a non-citizen is author_unknown', () => {
		const result = c.result(mallory, closes + GRACE, body);
		expect(verdict(c.derive(...base, result), result)).toBe('author_unknown');
	});

	it('[R36] for the second term, the first term’s winners are the outgoing leaders, not the founder', () => {
		const first = c.result(founder, closes, body);
		const next = c.election(alice, TERM - 500, {
			term: 2,
			opensAt: TERM - 400,
			closesAt: TERM - 100
		});
		const carolStands = c.stand(carol, TERM - 450, next);
		const vote = c.vote(dave, TERM - 300, next, [carol]);
		const nextBody = resultBody({
			election: next,
			ballots: [vote],
			winners: [carol],
			tally: [[carol, 1]]
		});
		const byFounder = c.result(founder, TERM - 100, nextBody);
		const byBob = c.result(bob, TERM - 100, nextBody);
		const view = c.derive(...base, first, next, carolStands, vote, byFounder, byBob);
		expect(electionIn(view, next).outgoingLeaders).toEqual([bob.fingerprint]);
		expect(verdict(view, byFounder)).toBe('result_forbidden');
		expect(verdict(view, byBob)).toBe('valid');
	});

	it('[R36] a result for an election that is not here is election_unknown', () => {
		const result = c.result(founder, closes, body);
		expect(verdict(c.derive(bobStands, ballot, result), result)).toBe('election_unknown');
	});
});

describe('[R37] a result names exactly the ballots it counted', () => {
	const { c, election, closes } = firstElection();
	const stands = [c.stand(bob, 60, election), c.stand(carol, 61, election)];
	const votes = [
		c.vote(alice, 200, election, [bob]),
		c.vote(dave, 201, election, [bob, carol]),
		c.vote(erin, 202, election, [carol]),
		c.vote(founder, 203, election, [bob])
	];
	const base = [election, ...stands, ...votes];
	const whole = resultBody({
		election,
		ballots: votes,
		winners: [bob, carol],
		tally: [
			[bob, 3],
			[carol, 2]
		]
	});
	/** The same certification split into two parts of two ballots. */
	const split = (ids: string[][]): ResultBody[] =>
		ids.map((part, i) => ({ ...whole, part: i, parts: ids.length, ids: part }));
	const sortedIds = [...whole.ids];

	it('[R37] a certification in two parts is valid when both are here', () => {
		const [p0, p1] = split([sortedIds.slice(0, 2), sortedIds.slice(2)]).map((b, i) =>
			c.result(founder, closes + i, b)
		);
		const view = c.derive(...base, p1!, p0!);
		expect([verdict(view, p0!), verdict(view, p1!)]).toEqual(['valid', 'valid']);
		expect(electionIn(view, election).certified).toMatchObject({
			records: [p0!.id, p1!.id],
			at: closes + 1
		});
	});

	it('[R37] a missing part makes the others result_incomplete, until it arrives', () => {
		const [p0] = split([sortedIds.slice(0, 2), sortedIds.slice(2)]).map((b) =>
			c.result(founder, closes, b)
		);
		const view = c.derive(...base, p0!);
		expect(verdict(view, p0!)).toBe('result_incomplete');
		expect(electionIn(view, election).certified).toBeNull();
	});

	it('[R37] a part signed again is a copy: the earliest counts, and both are valid', () => {
		const parts = split([sortedIds.slice(0, 2), sortedIds.slice(2)]);
		const p0 = c.result(founder, closes, parts[0]!);
		const p0again = c.result(founder, closes + 5, parts[0]!);
		const p1 = c.result(founder, closes, parts[1]!);
		const view = c.derive(...base, p0again, p1, p0);
		expect([p0, p0again, p1].map((r) => verdict(view, r))).toEqual(['valid', 'valid', 'valid']);
		expect(electionIn(view, election).certified).toMatchObject({
			records: [p0.id, p1.id],
			at: closes
		});
	});

	it('[R37] two records for one part with different ids are result_mismatch', () => {
		const parts = split([sortedIds.slice(0, 2), sortedIds.slice(2)]);
		const p0 = c.result(founder, closes, parts[0]!);
		const p0other = c.result(founder, closes, { ...parts[0]!, ids: sortedIds.slice(0, 1) });
		const p1 = c.result(founder, closes, parts[1]!);
		expect(verdict(c.derive(...base, p0, p0other, p1), p1)).toBe('result_mismatch');
	});

	it('[R37] parts that disagree on the winners are separate certifications, each incomplete', () => {
		const parts = split([sortedIds.slice(0, 2), sortedIds.slice(2)]);
		const p0 = c.result(founder, closes, parts[0]!);
		const p1 = c.result(founder, closes, { ...parts[1]!, winners: [carol.fingerprint] });
		const view = c.derive(...base, p0, p1);
		expect([verdict(view, p0), verdict(view, p1)]).toEqual([
			'result_incomplete',
			'result_incomplete'
		]);
	});

	describe('[R37] a certifier cannot annul their own valid certification', () => {
		const honest = c.result(founder, closes, whole);
		const copy = c.result(founder, closes + DAY_MS, whole);
		const lying = c.result(founder, closes + 1, {
			...whole,
			winners: [carol.fingerprint, bob.fingerprint],
			tally: { [bob.fingerprint]: 2, [carol.fingerprint]: 3 }
		});
		const backDated = c.result(founder, closes - 1, whole);
		const [q0, q1] = split([sortedIds.slice(0, 2), sortedIds.slice(2)]).map((b) =>
			c.result(founder, closes + 2, b)
		);
		const hostile = [copy, lying, backDated, q0!, q1!];
		const alone = c.derive(...base, honest);

		it.each([
			{ name: 'signing the same count again later', records: [copy], code: 'valid' },
			{
				name: 'signing a lying tally of the same ballots',
				records: [lying],
				code: 'result_mismatch'
			},
			{
				name: 'signing a copy dated before closing',
				records: [backDated],
				code: 'result_forbidden'
			},
			{ name: 'signing the same count in two parts', records: [q0!, q1!], code: 'valid' }
		])('$name: $code', ({ records, code }) => {
			const view = c.derive(...base, honest, ...records);
			for (const record of records) expect(verdict(view, record)).toBe(code);
			expect(verdict(view, honest)).toBe('valid');
			expect(electionIn(view, election).certified?.records).toEqual([honest.id]);
			expect(view.government.tenures).toEqual(alone.government.tenures);
		});

		it('any order and repeats of them give the same country', () => {
			const all = [...base, honest, ...hostile];
			const expected = c.derive(...all);
			const summary = (view: CountryView) => {
				const e = electionIn(view, election);
				return {
					valid: [...view.valid.keys()].sort(),
					certified: e.certified,
					competing: e.competing,
					tenures: view.government.tenures
				};
			};
			expect(summary(expected).certified?.records).toEqual([honest.id]);
			expect(summary(expected).competing.map((x) => x.records)).toEqual([[q0!.id, q1!.id]]);
			const arrival = fc.record({
				order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
				repeats: fc.array(fc.nat(all.length - 1), { maxLength: 8 })
			});
			fc.assert(
				fc.property(arrival, ({ order, repeats }) => {
					const view = c.derive(...order, ...repeats.map((i) => all[i]!));
					expect(summary(view)).toEqual(summary(expected));
				}),
				{ seed: 0x3737, numRuns: 60 }
			);
		});
	});

	it('[R37] parts out of id order are result_mismatch', () => {
		const parts = split([sortedIds.slice(2), sortedIds.slice(0, 2)]);
		const records = parts.map((b) => c.result(founder, closes, b));
		expect(verdict(c.derive(...base, ...records), records[0]!)).toBe('result_mismatch');
	});

	it('[R37] a result naming a ballot that is not here is result_incomplete, until it arrives', () => {
		const result = c.result(founder, closes, whole);
		const withoutErin = base.filter((r) => r.id !== votes[2]!.id);
		expect(verdict(c.derive(...withoutErin, result), result)).toBe('result_incomplete');
		expect(verdict(c.derive(...withoutErin, result, votes[2]!), result)).toBe('valid');
	});

	it('[R37] a result naming an invalid ballot is result_incomplete', () => {
		const stray = c.vote(bob, closes + 10, election, [bob]); // outside the window
		const body = resultBody({
			election,
			ballots: [...votes, stray],
			winners: [bob, carol],
			tally: [
				[bob, 4],
				[carol, 2]
			]
		});
		const result = c.result(founder, closes, body);
		expect(verdict(c.derive(...base, stray, result), result)).toBe('result_incomplete');
	});
});

describe('[R38] every peer re-counts the named ballots', () => {
	const { c, election, closes } = firstElection(1);
	const stands = [c.stand(bob, 60, election), c.stand(carol, 61, election)];
	const votes = [c.vote(alice, 200, election, [bob]), c.vote(dave, 201, election, [bob, carol])];
	const base = [election, ...stands, ...votes];
	const honest = resultBody({
		election,
		ballots: votes,
		winners: [bob],
		tally: [
			[bob, 2],
			[carol, 1]
		]
	});

	it('[R38] a result whose count disagrees is result_mismatch', () => {
		const result = c.result(founder, closes, {
			...honest,
			tally: { ...honest.tally, [bob.fingerprint]: 3 }
		});
		const view = c.derive(...base, result);
		expect(verdict(view, result)).toBe('result_mismatch');
		expect(view.rejected.find((r) => r.id === result.id)?.message).toContain('disagrees');
		expect(electionIn(view, election).certified).toBeNull();
	});

	it('[R38] a result naming the wrong winners is result_mismatch', () => {
		const result = c.result(founder, closes, { ...honest, winners: [carol.fingerprint] });
		expect(verdict(c.derive(...base, result), result)).toBe('result_mismatch');
	});

	it('[R38] a result omitting an approved candidate from its tally is result_mismatch', () => {
		const result = c.result(founder, closes, { ...honest, tally: { [bob.fingerprint]: 2 } });
		expect(verdict(c.derive(...base, result), result)).toBe('result_mismatch');
	});

	it('[R38] a result whose digest does not match its ids is result_mismatch', () => {
		const result = c.result(founder, closes, { ...honest, ballots: sha256Hex('other') });
		expect(verdict(c.derive(...base, result), result)).toBe('result_mismatch');
	});

	it('[R38] a result whose count is not the number of ids is result_mismatch', () => {
		const result = c.result(founder, closes, { ...honest, count: 3 });
		expect(verdict(c.derive(...base, result), result)).toBe('result_mismatch');
	});

	it('[R38] a result counting one voter twice (a replaced ballot too) is result_mismatch', () => {
		const replaced = c.vote(alice, 150, election, [carol]);
		const body = resultBody({
			election,
			ballots: [...votes, replaced],
			winners: [bob],
			tally: [
				[bob, 2],
				[carol, 2]
			]
		});
		const result = c.result(founder, closes, body);
		const view = c.derive(...base, replaced, result);
		expect(verdict(view, result)).toBe('result_mismatch');
		expect(view.rejected.find((r) => r.id === result.id)?.message).toContain('more than once');
	});

	it('[R38] once certified, later and back-dated ballots change nothing', () => {
		const result = c.result(founder, closes, honest);
		const backDated = c.vote(erin, 500, election, [carol]); // cast late, dated in the window
		const changedMind = c.vote(alice, 900, election, [carol]); // replaces a counted ballot
		const third = c.vote(founder, 950, election, [carol]);
		const before = c.derive(...base, result);
		const after = c.derive(...base, result, backDated, changedMind, third);
		const state = electionIn(after, election);
		expect(verdict(after, result)).toBe('valid');
		expect(state.certified?.tally).toEqual(electionIn(before, election).certified?.tally);
		expect(state.certified?.tally.winners).toEqual([bob.fingerprint]);
		expect(state.live.winners).toEqual([carol.fingerprint]); // our own count now differs…
		expect(uncountedVoters(state)).toBe(3); // …and says by how much
		expect(leadersAt(after, closes + 1)).toEqual([bob.fingerprint]);
	});
});

describe('[R39] the count and the winners', () => {
	it('[R39] winners are the most approved, as many as the seats', () => {
		const { c, election } = firstElection(2);
		const stands = [bob, carol, dave].map((p, i) => c.stand(p, 60 + i, election));
		const votes = [
			c.vote(alice, 200, election, [bob, carol]),
			c.vote(erin, 201, election, [carol]),
			c.vote(founder, 202, election, [carol, dave, bob])
		];
		const state = electionIn(c.derive(election, ...stands, ...votes), election);
		expect(state.live.ranking).toEqual([
			{ candidate: carol.fingerprint, approvals: 3 },
			{ candidate: bob.fingerprint, approvals: 2 },
			{ candidate: dave.fingerprint, approvals: 1 }
		]);
		expect(state.live.winners).toEqual([carol.fingerprint, bob.fingerprint]);
	});

	it('[R39] a tie is broken by the lottery drawn from the election id', () => {
		const { c, election } = firstElection(1);
		const stands = [bob, carol].map((p, i) => c.stand(p, 60 + i, election));
		const votes = [c.vote(alice, 200, election, [bob]), c.vote(dave, 201, election, [carol])];
		const state = electionIn(c.derive(election, ...stands, ...votes), election);
		const ticket = (p: Person) => sha256Hex(`${election.id}\n${p.fingerprint}`);
		const expected = ticket(bob) < ticket(carol) ? bob : carol;
		expect(state.live.winners).toEqual([expected.fingerprint]);
		// the same for any order of the ballots
		const reversed = electionIn(c.derive(...[...votes].reverse(), ...stands, election), election);
		expect(reversed.live.winners).toEqual([expected.fingerprint]);
	});

	it('[R39] a candidate nobody approves is not elected, even with seats to spare', () => {
		const { c, election } = firstElection(2);
		const stands = [bob, carol].map((p, i) => c.stand(p, 60 + i, election));
		const state = electionIn(
			c.derive(election, ...stands, c.vote(alice, 200, election, [bob])),
			election
		);
		expect(state.live.winners).toEqual([bob.fingerprint]);
	});

	it('[R39][R41] no candidates: the result elects nobody and the sitting leaders stay', () => {
		const { c, election, closes } = firstElection();
		const body = resultBody({ election, ballots: [], winners: [], tally: [] });
		const result = c.result(founder, closes, body);
		const view = c.derive(election, result);
		expect(verdict(view, result)).toBe('valid');
		expect(electionIn(view, election).certified?.tally.winners).toEqual([]);
		expect(view.government.tenures).toEqual([]);
		expect(leadersAt(view, closes + 10)).toEqual([founder.fingerprint]);
	});

	it('[R39] tallyBallots agrees with certificationParts: what we certify is what we count', () => {
		const { c, election, closes } = firstElection(1);
		const stands = [bob, carol].map((p, i) => c.stand(p, 60 + i, election));
		const votes = [c.vote(alice, 200, election, [bob]), c.vote(dave, 201, election, [bob, carol])];
		const before = c.derive(election, ...stands, ...votes);
		const parts = certificationParts(electionIn(before, election)).map((b) =>
			c.result(founder, closes, b)
		);
		const view = c.derive(election, ...stands, ...votes, ...parts);
		expect(parts.map((p) => verdict(view, p))).toEqual(['valid']);
		expect(electionIn(view, election).certified?.tally).toEqual(
			tallyBallots(election.id, 1, votes)
		);
	});
});

describe('[R40] competing results', () => {
	const { c, election, closes } = firstElection(1);
	const stands = [c.stand(bob, 60, election), c.stand(carol, 61, election)];
	const votes = [
		c.vote(alice, 200, election, [bob]),
		c.vote(dave, 201, election, [carol]),
		c.vote(erin, 202, election, [carol])
	];
	const base = [election, ...stands, ...votes];
	const complete = resultBody({
		election,
		ballots: votes,
		winners: [carol],
		tally: [
			[bob, 1],
			[carol, 2]
		]
	});
	const partial = resultBody({ election, ballots: [votes[0]!], winners: [bob], tally: [[bob, 1]] });

	it('[R40] the outgoing leaders’ result beats a citizen’s, even one counting more ballots', () => {
		const byFounder = c.result(founder, closes + 10 * GRACE, partial);
		const byCitizen = c.result(erin, closes + GRACE, complete);
		for (const order of [
			[byFounder, byCitizen],
			[byCitizen, byFounder]
		]) {
			const view = c.derive(...base, ...order);
			const state = electionIn(view, election);
			expect(state.certified?.records).toEqual([byFounder.id]);
			expect(state.competing.map((x) => x.records)).toEqual([[byCitizen.id]]);
			expect(verdict(view, byCitizen)).toBe('valid'); // a correct count, just not chosen
		}
	});

	it('[R40] between citizens’ results, the one counting more ballots wins', () => {
		const small = c.result(alice, closes + GRACE, partial);
		const large = c.result(erin, closes + 2 * GRACE, complete);
		const view = c.derive(...base, large, small);
		expect(electionIn(view, election).certified?.records).toEqual([large.id]);
		expect(leadersAt(view, closes + 3 * GRACE)).toEqual([carol.fingerprint]);
	});

	it('[R40] with equal counts, the earlier result wins, then the smaller id', () => {
		const early = c.result(alice, closes + GRACE, complete);
		const late = c.result(erin, closes + GRACE + 1, complete);
		expect(electionIn(c.derive(...base, late, early), election).certified?.records).toEqual([
			early.id
		]);
		const a = c.result(alice, closes + GRACE, complete);
		const b = c.result(erin, closes + GRACE, complete);
		const smaller = a.id < b.id ? a : b;
		expect(electionIn(c.derive(...base, b, a), election).certified?.records).toEqual([smaller.id]);
	});

	it('[R40] of two certified elections for one term, the stronger certification gives the leaders', () => {
		const other = c.election(bob, 70, { opensAt: 100, closesAt: 2000 });
		const otherStands = c.stand(dave, 80, other);
		const otherVotes = [c.vote(alice, 300, other, [dave]), c.vote(bob, 301, other, [dave])];
		const otherResult = c.result(
			founder,
			2000,
			resultBody({ election: other, ballots: otherVotes, winners: [dave], tally: [[dave, 2]] })
		);
		const result = c.result(founder, closes, complete);
		const view = c.derive(...base, result, other, otherStands, ...otherVotes, otherResult);
		expect(view.government.tenures).toEqual([
			{ term: 1, from: closes, leaders: [carol.fingerprint], election: election.id }
		]);
	});
});

describe('[R41] terms and leaders', () => {
	const { c, election, closes } = firstElection(1);
	const stand = c.stand(bob, 60, election);
	const vote = c.vote(alice, 200, election, [bob]);
	const result = c.result(
		founder,
		closes + 50,
		resultBody({ election, ballots: [vote], winners: [bob], tally: [[bob, 1]] })
	);
	const view = c.derive(election, stand, vote, result);

	it('[R41] terms follow the constitution from the founding', () => {
		const terms = termsOf({ termDays: TERM_DAYS }, 0);
		expect([termAt(terms, 0), termAt(terms, TERM - 1), termAt(terms, TERM)]).toEqual([1, 1, 2]);
		expect(currentTerm(view, TERM + 5)).toMatchObject({
			term: 2,
			startsAt: TERM,
			endsAt: 2 * TERM
		});
	});

	it('[R41] the founder leads until the first certified winners take office', () => {
		expect(leadersAt(view, closes + 49)).toEqual([founder.fingerprint]);
		expect(leadersAt(view, closes + 50)).toEqual([bob.fingerprint]);
		expect(currentTerm(view, closes + 49).tenure).toBeNull();
		expect(currentTerm(view, closes + 50)).toMatchObject({
			term: 1,
			leaders: [bob.fingerprint],
			tenure: { term: 1, from: closes + 50, election: election.id }
		});
	});

	it('[R41] leaders stay on past their term until the next elected ones', () => {
		expect(leadersAt(view, 5 * TERM)).toEqual([bob.fingerprint]);
	});

	it('[R41] the next term’s leaders take office when their term starts', () => {
		const next = c.election(alice, TERM - 500, {
			term: 2,
			opensAt: TERM - 400,
			closesAt: TERM - 100
		});
		const carolStands = c.stand(carol, TERM - 450, next);
		const v2 = c.vote(dave, TERM - 300, next, [carol]);
		const r2 = c.result(
			bob,
			TERM - 100,
			resultBody({ election: next, ballots: [v2], winners: [carol], tally: [[carol, 1]] })
		);
		const later = c.derive(election, stand, vote, result, next, carolStands, v2, r2);
		expect(leadersAt(later, TERM - 1)).toEqual([bob.fingerprint]);
		expect(leadersAt(later, TERM)).toEqual([carol.fingerprint]);
		expect(later.government.tenures.map((t) => [t.term, t.from])).toEqual([
			[1, closes + 50],
			[2, TERM]
		]);
	});

	it('[R41] electionPhase follows the window and the certification', () => {
		const { c: c2, election: e2 } = firstElection();
		const state = electionIn(c2.derive(e2), e2);
		expect(
			['upcoming', 'open', 'counting'].map((_, i) => electionPhase(state, [99, 100, 1000][i]!))
		).toEqual(['upcoming', 'open', 'counting']);
		expect(electionPhase(electionIn(view, election), 0)).toBe('certified');
	});
});

describe('[R42] filters and features come from sitting leaders', () => {
	const { c, election, closes } = firstElection(1);
	const stand = c.stand(bob, 60, election);
	const vote = c.vote(alice, 200, election, [bob]);
	const result = c.result(
		founder,
		closes,
		resultBody({ election, ballots: [vote], winners: [bob], tally: [[bob, 1]] })
	);
	const governed = [election, stand, vote, result];

	it('[R42] the founder may filter before anyone is elected', () => {
		const ban = c.filter(founder, 10, carol);
		expect(verdict(c.derive(ban), ban)).toBe('valid');
	});

	it('[R42] a filter from a citizen who is not a sitting leader is not_leader', () => {
		const ban = c.filter(alice, 10, carol);
		const view = c.derive(ban);
		expect(verdict(view, ban)).toBe('not_leader');
		expect(hiddenAuthors(view).size).toBe(0);
	});

	it('[R42] an elected leader may filter; the founder no longer may', () => {
		const byBob = c.filter(bob, closes + 1, carol);
		const byFounder = c.filter(founder, closes + 1, dave);
		const view = c.derive(...governed, byBob, byFounder);
		expect(verdict(view, byBob)).toBe('valid');
		expect(verdict(view, byFounder)).toBe('not_leader');
	});

	it('[R42] the founder’s filters from before the election stay valid after it', () => {
		const early = c.filter(founder, 10, carol);
		expect(verdict(c.derive(...governed, early), early)).toBe('valid');
	});

	it('[R42] a feature from a non-leader is not_leader; from a leader it is valid', () => {
		const post = c.post(carol, 20);
		const byAlice = c.feature(alice, closes + 1, post);
		const byBob = c.feature(bob, closes + 1, post);
		const view = c.derive(...governed, post, byAlice, byBob);
		expect(verdict(view, byAlice)).toBe('not_leader');
		expect(verdict(view, byBob)).toBe('valid');
	});

	it('[R9] a filter from a non-citizen is author_unknown', () => {
		const ban = c.filter(mallory, 10, carol);
		expect(verdict(c.derive(ban), ban)).toBe('author_unknown');
	});
});

describe('[R43] what the leaders decide', () => {
	const c = country();

	it('[R43] a ban hides the author’s posts; the log shows it with its reason', () => {
		const spam = c.post(carol, 20);
		const fine = c.post(dave, 21);
		const ban = c.filter(founder, 30, carol, 'ban', 'Advertising, again');
		const view = c.derive(spam, fine, ban);
		expect([...hiddenAuthors(view)]).toEqual([carol.fingerprint]);
		expect(withoutHidden(postsOf(view), view).map((p) => p.id)).toEqual([fine.id]);
		expect(view.government.filterLog).toEqual([
			{
				id: ban.id,
				leader: founder.fingerprint,
				at: 30,
				target: carol.fingerprint,
				action: 'ban',
				reason: 'Advertising, again'
			}
		]);
		expect(verdict(view, spam)).toBe('valid'); // hidden, not altered or removed
	});

	it('[R43] a later lift lets the author back; the log keeps both, newest first', () => {
		const ban = c.filter(founder, 30, carol);
		const lift = c.filter(founder, 40, carol, 'lift', 'Apologised');
		const view = c.derive(lift, ban);
		expect(hiddenAuthors(view).size).toBe(0);
		expect(view.government.filterLog.map((f) => f.id)).toEqual([lift.id, ban.id]);
	});

	it('[R43] of a ban and a lift at the same time, the larger id decides', () => {
		const ban = c.filter(founder, 30, carol);
		const lift = c.filter(founder, 30, carol, 'lift');
		const last = ban.id > lift.id ? 'ban' : 'lift';
		expect(hiddenAuthors(c.derive(lift, ban)).has(carol.fingerprint)).toBe(last === 'ban');
		expect(hiddenAuthors(c.derive(ban, lift)).has(carol.fingerprint)).toBe(last === 'ban');
	});

	it('[R43] featured posts: most recently featured first; unfeatured, retracted and banned ones go', () => {
		const a = c.post(alice, 20);
		const b = c.post(bob, 21);
		const d = c.post(dave, 22);
		const e = c.post(erin, 23);
		const records = [
			a,
			b,
			d,
			e,
			c.feature(founder, 30, a),
			c.feature(founder, 31, b),
			c.feature(founder, 32, d),
			c.feature(founder, 33, e),
			c.feature(founder, 34, b, 'unfeature'),
			verified(retractionRecord(c.id, { by: dave, at: 35, post: d })),
			c.filter(founder, 36, erin)
		];
		const view = c.derive(...records);
		expect(view.government.featured.map((f) => f.post)).toEqual([e.id, d.id, a.id]);
		expect(featuredPosts(view, postsOf(view)).map((p) => p.id)).toEqual([a.id]);
	});
});

describe('governance of a seceded country', () => {
	it('the parent’s elections and filters do not govern the child', () => {
		const parent = country();
		const ban = parent.filter(founder, 10, carol);
		const election = parent.election(alice, 50);
		const parentView = parent.derive(ban, election);
		const ids = [...parentView.valid.keys()];
		const child = verified(
			genesisRecord({
				founder: alice,
				at: 100,
				name: 'Child',
				parent: { country: parent.id, recordSet: recordSetDigest(ids), records: ids.length }
			})
		);
		const view = deriveCountry(child.id, [...parentView.valid.values(), child]);
		expect(view.valid.has(ban.id)).toBe(true); // R24: still a valid record here
		expect(hiddenAuthors(view).size).toBe(0);
		expect(view.government.elections).toEqual([]);
		expect(leadersAt(view, 200)).toEqual([alice.fingerprint]);
	});
});
