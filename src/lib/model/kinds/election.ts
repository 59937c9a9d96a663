/**
 * `election`: a citizen opens an election of the leaders for one term: how many seats, and
 * the window in which ballots count. Rules R31–R33 in docs/records.md.
 */
import * as v from 'valibot';
import { timestamp } from '../schema';

export const ELECTION = 'election' as const;
/** Far beyond any country's life; keeps term arithmetic within safe integers. */
export const ELECTION_TERM_MAX = 10_000;

export const electionBodySchema = v.pipe(
	v.strictObject({
		/** The term the winners serve: 1 is the term that starts at the founding. */
		term: v.pipe(
			v.number(),
			v.safeInteger('must be a whole term number'),
			v.minValue(1, 'terms start at 1'),
			v.maxValue(ELECTION_TERM_MAX, `must be at most ${ELECTION_TERM_MAX}`)
		),
		/** Must equal the constitution's seats (R31); stated so the record reads on its own. */
		seats: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(99)),
		/** Ballots count from this time (inclusive)… */
		opensAt: timestamp,
		/** …until this time (exclusive). Candidacies are accepted until then too. */
		closesAt: timestamp
	}),
	v.forward(
		v.partialCheck(
			[['opensAt'], ['closesAt']],
			(body) => body.opensAt < body.closesAt,
			'must be after opensAt'
		),
		['closesAt']
	)
);
export type ElectionBody = v.InferOutput<typeof electionBodySchema>;

/** A new election record (unsigned). */
export function makeElection(input: {
	country: string;
	author: string;
	at: number;
	term: number;
	seats: number;
	opensAt: number;
	closesAt: number;
}) {
	return {
		v: 1 as const,
		kind: ELECTION,
		country: input.country,
		author: input.author,
		at: input.at,
		body: {
			term: input.term,
			seats: input.seats,
			opensAt: input.opensAt,
			closesAt: input.closesAt
		}
	};
}
