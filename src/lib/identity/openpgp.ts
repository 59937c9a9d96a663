/**
 * The one door to openpgp. It is loaded on first use, never at startup: the library is
 * large and the app's first page must not contain it (see STACK.md, gotcha 8).
 */
import type * as OpenPGP from 'openpgp';

export type OpenPGPModule = typeof OpenPGP;

let loading: Promise<OpenPGPModule> | null = null;

/** The openpgp module, imported once. A failed import (offline, chunk gone) may be retried. */
export function loadOpenpgp(): Promise<OpenPGPModule> {
	if (!loading) {
		loading = import('openpgp').catch((error: unknown) => {
			loading = null;
			throw error;
		});
	}
	return loading;
}

/**
 * Settings for every call, so a change to openpgp's global config elsewhere cannot change
 * what we make: v4 keys (GnuPG 2.2 reads no v6), iterated S2K protection GnuPG can open.
 */
export const KEY_CONFIG = { v6Keys: false, aeadProtect: false } as const;
