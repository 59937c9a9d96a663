import { error } from '@sveltejs/kit';
import { HEX64 } from '$lib/model';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
	if (!HEX64.test(params.postId)) error(404, 'That is not a post id.');
	return { postId: params.postId };
};
