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
import {
	describeRecord,
	describeUnparsed,
	type DiagnosticEntry,
	type RecordVerifier
} from './record-store';

export type EntrySetVerdict = {
	/** The country as it would be with these entries added to what is held. */
	country: CountryView;
	/**
	 * Entries of the set that are valid there. When the set and what is held carry the same
	 * record with two valid signatures, this is the one views keep (the smaller signature),
	 * so that merging `valid` into what is held settles instead of fighting.
	 */
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
	/**
	 * Everything this device holds, as stored (its record map): judged together with the set
	 * and never reported. Records held but not valid yet — a claim whose invite had not
	 * arrived, a post whose author's key had not — may become valid with the set and vouch
	 * for records in it; without them a second import of the same set could add more than
	 * the first. Re-verifying them is cheap: the verifier remembers what it checked.
	 */
	heldEntries?: Iterable<[string, unknown]>;
}): Promise<EntrySetVerdict> {
	const invalid: DiagnosticEntry[] = [];
	const parsed = new Map<string, ParsedRecord>();
	for (const [id, value] of options.entries) {
		const result = parseEntry(id, value);
		if (result.ok) parsed.set(id, result.value);
		else {
			invalid.push(describeUnparsed(id, value, result.code, result.message));
		}
	}
	/** By id: what the rules will see, one version per id (the smaller valid signature). */
	const verified = new Map<string, Verified>();
	const keep = (r: Verified) => {
		const seen = verified.get(r.id);
		if (!seen || r.signature < seen.signature) verified.set(r.id, r);
	};
	for (const r of options.held ?? []) keep(r);
	/** Entries of the set, and held entries, whose own signature still needs checking. */
	const unchecked = new Map<ParsedRecord, 'set' | 'held'>();
	for (const [id, value] of options.heldEntries ?? []) {
		const result = parseEntry(id, value);
		if (result.ok && verified.get(id)?.signature !== result.value.signature) {
			unchecked.set(result.value, 'held');
		}
	}
	// A set entry is taken as checked only when it is exactly a held valid record (same text
	// and signature), never merely because its id is held.
	const checked = new Map<string, Verified>();
	for (const record of parsed.values()) {
		const held = verified.get(record.id);
		if (held && held.signature === record.signature) checked.set(record.id, held);
		else unchecked.set(record, 'set');
	}
	// Verifying self-signed records reveals keys for the others: repeat until nothing new.
	const failed = new Set<string>();
	for (;;) {
		const keys = keysByAuthor(verified.values());
		const batch: { parsed: ParsedRecord; publicKey: string }[] = [];
		for (const record of unchecked.keys()) {
			const publicKey = signingKeyFor(record, keys);
			if (publicKey) batch.push({ parsed: record, publicKey });
		}
		if (!batch.length) break;
		const results = await options.verifier.verifyMany(batch);
		results.forEach((result, i) => {
			const { parsed: record } = batch[i]!;
			const from = unchecked.get(record);
			unchecked.delete(record);
			if (result.ok) {
				keep(result.value);
				if (from === 'set') checked.set(record.id, result.value);
			} else if (from === 'set') {
				failed.add(record.id);
				invalid.push({
					...describeRecord(record),
					status: 'invalid',
					code: result.code,
					message: result.message
				});
			}
		});
	}
	const country = deriveCountry(options.countryId, verified.values());
	const rejectedById = new Map(country.rejected.map((r) => [r.id, r]));
	const related = new Set([options.countryId, ...country.ancestors]);
	const valid: Verified[] = [];
	for (const record of parsed.values()) {
		if (failed.has(record.id)) continue;
		const good = country.valid.get(record.id);
		if (checked.has(record.id) && good) valid.push(good);
		else if (checked.has(record.id)) {
			const rejection = rejectedById.get(record.id);
			invalid.push({
				...describeRecord(record),
				status: 'invalid',
				code: rejection?.code ?? 'author_unknown',
				message: rejection?.message ?? 'the record is not valid in this country'
			});
		} else {
			// Never verified, for want of a key for its author. A record of another country
			// says so: R3 is judged before anything that needs a key.
			const elsewhere = record.record.kind !== 'genesis' && !related.has(record.record.country);
			invalid.push({
				...describeRecord(record),
				status: 'invalid',
				code: elsewhere ? 'country_mismatch' : 'author_unknown',
				message: elsewhere
					? 'the record belongs to another country'
					: 'no key for its author in this set or on this device'
			});
		}
	}
	return { country, valid, invalid };
}
