import { error } from '@sveltejs/kit';
import { HEX64 } from '$lib/model';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = ({ params }) => {
	if (!HEX64.test(params.country)) error(404, 'That is not a country id.');
	return { countryId: params.country };
};
