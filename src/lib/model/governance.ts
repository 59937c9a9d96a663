/**
 * Self-government as a pure derivation of a country's records: elections and their live
 * tally, certified results, the leaders of each term, the leaders' public filter log and
 * featured posts. Rules R31–R43 in docs/records.md.
 *
 * Time is always an argument — a record's own `at`, or the caller's `now` for "what is
 * happening at this moment" — never a clock read here, so every peer with the same records
 * derives the same government.
 *
 * Cost: one pass over the ballots gathers each election's box (by id, each voter's latest);
 * a certification's re-count happens while its named ballots are looked up; the live count
 * is the certified tally itself when it covers the same ballots; the digest of a result's
 * ballot ids is hashed once per set of part records (see `certifiedDigests`).
 */
import type { BlogPost } from './content';
import type { CountryView } from './country';
import { sha256Hex } from './hash';
import type { Constitution } from './kinds/genesis';
import type { FeatureAction } from './kinds/feature';
import type { FilterAction } from './kinds/filter';
import { RESULT_IDS_PER_PART, type ResultBody } from './kinds/result';
import type { AnyRecord, RecordOf } from './record';
import type { ReasonCode } from './result';
import type { Verified } from './verified';

export const DAY_MS = 86_400_000;
/** Outgoing leaders alone may certify for this long after closing (or a quarter term, if shorter). */
export const CERTIFICATION_GRACE_MAX_MS = 2 * DAY_MS;

export const GOVERNANCE_KINDS = [
	'election',
	'candidacy',
	'ballot',
	'result',
	'filter',
	'feature'
] as const satisfies readonly AnyRecord['kind'][];
export type GovernanceKind = (typeof GOVERNANCE_KINDS)[number];
export const isGovernanceKind = (kind: string): kind is GovernanceKind =>
	(GOVERNANCE_KINDS as readonly string[]).includes(kind);

/** The country's calendar: term k runs from foundedAt + (k − 1)·termMs for termMs. */
export type Terms = { foundedAt: number; termMs: number; graceMs: number };

export function termsOf(constitution: Pick<Constitution, 'termDays'>, foundedAt: number): Terms {
	const termMs = constitution.termDays * DAY_MS;
	return { foundedAt, termMs, graceMs: Math.min(CERTIFICATION_GRACE_MAX_MS, termMs / 4) };
}
export const termStart = (terms: Terms, term: number): number =>
	terms.foundedAt + (term - 1) * terms.termMs;
export const termEnd = (terms: Terms, term: number): number => termStart(terms, term + 1);
/** The term in progress at `time`, from 1; 0 before the founding. */
export const termAt = (terms: Terms, time: number): number =>
	time < terms.foundedAt ? 0 : Math.floor((time - terms.foundedAt) / terms.termMs) + 1;

export type Candidate = {
	fingerprint: string;
	/** Their latest candidacy by (at, id): its statement is shown. */
	candidacy: string;
	statement: string;
	/** When they first declared. */
	declaredAt: number;
};

export type Tally = {
	/** The counted ballots, ascending: each voter's latest valid ballot (R35). */
	ballots: string[];
	/** recordSetDigest of `ballots`: what a result names. */
	digest: string;
	/** Candidate → approvals; only candidates with at least one. */
	approvals: ReadonlyMap<string, number>;
	/** The approved candidates, best first (R39). */
	ranking: { candidate: string; approvals: number }[];
	/** The first `seats` of the ranking. */
	winners: string[];
};

export type Certification = {
	election: string;
	/** Its result records, by part. */
	records: string[];
	author: string;
	/** When it was complete: the latest `at` of its parts. */
	at: number;
	/** Signed by an outgoing leader, rather than by a citizen after the grace period (R36). */
	byOutgoingLeader: boolean;
	/** Our own count over exactly the ballots it names; it agrees, or it would not be here. */
	tally: Tally;
};

