/**
 * The government page's content from the country's own governance (src/lib/model/governance,
 * R31–R43): the constitution, the term and leaders in office, the certified elections and the
 * leaders' public filter log. "Now" is the newest valid record's time, never the clock, so the
 * same records give the same page on every mirror (S6).
 */
import type { CountryView } from '../model/country';
import { currentTerm } from '../model/governance';
import type { SiteElection, SiteGovernment } from './types';

/** The newest `at` among the valid records: the moment the records describe. */
export function recordsAsOf(country: Pick<CountryView, 'valid'>): number {
	let newest = 0;
	for (const r of country.valid.values()) if (r.record.at > newest) newest = r.record.at;
	return newest;
}

/** `asOf`: `recordsAsOf(country)`, when the caller keeps it already (a planner does). */
export function siteGovernment(country: CountryView, asOf = recordsAsOf(country)): SiteGovernment {
	const gov = country.government;
	const now = currentTerm(country, asOf);
	const since = now.tenure?.from ?? country.genesis?.record.at;
	const elections: SiteElection[] = [];
	// Newest term first; only elections a certified result closed are history.
	for (const election of [...gov.elections].reverse()) {
		const certified = election.certified;
		if (!certified) continue;
		const ranked = certified.tally.ranking.map((r) => ({
			fingerprint: r.candidate,
			votes: r.approvals
		}));
		// Candidates no counted ballot approved are not ranked (R39), but they ran: 0 votes.
		const unranked = election.candidates
			.filter((c) => !certified.tally.approvals.has(c.fingerprint))
			.map((c) => ({ fingerprint: c.fingerprint, votes: 0 }));
		elections.push({
			id: election.id,
			title: `Election for term ${election.term}`,
			term: election.term,
			ballots: certified.tally.ballots.length,
			closedAt: election.closesAt,
			tally: [...ranked, ...unranked],
			elected: certified.tally.winners,
			resultRecord: certified.records[0]
		});
	}
	return {
		constitution: country.constitution ?? undefined,
		term:
			now.term > 0 ? { number: now.term, startsAt: now.startsAt, endsAt: now.endsAt } : undefined,
		leaders: now.leaders.map((fingerprint) => ({
			fingerprint,
			role: now.tenure ? `Elected for term ${now.tenure.term}` : 'Founder (no election yet)',
			since
		})),
		elections,
		filters: gov.filterLog.map((f) => ({ ...f }))
	};
}

/** The records the government page links to: certified results (every part) and filters. */
export function governmentRecords(country: CountryView): string[] {
	const gov = country.government;
	return [
		...gov.elections.flatMap((e) => e.certified?.records ?? []),
		...gov.filterLog.map((f) => f.id)
	];
}
