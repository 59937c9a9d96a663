/** Export a country to a file, import one back (merge), or found a new country from one. */
import { err, ok, recordSetDigest, type Constitution, type Result, type Verified } from '../model';
import {
	entriesOfUpdate,
	readStateFile,
	verifyEntries,
	type DiagnosticEntry,
	type StateHeader
} from '../sync';
import type { AppState } from './app.svelte';
import { foundCountry } from './founding';

export type ImportPreview = {
	header: StateHeader;
	/** Valid records in the file (checked with what this device already holds). */
	valid: Verified[];
	/** How many of them this device does not hold yet. */
	fresh: number;
	invalid: DiagnosticEntry[];
	citizensUpdate: Uint8Array | null;
	/** Whether this device already holds the country. */
	held: boolean;
};

export async function exportCountry(
	app: AppState,
	countryId: string,
	includeCitizens: boolean
): Promise<Result<{ bytes: Uint8Array; filename: string }, string>> {
	const held = app.heldCountry(countryId);
	const country = app.country(countryId);
	const bytes = await country.exportFile({
		includeCitizens: includeCitizens && !!held,
		secret: held?.secret ?? null,
		signaling: held?.signaling ?? []
	});
	if (!bytes) return err('genesis_missing', 'This device does not hold that country yet.');
	const slug = country.view.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'country';
	return ok({ bytes, filename: `${slug}-${countryId.slice(0, 8)}.webocracy` });
}

/** Read a file and check every record in it; nothing is stored. */
export async function previewImport(
	app: AppState,
	bytes: Uint8Array
): Promise<Result<ImportPreview, string>> {
	const file = await readStateFile(bytes);
	if (!file.ok) return file;
	const { header } = file.value;
	const entries = entriesOfUpdate(file.value.publicUpdate);
	if (!entries.ok) return entries;
	const held = app.heldCountry(header.country) !== null;
	const country = held ? app.country(header.country) : null;
	const verdict = await verifyEntries({
		countryId: header.country,
		entries: entries.value,
		verifier: app.verifier,
		held: country?.view.valid.values(),
		// Judge the file together with everything stored here, so a second import of the same
		// file finds nothing new (a record may only become valid with a held one).
		heldEntries: country ? [...country.heldEntries()] : []
	});
	if (!verdict.country.genesis) {
		return err(
			'genesis_missing',
			'The file does not hold a valid founding record for its country.'
		);
	}
	const fresh = verdict.valid.filter(
		(r) => !country?.holds(r.id, { record: r.text, signature: r.signature })
	).length;
	return ok({
		header,
		valid: verdict.valid,
		fresh,
		invalid: verdict.invalid,
		citizensUpdate: file.value.citizensUpdate,
		held
	});
}

/** Merge the valid part of a previewed file into this device's copy of the country. */
export async function commitImport(
	app: AppState,
	preview: ImportPreview
): Promise<Result<string, string>> {
	const { header } = preview;
	const existing = app.heldCountry(header.country);
	app.remember({
		id: header.country,
		name: header.name,
		addedAt: existing?.addedAt ?? Date.now(),
		// Without the citizens' part the file carries no secret: the citizens' area stays closed.
		secret: existing?.secret ?? header.secret ?? null,
		signaling: existing?.signaling ?? header.signaling
	});
	const country = app.country(header.country);
	const missing = preview.valid.filter(
		(r) => !country.holds(r.id, { record: r.text, signature: r.signature })
	);
	const published = await country.publish(
		missing.map((r) => ({ id: r.id, entry: { record: r.text, signature: r.signature } }))
	);
	if (!published.ok) return published;
	const refused = published.value.filter((v) => v.status === 'invalid').length;
	if (preview.citizensUpdate && !country.mergeCitizens(preview.citizensUpdate)) {
		return err(
			'file_corrupt',
			'The citizens’ part of the file does not decode; the rest was imported.'
		);
	}
	if (refused) return err('import_partial', `${refused} records were refused on import.`);
	return ok(header.country);
}

/**
 * Found a new country from a file: a new genesis naming its parent and the record set it
 * starts from, the seceder as founder, its own rooms and secret; every valid record of the
 * parent comes along, still signed by its authors.
 */
export async function secede(
	app: AppState,
	preview: ImportPreview,
	input: { name: string; constitution: Constitution }
): Promise<Result<string, string>> {
	return foundCountry(
		app,
		{
			...input,
			parent: {
				country: preview.header.country,
				recordSet: recordSetDigest(preview.valid.map((r) => r.id)),
				records: preview.valid.length
			}
		},
		preview.valid.map((r) => ({ id: r.id, entry: { record: r.text, signature: r.signature } }))
	);
}
