/** Export a country's documents to a state file, and merge the citizens' part of one back. */
import * as Y from 'yjs';
import type { SignedEntry } from '../model';
import type { CountryDocs } from './docs';
import { writeStateFile } from './state-file';

export const IMPORT_ORIGIN = Symbol('webocracy-import');

export async function exportCountryFile(
	docs: CountryDocs,
	meta: {
		name: string;
		genesis: SignedEntry;
		includeCitizens: boolean;
		secret: string | null;
		signaling: string[];
	}
): Promise<Uint8Array> {
	await docs.whenLoaded;
	return writeStateFile({
		country: docs.countryId,
		name: meta.name,
		genesis: meta.genesis,
		publicUpdate: Y.encodeStateAsUpdate(docs.publicDoc),
		citizensUpdate: meta.includeCitizens ? Y.encodeStateAsUpdate(docs.citizensDoc) : null,
		secret: meta.secret,
		signaling: meta.signaling
	});
}

/**
 * Merge the citizens' document from a file. Yjs merges are idempotent, so importing twice
 * changes nothing; the update is applied in one local transaction (peers receive it through
 * the chunked channel, however large).
 */
export function mergeCitizensUpdate(docs: CountryDocs, update: Uint8Array): boolean {
	try {
		Y.applyUpdate(docs.citizensDoc, update, IMPORT_ORIGIN);
		return true;
	} catch {
		return false;
	}
}
