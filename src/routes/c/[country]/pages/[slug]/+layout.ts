import { error } from '@sveltejs/kit';
import { PAGE_SLUG, PAGE_SLUG_MAX } from '$lib/model';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = ({ params }) => {
	if (params.slug.length > PAGE_SLUG_MAX || !PAGE_SLUG.test(params.slug))
		error(404, 'That is not a page address.');
	return { slug: params.slug };
};
