import { error } from '@sveltejs/kit';
import { HEX64 } from '$lib/model';

export function load({ params }) {
	if (!HEX64.test(params.country)) error(404, 'That is not a country id.');
	return { countryId: params.country };
}
