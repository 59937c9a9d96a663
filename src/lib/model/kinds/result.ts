/**
 * `result`: certifies an election after it closes: the winners, the approvals each approved
 * candidate got, and exactly which ballots were counted. A large election's ballot list is
 * split into parts (records of one certification share everything but `part` and `ids`).
 * Every peer re-counts those ballots and accepts the result only if it agrees (R36–R40).
 */
import * as v from 'valibot';
import { fingerprint, recordId } from '../schema';

export const RESULT = 'result' as const;
/** Ballot ids per part: 2,000 × 67 bytes keeps a part far below the 256 KiB record limit. */
export const RESULT_IDS_PER_PART = 2_000;
export const RESULT_PARTS_MAX = 1_000;
/** Candidates with at least one approval named in `tally`. */
export const RESULT_TALLY_MAX = 1_000;

const count = v.pipe(v.number(), v.safeInteger('must be a whole number'), v.minValue(0));

const ascending = (ids: string[]) => ids.every((id, i) => i === 0 || ids[i - 1]! < id);

export const resultBodySchema = v.pipe(
	v.strictObject({
		/** The id of the election certified. */
		election: recordId,
		/** The elected, best first (R39); empty when nobody was approved. */
		winners: v.pipe(
			v.array(fingerprint),
			v.maxLength(99, 'at most 99 winners'),
			v.check((fps) => new Set(fps).size === fps.length, 'winners must not repeat')
		),
		/** Candidate fingerprint → approvals among the counted ballots; only approved ones. */
		tally: v.pipe(
			v.record(fingerprint, v.pipe(count, v.minValue(1, 'only approved candidates appear'))),
			v.check(
				(tally) => Object.keys(tally).length <= RESULT_TALLY_MAX,
				`at most ${RESULT_TALLY_MAX} candidates`
			)
		),
		/** recordSetDigest of the ids of every counted ballot (all parts together). */
		ballots: recordId,
		/** How many ballots were counted (all parts together). */
		count,
		/** This record's place among the parts, from 0. */
		part: count,
		parts: v.pipe(
			v.number(),
			v.safeInteger(),
			v.minValue(1),
			v.maxValue(RESULT_PARTS_MAX, `at most ${RESULT_PARTS_MAX} parts`)
		),
		/** This part's counted ballot ids, ascending; parts follow each other in id order. */
		ids: v.pipe(
			v.array(recordId),
			v.maxLength(RESULT_IDS_PER_PART, `at most ${RESULT_IDS_PER_PART} ballots per part`),
			v.check(ascending, 'ballot ids must be sorted and must not repeat')
		)
	}),
	v.forward(
		v.partialCheck(
			[['part'], ['parts']],
			(body) => body.part < body.parts,
			'must be less than parts'
		),
		['part']
	)
);
export type ResultBody = v.InferOutput<typeof resultBodySchema>;

/** A new result record (unsigned): one part of a certification. */
export function makeResult(input: {
	country: string;
	author: string;
	at: number;
	body: ResultBody;
}) {
	const { body } = input;
	return {
		v: 1 as const,
		kind: RESULT,
		country: input.country,
		author: input.author,
		at: input.at,
		body: {
			election: body.election,
			winners: [...body.winners],
			tally: { ...body.tally },
			ballots: body.ballots,
			count: body.count,
			part: body.part,
			parts: body.parts,
			ids: [...body.ids]
		}
	};
}