export type ElectionState = {
	id: string;
	author: string;
	at: number;
	term: number;
	seats: number;
	opensAt: number;
	closesAt: number;
	/** In order of declaration. */
	candidates: Candidate[];
	/** Our own count over every valid ballot held now. */
	live: Tally;
	/** The accepted result (R40), or null while there is none. */
	certified: Certification | null;
	/** Other valid results for this election, which lost to `certified` (R40). */
	competing: Certification[];
	/** Who could certify it within the grace period (R36): the leaders when it closed. */
	outgoingLeaders: string[];
};

/** The leaders of one term, from its certified election. */
export type Tenure = {
	term: number;
	/** They take office at the later of the term's start and the certification (R41). */
	from: number;
	leaders: string[];
	election: string;
};

export type FilterEntry = {
	id: string;
	leader: string;
	at: number;
	target: string;
	action: FilterAction;
	reason: string;
};

export type FeatureEntry = { id: string; leader: string; at: number; post: string };

export type Government = {
	terms: Terms | null;
	founder: string | null;
	/** By term, then (at, id). */
	elections: ElectionState[];
	electionById: ReadonlyMap<string, ElectionState>;
	/** By term: the terms whose certified election elected someone. */
	tenures: Tenure[];
	/** Every valid filter, newest first: the public log. */
	filterLog: FilterEntry[];
	/** Authors whose latest filter is a ban: hidden from the public site. */
	banned: ReadonlySet<string>;
	/** Posts featured now (their latest feature record features them), newest first. */
	featured: FeatureEntry[];
};

export type GovernanceRejection = { record: Verified; code: ReasonCode; message: string };

export const emptyGovernment = (): Government => ({
	terms: null,
	founder: null,
	elections: [],
	electionById: new Map(),
	tenures: [],
	filterLog: [],
	banned: new Set(),
	featured: []
});

type ByTime = { id: string; record: { at: number } };
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const oldestFirst = (a: ByTime, b: ByTime): number =>
	a.record.at - b.record.at || compareIds(a.id, b.id);

/** What a tally needs of a ballot: its voter, time and approvals. */
export type BallotLike = {
	id: string;
	record: { author: string; at: number; body: { approve: readonly string[] } };
};

/**
 * The lottery that breaks ties (R39): SHA-256 of the election id and the candidate. No
 * candidate controls it once the election exists, and every peer draws the same.
 */
const lotteryTicket = (election: string, candidate: string): string =>
	sha256Hex(`${election}\n${candidate}`);

/**
 * Count approval ballots (R35, R39): each voter's latest ballot by (at, id) counts once; a
 * candidate's approvals are the counted ballots approving them; the ranking is by approvals,
 * ties broken by the lottery; the winners are the first `seats` of it. A candidate no
 * counted ballot approves is not ranked and cannot win.
 */
export function tallyBallots(
	election: string,
	seats: number,
	ballots: Iterable<BallotLike>
): Tally {
	const latest = new Map<string, BallotLike>();
	for (const ballot of ballots) {
		const seen = latest.get(ballot.record.author);
		if (!seen || oldestFirst(seen, ballot) < 0) latest.set(ballot.record.author, ballot);
	}
	return tallyOfLatest(election, seats, latest);
}

/** recordSetDigest of ids already ascending without repeats: the same hash, without a sort. */
const digestOfSorted = (ids: readonly string[]): string => sha256Hex(ids.join('\n'));

/**
 * The digest of a certification's ballot ids (its parts' `ids` lists, in part order), kept
 * per list object: hashing 10,000 ids is the bulk of a re-count, and a peer derives the same
 * result records again on every change. Records are immutable once parsed, so the same list
 * objects in the same order always hash alike; anything else is hashed afresh.
 */
const certifiedDigests = new WeakMap<
	readonly string[],
	{ lists: readonly (readonly string[])[]; digest: string }
