/** `candidacy`: a citizen stands in an election, with a statement to the voters (R32). */
import * as v from 'valibot';
import { recordId } from '../schema';

export const CANDIDACY = 'candidacy' as const;
/** Markdown; a platform, not a manifesto book. */
export const CANDIDACY_STATEMENT_MAX = 10_000;

export const candidacyBodySchema = v.strictObject({
	/** The id of the election. */
	election: recordId,
	/** Markdown; not empty or only whitespace: voters deserve a word. */
	statement: v.pipe(
		v.string(),
		v.check((s) => s.trim() !== '', 'must not be empty'),
		v.maxLength(CANDIDACY_STATEMENT_MAX, `must be at most ${CANDIDACY_STATEMENT_MAX} characters`)
	)
});
export type CandidacyBody = v.InferOutput<typeof candidacyBodySchema>;

/** A new candidacy record (unsigned): the statement in NFC (Markdown keeps its spacing). */
export function makeCandidacy(input: {
	country: string;
	author: string;
	at: number;
	election: string;
	statement: string;
}) {
	return {
		v: 1 as const,
		kind: CANDIDACY,
		country: input.country,
		author: input.author,
		at: input.at,
		body: { election: input.election, statement: input.statement.normalize('NFC') }
	};
}
