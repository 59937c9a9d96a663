/**
 * `ballot`: a citizen's approval ballot in an election: every candidate they approve of. A
 * voter's later ballot replaces their earlier one while the election is open (R33–R35).
 * Ballots are public signed records, so anyone can check the count: they are not secret.
 */
import * as v from 'valibot';
import { fingerprint, recordId } from '../schema';

export const BALLOT = 'ballot' as const;
export const BALLOT_APPROVALS_MAX = 200;

export const ballotBodySchema = v.strictObject({
	/** The id of the election. */
	election: recordId,
	/**
	 * The fingerprints of the approved candidates, ascending, no repeats (one encoding per
	 * meaning). Empty approves nobody: it withdraws the voter's earlier approvals.
	 */
	approve: v.pipe(
		v.array(fingerprint),
		v.maxLength(BALLOT_APPROVALS_MAX, `at most ${BALLOT_APPROVALS_MAX} candidates`),
		v.check(
			(fps) => fps.every((fp, i) => i === 0 || fps[i - 1]! < fp),
			'approved candidates must be sorted and must not repeat'
		)
	)
});
export type BallotBody = v.InferOutput<typeof ballotBodySchema>;

/** A new ballot record (unsigned); approvals sorted, repeats dropped. */
export function makeBallot(input: {
	country: string;
	author: string;
	at: number;
	election: string;
	approve: readonly string[];
}) {
	return {
		v: 1 as const,
		kind: BALLOT,
		country: input.country,
		author: input.author,
		at: input.at,
		body: { election: input.election, approve: [...new Set(input.approve)].sort() }
	};
}