>();
function digestOfParts(lists: readonly (readonly string[])[], ids: readonly string[]): string {
	const known = lists[0] && certifiedDigests.get(lists[0]);
	if (known && known.lists.length === lists.length && known.lists.every((l, i) => l === lists[i])) {
		return known.digest;
	}
	const digest = digestOfSorted(ids);
	if (lists[0]) certifiedDigests.set(lists[0], { lists: [...lists], digest });
	return digest;
}

/** Add a ballot's approvals to `counts` (candidate → approvals). */
const countApprovals = (counts: Map<string, number>, ballot: BallotLike): void => {
	for (const candidate of ballot.record.body.approve) {
		counts.set(candidate, (counts.get(candidate) ?? 0) + 1);
	}
};

/**
 * The tally (R39) of ballots of distinct voters: their approvals counted (`counts`), their
 * ids ascending and the digest of those ids. `approvals` lists the candidates in ranking
 * order, so two counts of the same ballots are equal whatever order the ballots came in.
 */
function tallyOf(
	election: string,
	seats: number,
	counts: ReadonlyMap<string, number>,
	ids: string[],
	digest: string
): Tally {
	const ranking = [...counts]
		.map(([candidate, n]) => ({
			candidate,
			approvals: n,
			ticket: lotteryTicket(election, candidate)
		}))
		.sort((a, b) => b.approvals - a.approvals || compareIds(a.ticket, b.ticket))
		.map(({ candidate, approvals }) => ({ candidate, approvals }));
	return {
		ballots: ids,
		digest,
		approvals: new Map(ranking.map((r) => [r.candidate, r.approvals])),
		ranking,
		winners: ranking.slice(0, seats).map((r) => r.candidate)
	};
}

/** The tally of each voter's latest ballot (`latest`: voter → ballot). */
function tallyOfLatest(
	election: string,
	seats: number,
	latest: ReadonlyMap<string, BallotLike>
): Tally {
	const ids: string[] = [];
	const counts = new Map<string, number>();
	for (const ballot of latest.values()) {
		ids.push(ballot.id);
		countApprovals(counts, ballot);
	}
	ids.sort();
	return tallyOf(election, seats, counts, ids, digestOfSorted(ids));
}

/**
 * The live count (R35, R39) over `latest`, each voter's latest standing ballot. When those
 * are exactly the ballots the certified result counted (`counted`), it is the certified
 * tally itself: a tally depends only on the set of ballots, and once an election is
 * certified that is the usual case. Voters with a single ballot need no look: their ballot
 * is their latest.
 */
function liveTally(
	election: ElectionState,
	latest: ReadonlyMap<string, BallotLike>,
	box: BallotBox,
	counted: readonly BallotLike[] | undefined
): Tally {
	const same =
		election.certified &&
		counted?.length === latest.size &&
		counted.every((b) => !box.repeat.has(b.record.author) || latest.get(b.record.author) === b);
	return same ? election.certified!.tally : tallyOfLatest(election.id, election.seats, latest);
}

/** R40: outgoing leaders first, then the result counting more ballots, then the earlier. */
const strongerFirst = (a: Certification, b: Certification): number =>
	Number(b.byOutgoingLeader) - Number(a.byOutgoingLeader) ||
	b.tally.ballots.length - a.tally.ballots.length ||
	a.at - b.at ||
	compareIds(a.records[0]!, b.records[0]!);

/**
 * The leaders sitting at `time` (R41): those of the highest term whose tenure has begun by
 * then; before any, the founder. Leaders stay on past their term until the next elected ones.
 */
function leadersIn(tenures: readonly Tenure[], founder: string | null, time: number): string[] {
	let best: Tenure | null = null;
	for (const tenure of tenures) {
		if (tenure.from <= time && (!best || tenure.term > best.term)) best = tenure;
	}
	return best ? best.leaders : founder ? [founder] : [];
}

type Judged<T> = { ok: true; value: T } | { ok: false; code: ReasonCode; message: string };
const no = <T>(code: ReasonCode, message: string): Judged<T> => ({ ok: false, code, message });

