/**
 * `filter`: a sitting leader bans an author from the public site, or lifts a ban, with a
 * reason that everyone can read in the public filter log (R42, R43). It hides; it never
 * alters or removes anyone's records.
 */
import * as v from 'valibot';
import { fingerprint, lineText } from '../schema';

export const FILTER = 'filter' as const;
export const FILTER_ACTIONS = ['ban', 'lift'] as const;
export type FilterAction = (typeof FILTER_ACTIONS)[number];
export const FILTER_REASON_MAX = 500;

export const filterBodySchema = v.strictObject({
	/** The fingerprint of the author banned or let back. */
	target: fingerprint,
	action: v.picklist(FILTER_ACTIONS, 'must be "ban" or "lift"'),
	/** Why, for the public log: one line. */
	reason: lineText(1, FILTER_REASON_MAX)
});
export type FilterBody = v.InferOutput<typeof filterBodySchema>;

/** A new filter record (unsigned): the reason trimmed and NFC. */
export function makeFilter(input: {
	country: string;
	author: string;
	at: number;
	target: string;
	action: FilterAction;
	reason: string;
}) {
	return {
		v: 1 as const,
		kind: FILTER,
		country: input.country,
		author: input.author,
		at: input.at,
		body: {
			target: input.target,
			action: input.action,
			reason: input.reason.normalize('NFC').trim()
		}
	};
}
