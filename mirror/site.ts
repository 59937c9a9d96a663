/** PLACEHOLDER until the site branch is merged. */
import type { CountryView } from '../src/lib/model';
import type { RenderOutcome } from './mirror-peer';
export function siteRenderer(_options: { outDir: string; baseUrl?: string }) {
	return async (_country: CountryView): Promise<RenderOutcome> => {
		throw new Error('renderer not merged yet');
	};
}