/**
 * An election's ballots that pass R33, as they are gathered (in (at, id) order): by id, and
 * each voter's latest. Voters with more than one ballot are few; knowing them lets the
 * count skip most per-voter bookkeeping.
 */
type BallotBox = {
	byId: Map<string, Verified<RecordOf<'ballot'>>>;
	/** Voter → their latest ballot by (at, id), before R34. */
	latest: Map<string, Verified<RecordOf<'ballot'>>>;
	/** Voters with several ballots. */
	repeat: Set<string>;
	/** Whether some voter has two ballots at the same time (R34). */
	twins: boolean;
};

const newBallotBox = (): BallotBox => ({
	byId: new Map(),
	latest: new Map(),
	repeat: new Set(),
	twins: false
});

/**
 * What every part of one certification states alike: all of the body but `part` and `ids`,
 * with the author. Parts group by it (R37), so a certifier who signs the same count again
 * makes copies of their certification, and a different claim is judged on its own.
 */
const headerOf = ({ author, body }: RecordOf<'result'>): string =>
	JSON.stringify([
		author,
		body.election,
		body.ballots,
		body.winners,
		body.tally,
		body.count,
		body.parts
	]);

/** Two lists of ids, element by element. */
const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
	a.length === b.length && a.every((id, i) => b[i] === id);

/**
 * R36 for one result record: after closing; within the grace period, only the outgoing
 * leaders. Judged record by record, so that a copy its certifier back-dates cannot take
 * the certification down with it.
 */
function forbidden(
	{ author, at }: RecordOf<'result'>,
	election: ElectionState,
	outgoing: ReadonlySet<string>,
	terms: Terms
): string | null {
	if (at < election.closesAt) return 'it is dated before the election closes';
	if (!outgoing.has(author) && at < election.closesAt + terms.graceMs) {
		return 'during the grace period after closing, only the outgoing leaders may certify';
	}
	return null;
}

/**
 * R37–R38 for one certification: its parts that pass R36 (same author and body but `part`
 * and `ids`), in (at, id) order. `box` holds the election's ballots that pass R33. With the
 * certification, the ballots it counts.
 */
