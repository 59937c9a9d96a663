import { error } from '@sveltejs/kit';
import { DRAFT_ID } from '$lib/state';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
	if (!DRAFT_ID.test(params.draft)) error(404, 'That is not a draft id.');
	return { draftId: params.draft };
};
