/** `feature`: a sitting leader puts a post on the front page, or takes it off (R42, R43). */
import * as v from 'valibot';
import { recordId } from '../schema';

export const FEATURE = 'feature' as const;
export const FEATURE_ACTIONS = ['feature', 'unfeature'] as const;
export type FeatureAction = (typeof FEATURE_ACTIONS)[number];

export const featureBodySchema = v.strictObject({
	/** The id of the post (its first revision: the post's identity). */
	post: recordId,
	action: v.picklist(FEATURE_ACTIONS, 'must be "feature" or "unfeature"')
});
export type FeatureBody = v.InferOutput<typeof featureBodySchema>;

/** A new feature record (unsigned). */
export function makeFeature(input: {
	country: string;
	author: string;
	at: number;
	post: string;
	action: FeatureAction;
}) {
	return {
		v: 1 as const,
		kind: FEATURE,
		country: input.country,
		author: input.author,
		at: input.at,
		body: { post: input.post, action: input.action }
	};
}