function judgeResult(
	parts: readonly Verified<RecordOf<'result'>>[],
	election: ElectionState,
	outgoing: ReadonlySet<string>,
	box: BallotBox
): Judged<{ certification: Certification; counted: Verified<RecordOf<'ballot'>>[] }> {
	const first = parts[0]!.record;
	const { author } = first;
	const byOutgoingLeader = outgoing.has(author);
	// R37: one record for each part. A copy of a part (the same ids, signed again) says
	// nothing new: the earliest counts, as `parts` come in (at, id) order.
	const byPart = new Map<number, Verified<RecordOf<'result'>>>();
	for (const r of parts) {
		const { body } = r.record;
		const seen = byPart.get(body.part);
		if (!seen) byPart.set(body.part, r);
		else if (!sameIds(seen.record.body.ids, body.ids)) {
			return no('result_mismatch', `it has two different records for part ${body.part}`);
		}
	}
	if (byPart.size < first.body.parts) {
		return no('result_incomplete', `${first.body.parts - byPart.size} of its parts are not here`);
	}
	const lists: (readonly string[])[] = [];
	const ids: string[] = [];
	for (let part = 0; part < first.body.parts; part++) {
		const list = byPart.get(part)!.record.body.ids;
		lists.push(list);
		for (const id of list) {
			if (ids.length && ids[ids.length - 1]! >= id) {
				return no('result_mismatch', 'its ballot ids are not in ascending order across parts');
			}
			ids.push(id);
		}
	}
	// R38: exactly the ballots it names, each here and valid, one per voter; our count agrees.
	if (ids.length !== first.body.count) {
		return no('result_mismatch', 'its ballot list does not match its own count and digest');
	}
	const digest = digestOfParts(lists, ids); // ascending, checked above
	if (digest !== first.body.ballots) {
		return no('result_mismatch', 'its ballot list does not match its own count and digest');
	}
	const counted: Verified<RecordOf<'ballot'>>[] = [];
	const counts = new Map<string, number>();
	// A voter with a single ballot cannot be counted twice: only the others need a look.
	const repeated = new Set<string>();
	let missing = 0;
	let twice = false;
	for (const id of ids) {
		const ballot = box.byId.get(id);
		if (!ballot) missing++;
		else {
			counted.push(ballot);
			countApprovals(counts, ballot);
			const voter = ballot.record.author;
			if (box.repeat.has(voter)) {
				if (repeated.has(voter)) twice = true;
				repeated.add(voter);
			}
		}
	}
	if (missing) {
		return no(
			'result_incomplete',
			`${missing} of the ballots it counts are not here or not valid for this election`
		);
	}
	if (twice) {
		return no('result_mismatch', 'it counts a voter more than once');
	}
	const tally = tallyOf(election.id, election.seats, counts, ids, digest);
	const claimed = Object.entries(first.body.tally);
	const agrees =
		claimed.length === tally.approvals.size &&
		claimed.every(([candidate, n]) => tally.approvals.get(candidate) === n) &&
		first.body.winners.length === tally.winners.length &&
		first.body.winners.every((w, i) => tally.winners[i] === w);
	if (!agrees) {
		const ours = tally.ranking.map((r) => `${r.candidate.slice(0, 8)} ${r.approvals}`);
		return no(
			'result_mismatch',
			`our count of those ${ids.length} ballots disagrees (ours: ${ours.join(', ') || 'no approvals'})`
		);
	}
	const records = [...byPart.keys()].sort((a, b) => a - b).map((part) => byPart.get(part)!);
	let at = first.at;
	for (const p of records) at = Math.max(at, p.record.at);
	const certification: Certification = {
		election: election.id,
		records: records.map((r) => r.id),
		author,
		at,
		byOutgoingLeader,
		tally
	};
	return { ok: true, value: { certification, counted } };
}

/**
 * Judge the governance records (R31–R43) and derive the government. `records` are this
 * country's records of the governance kinds whose authors are citizens (R3, R9 hold);
 * records of an ancestor never reach here: a seceded country governs itself from scratch.
 */
