/**
 * Judge a whole set of untrusted entries at once (an imported file): parse, verify each
 * signature against its author's key (keys only from verified self-signed records), then
 * apply the country's rules together with what this device already holds.
 */
import {
	deriveCountry,
	keysByAuthor,
	parseEntry,
	signingKeyFor,
	type CountryView,
	type ParsedRecord,
	type Verified
} from '../model';
import type { DiagnosticEntry, RecordVerifier } from './record-store';

export type EntrySetVerdict = {
	/** The country as it would be with these entries added to what is held. */
	country: CountryView;
	/** Entries of the set that are valid there. */
	valid: Verified[];
	/** Entries of the set that are not, with the reason. */
	invalid: DiagnosticEntry[];
};

export async function verifyEntries(options: {
	countryId: string;
	entries: Iterable<[string, unknown]>;
	verifier: RecordVerifier;
	/** Records this device already holds as valid (they can vouch for authors). */
	held?: Iterable<Verified>;
}): Promise<EntrySetVerdict> {
	const invalid: DiagnosticEntry[] = [];
	const parsed = new Map<string, ParsedRecord>();
	for (const [id, value] of options.entries) {
		const result = parseEntry(id, value);
		if (result.ok) parsed.set(id, result.value);
		else {
			invalid.push({
				id: id.slice(0, 80),
				kind: '?',
				author: '',
				at: null,
				status: 'invalid',
				code: result.code,
				message: result.message
			});
		}
	}
	const verified = new Map<string, Verified>();
	for (const r of options.held ?? []) verified.set(r.id, r);
	const failed = new Set<string>();
	// Verifying self-signed records reveals keys for the others: repeat until nothing new.
	for (;;) {
		const keys = keysByAuthor(verified.values());
		const batch: { parsed: ParsedRecord; publicKey: string }[] = [];
		for (const record of parsed.values()) {
			if (verified.has(record.id) || failed.has(record.id)) continue;
			const publicKey = signingKeyFor(record, keys);
			if (publicKey) batch.push({ parsed: record, publicKey });
		}
		if (!batch.length) break;
		const results = await options.verifier.verifyMany(batch);
		results.forEach((result, i) => {
			const { parsed: record } = batch[i]!;
			if (result.ok) verified.set(record.id, result.value);
			else {
				failed.add(record.id);
				invalid.push({
					...describe(record),
					status: 'invalid',
					code: result.code,
					message: result.message
				});
			}
		});
	}
	const country = deriveCountry(options.countryId, verified.values());
	const rejectedById = new Map(country.rejected.map((r) => [r.id, r]));
	const valid: Verified[] = [];
	for (const record of parsed.values()) {
		if (failed.has(record.id)) continue;
		const good = country.valid.get(record.id);
		if (good) valid.push(good);
		else {
			const rejection = rejectedById.get(record.id);
			invalid.push({
				...describe(record),
				status: 'invalid',
				code: rejection?.code ?? 'author_unknown',
				message: rejection?.message ?? 'no key for its author in this set or on this device'
			});
		}
	}
	return { country, valid, invalid };
}

export function describe(
	parsed: ParsedRecord
): Omit<DiagnosticEntry, 'status' | 'code' | 'message'> {
	return {
		id: parsed.id,
		kind: parsed.record.kind,
		author: parsed.record.author,
		at: parsed.record.at
	};
}
