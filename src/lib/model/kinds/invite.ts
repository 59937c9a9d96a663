/** `invite`: a citizen publishes the hash of a one-time code that admits one newcomer. */
import * as v from 'valibot';
import { HEX64 } from '../hash';

export const INVITE = 'invite' as const;

export const inviteBodySchema = v.strictObject({
	codeHash: v.pipe(v.string(), v.regex(HEX64, 'must be a SHA-256 hex digest'))
});
export type InviteBody = v.InferOutput<typeof inviteBodySchema>;

/** A new invite record (unsigned): publishes only the hash of the one-time code. */
export function makeInvite(input: {
	country: string;
	author: string;
	at: number;
	codeHash: string;
}) {
	return {
		v: 1 as const,
		kind: INVITE,
		country: input.country,
		author: input.author,
		at: input.at,
		body: { codeHash: input.codeHash }
	};
}