export function deriveGovernance(input: {
	constitution: Constitution;
	foundedAt: number;
	founder: string;
	records: Iterable<Verified>;
}): { government: Government; valid: Verified[]; rejected: GovernanceRejection[] } {
	const { constitution, founder } = input;
	const terms = termsOf(constitution, input.foundedAt);
	const valid: Verified[] = [];
	const rejected: GovernanceRejection[] = [];
	const reject = (record: Verified, code: ReasonCode, message: string) =>
		rejected.push({ record, code, message });

	const byKind = {
		election: [] as Verified<RecordOf<'election'>>[],
		candidacy: [] as Verified<RecordOf<'candidacy'>>[],
		ballot: [] as Verified<RecordOf<'ballot'>>[],
		result: [] as Verified<RecordOf<'result'>>[],
		filter: [] as Verified<RecordOf<'filter'>>[],
		feature: [] as Verified<RecordOf<'feature'>>[]
	};
	for (const r of [...input.records].sort(oldestFirst)) {
		const list = (byKind as Record<string, Verified[]>)[r.record.kind];
		if (list) list.push(r);
	}

	// R31: an election has the constitution's seats and is for a term not over by its times.
	const elections = new Map<string, ElectionState>();
	for (const r of byKind.election) {
		const { term, seats, opensAt, closesAt } = r.record.body;
		if (seats !== constitution.seats) {
			reject(
				r,
				'election_invalid',
				`the constitution has ${constitution.seats} seats, not ${seats}`
			);
		} else if (r.record.at >= termEnd(terms, term) || closesAt > termEnd(terms, term)) {
			reject(r, 'election_past', `term ${term} is over before this election would close`);
		} else {
			valid.push(r);
			const { author, at } = r.record;
			elections.set(r.id, {
				id: r.id,
				author,
				at,
				term,
				seats,
				opensAt,
				closesAt,
				candidates: [],
				live: tallyBallots(r.id, seats, []),
				certified: null,
				competing: [],
				outgoingLeaders: []
			});
		}
	}
	const unknownElection = (r: Verified) =>
		reject(r, 'election_unknown', 'it names an election that is not here or not valid');

	// R32: a candidacy for a valid election, before it closes.
	const candidates = new Map<string, Map<string, Candidate>>();
	for (const r of byKind.candidacy) {
		const election = elections.get(r.record.body.election);
		if (!election) unknownElection(r);
		else if (r.record.at >= election.closesAt) {
			reject(r, 'candidacy_closed', 'it is dated after the election closed');
		} else {
			valid.push(r);
			const of = candidates.get(election.id) ?? new Map<string, Candidate>();
			candidates.set(election.id, of);
			const seen = of.get(r.record.author);
			of.set(r.record.author, {
				fingerprint: r.record.author,
				candidacy: r.id,
				statement: r.record.body.statement,
				declaredAt: seen?.declaredAt ?? r.record.at
			});
		}
	}
	for (const [id, of] of candidates) elections.get(id)!.candidates = [...of.values()];

	// R33: a ballot in a valid election's window, approving only its candidates.
	const ballots = new Map<string, BallotBox>();
	for (const r of byKind.ballot) {
		const election = elections.get(r.record.body.election);
		if (!election) {
			unknownElection(r);
			continue;
		}
		const { at } = r.record;
		const standing = candidates.get(election.id);
		if (at < election.opensAt || at >= election.closesAt) {
			reject(r, 'ballot_outside_window', 'it is dated outside the election’s voting window');
		} else if (r.record.body.approve.some((c) => !standing?.has(c))) {
			reject(r, 'ballot_not_candidate', 'it approves someone who is not a candidate');
		} else {
			let box = ballots.get(election.id);
			if (!box) ballots.set(election.id, (box = newBallotBox()));
			box.byId.set(r.id, r);
			const voter = r.record.author;
			const before = box.latest.get(voter);
			if (before) {
				box.repeat.add(voter);
				// In (at, id) order a voter's ballots at one time are neighbours among theirs.
				if (before.record.at === at) box.twins = true;
			}
			box.latest.set(voter, r);
		}
	}

	// R36–R38: results, grouped into certifications by author and all the body but the part.
	const certifications = new Map<string, Map<string, Verified<RecordOf<'result'>>[]>>();
	for (const r of byKind.result) {
		const { election } = r.record.body;
		if (!elections.has(election)) {
			unknownElection(r);
			continue;
		}
		const of = certifications.get(election) ?? new Map<string, Verified<RecordOf<'result'>>[]>();
		certifications.set(election, of);
		const key = headerOf(r.record);
		const parts = of.get(key);
		if (parts) parts.push(r);
		else of.set(key, [r]);
	}

	// R40, R41: term by term, so that the outgoing leaders of a term are already known.
	const ordered = [...elections.values()].sort(
		(a, b) => a.term - b.term || a.at - b.at || compareIds(a.id, b.id)
	);
	const tenures: Tenure[] = [];
	const countedBy = new Map<Certification, Verified<RecordOf<'ballot'>>[]>();
	for (let i = 0; i < ordered.length;) {
		const term = ordered[i]!.term;
		const winnersOfTerm: Certification[] = [];
		for (; i < ordered.length && ordered[i]!.term === term; i++) {
			const election = ordered[i]!;
			election.outgoingLeaders = leadersIn(tenures, founder, election.closesAt);
			const outgoing = new Set(election.outgoingLeaders);
			const box = ballots.get(election.id) ?? newBallotBox();
			const accepted: Certification[] = [];
			for (const group of certifications.get(election.id)?.values() ?? []) {
				const parts = group.filter((part) => {
					const why = forbidden(part.record, election, outgoing, terms);
					if (why) reject(part, 'result_forbidden', why);
					return !why;
				});
				if (!parts.length) continue;
				const judged = judgeResult(parts, election, outgoing, box);
				if (!judged.ok) {
					for (const part of parts) reject(part, judged.code, judged.message);
					continue;
				}
				accepted.push(judged.value.certification);
				countedBy.set(judged.value.certification, judged.value.counted);
				for (const part of parts) valid.push(part);
			}
			accepted.sort(strongerFirst);
			election.certified = accepted[0] ?? null;
			election.competing = accepted.slice(1);
			if (election.certified) winnersOfTerm.push(election.certified);
		}
		const chosen = winnersOfTerm.sort(strongerFirst)[0];
		// An election that elected nobody leaves the sitting leaders in office (R41).
		if (chosen && chosen.tally.winners.length) {
			tenures.push({
				term,
				from: Math.max(termStart(terms, term), chosen.at),
				leaders: chosen.tally.winners,
				election: chosen.election
			});
		}
	}

	// R34: two ballots of one voter at once are both void, unless the certified result counted
	// one. Then each voter's latest standing ballot counts (R35).
	for (const election of elections.values()) {
		const { certified } = election;
		const box = ballots.get(election.id) ?? newBallotBox();
		let { latest } = box;
		if (box.twins) {
			const counted = new Set(certified?.tally.ballots);
			// The last ballot seen of each voter who has several, in (at, id) order.
			const previous = new Map<string, Verified<RecordOf<'ballot'>>>();
			const twins = new Set<Verified<RecordOf<'ballot'>>>();
			for (const r of box.byId.values()) {
				const voter = r.record.author;
				if (!box.repeat.has(voter)) continue;
				const before = previous.get(voter);
				if (before && before.record.at === r.record.at) twins.add(before).add(r);
				previous.set(voter, r);
			}
			latest = new Map();
			for (const r of box.byId.values()) {
				if (twins.has(r) && !counted.has(r.id)) {
					reject(r, 'ballot_duplicate', 'the voter cast another ballot at the same time');
					continue;
				}
				valid.push(r);
				latest.set(r.record.author, r);
			}
		} else for (const r of box.byId.values()) valid.push(r);
		election.live = liveTally(
			election,
			latest,
			box,
			certified ? countedBy.get(certified) : undefined
		);
	}

	// R42: filters and features come from a leader sitting at their time.
	const leaderAt = (r: Verified) =>
		leadersIn(tenures, founder, r.record.at).includes(r.record.author);
	const notLeader = (r: Verified) =>
		reject(r, 'not_leader', 'its author was not a sitting leader at its time');
	const filterLog: FilterEntry[] = [];
	const latestFilter = new Map<string, FilterAction>();
	for (const r of byKind.filter) {
		if (!leaderAt(r)) {
			notLeader(r);
			continue;
		}
		valid.push(r);
		const { target, action, reason } = r.record.body;
		filterLog.push({ id: r.id, leader: r.record.author, at: r.record.at, target, action, reason });
		latestFilter.set(target, action);
	}
	const latestFeature = new Map<string, { action: FeatureAction; entry: FeatureEntry }>();
	for (const r of byKind.feature) {
		if (!leaderAt(r)) {
			notLeader(r);
			continue;
		}
		valid.push(r);
		const { post, action } = r.record.body;
		latestFeature.set(post, {
			action,
			entry: { id: r.id, leader: r.record.author, at: r.record.at, post }
		});
	}

	return {
		government: {
			terms,
			founder,
			elections: ordered,
			electionById: new Map(ordered.map((e) => [e.id, e])),
			tenures,
			filterLog: filterLog.reverse(),
			banned: new Set([...latestFilter].filter(([, a]) => a === 'ban').map(([t]) => t)),
			featured: [...latestFeature.values()]
				.filter(({ action }) => action === 'feature')
				.map(({ entry }) => entry)
				.sort((a, b) => b.at - a.at || compareIds(b.id, a.id))
		},
		valid,
		rejected
	};
}

