import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

/** OpenPGP v4 (40 hex) or v6 (64 hex) fingerprints, as records name authors. */
const FINGERPRINT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export const load: PageLoad = ({ params }) => {
	if (!FINGERPRINT.test(params.fingerprint)) error(404, 'That is not a key fingerprint.');
	return { fingerprint: params.fingerprint };
};
