import { error } from '@sveltejs/kit';
import { HEX64 } from '$lib/model';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
	if (!HEX64.test(params.thread)) error(404, 'That is not a thread id.');
	return { threadId: params.thread };
};