/* Views for the UI and the mirror. Each takes the country view (or its government). */

type GovernmentSource = Pick<CountryView, 'government'> | Government;
const governmentOf = (source: GovernmentSource): Government =>
	'government' in source ? source.government : source;

/** The leaders sitting at `time` (R41). */
export const leadersAt = (source: GovernmentSource, time: number): string[] => {
	const gov = governmentOf(source);
	return leadersIn(gov.tenures, gov.founder, time);
};

export type TermNow = {
	/** The term in progress (0 before the founding, or for an empty view). */
	term: number;
	startsAt: number;
	endsAt: number;
	leaders: string[];
	/** The tenure the leaders hold, or null when the founder governs (no one elected yet). */
	tenure: Tenure | null;
};

/** The term in progress at `now` and who leads (R41). */
export function currentTerm(source: GovernmentSource, now: number): TermNow {
	const gov = governmentOf(source);
	if (!gov.terms) return { term: 0, startsAt: 0, endsAt: 0, leaders: [], tenure: null };
	const term = termAt(gov.terms, now);
	let tenure: Tenure | null = null;
	for (const t of gov.tenures) if (t.from <= now && (!tenure || t.term > tenure.term)) tenure = t;
	return {
		term,
		startsAt: termStart(gov.terms, term),
		endsAt: termEnd(gov.terms, term),
		leaders: leadersIn(gov.tenures, gov.founder, now),
		tenure
	};
}

