/** `citizen`: a person joins. Self-signed with the key it carries; admission proof per constitution. */
import * as v from 'valibot';
import { armoredPublicKey, lineText, recordId } from '../schema';

export const CITIZEN = 'citizen' as const;
export const DISPLAY_NAME_MAX = 64;
export const INVITE_CODE = /^[A-Za-z0-9_-]{16,128}$/;

export const admissionProofSchema = v.variant('type', [
	/** Only the genesis author may use it. */
	v.strictObject({ type: v.literal('founder') }),
	/** Valid only where the constitution says `open`. */
	v.strictObject({ type: v.literal('open') }),
	/** A one-time code whose hash an `invite` record from a citizen published. */
	v.strictObject({
		type: v.literal('invite'),
		invite: recordId,
		code: v.pipe(v.string(), v.regex(INVITE_CODE, 'must be an invite code'))
	}),
	/** A citizen already admitted changes their profile (display name). */
	v.strictObject({ type: v.literal('update') })
]);
export type AdmissionProof = v.InferOutput<typeof admissionProofSchema>;

export const citizenBodySchema = v.strictObject({
	name: lineText(1, DISPLAY_NAME_MAX),
	publicKey: armoredPublicKey,
	admission: admissionProofSchema
});
export type CitizenBody = v.InferOutput<typeof citizenBodySchema>;

/** A new citizen record (unsigned) for the key that will sign it. */
export function makeCitizen(input: {
	country: string;
	author: string;
	at: number;
	name: string;
	publicKey: string;
	admission: AdmissionProof;
}) {
	return {
		v: 1 as const,
		kind: CITIZEN,
		country: input.country,
		author: input.author,
		at: input.at,
		body: {
			name: input.name.normalize('NFC').trim(),
			publicKey: input.publicKey,
			admission: input.admission
		}
	};
}
