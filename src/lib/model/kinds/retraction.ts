/** `retraction`: a post's author withdraws the post, every revision of it, from all views. */
import * as v from 'valibot';
import { recordId } from '../schema';

export const RETRACTION = 'retraction' as const;

export const retractionBodySchema = v.strictObject({
	/** Any revision of the post withdrawn; the whole post (all its revisions) goes. */
	post: recordId
});
export type RetractionBody = v.InferOutput<typeof retractionBodySchema>;

/** A new retraction record (unsigned). */
export function makeRetraction(input: {
	country: string;
	author: string;
	at: number;
	post: string;
}) {
	return {
		v: 1 as const,
		kind: RETRACTION,
		country: input.country,
		author: input.author,
		at: input.at,
		body: { post: input.post }
	};
}