export type ElectionPhase = 'upcoming' | 'open' | 'counting' | 'certified';

/** Where an election stands at `now`: before its window, voting, closed awaiting a result, done. */
export function electionPhase(election: ElectionState, now: number): ElectionPhase {
	if (election.certified) return 'certified';
	if (now < election.opensAt) return 'upcoming';
	return now < election.closesAt ? 'open' : 'counting';
}

/**
 * Valid ballots held now that the certified result did not count (cast late, back-dated,
 * or not yet here when it was certified): they change nothing (R38), but people may ask.
 */
export function uncountedVoters(election: ElectionState): number {
	if (!election.certified) return 0;
	const counted = new Set(election.certified.tally.ballots);
	return election.live.ballots.filter((id) => !counted.has(id)).length;
}

/**
 * The result records' bodies that certify `election` with our own live count: split into
 * parts of at most RESULT_IDS_PER_PART ballots. Sign each and publish them together.
 */
export function certificationParts(election: ElectionState): ResultBody[] {
	const { live } = election;
	const parts = Math.max(1, Math.ceil(live.ballots.length / RESULT_IDS_PER_PART));
	return Array.from({ length: parts }, (_, part) => ({
		election: election.id,
		winners: [...live.winners],
		tally: Object.fromEntries(live.approvals),
		ballots: live.digest,
		count: live.ballots.length,
		part,
		parts,
		ids: live.ballots.slice(part * RESULT_IDS_PER_PART, (part + 1) * RESULT_IDS_PER_PART)
	}));
}

/** Authors banned from the public site by the leaders (R43). */
export const hiddenAuthors = (source: GovernmentSource): ReadonlySet<string> =>
	governmentOf(source).banned;

/** Posts whose authors are not banned (R43): what the public site shows. */
export const withoutHidden = (posts: readonly BlogPost[], source: GovernmentSource): BlogPost[] => {
	const banned = hiddenAuthors(source);
	return posts.filter((post) => !banned.has(post.author));
};

/**
 * The featured posts for the front page, most recently featured first (R43): posts that are
 * here (among `posts`, so not retracted) and whose authors are not banned.
 */
export function featuredPosts(source: GovernmentSource, posts: readonly BlogPost[]): BlogPost[] {
	const gov = governmentOf(source);
	const byId = new Map(posts.map((post) => [post.id, post]));
	return gov.featured
		.map((entry) => byId.get(entry.post))
		.filter((post): post is BlogPost => !!post && !gov.banned.has(post.author));
}
