/**
 * The citizens' area: threads and messages in the citizens document, an untrusted log like
 * the public one. The same RecordStore guards it (parse, verify, heal), but its records are
 * judged against the public country: authors' keys and citizenship come from there, so only
 * citizens of the public view can write here (docs/records.md, R44).
 */
import type * as Y from 'yjs';
import {
	deriveCountry,
	keysByAuthor,
	type CountryView,
	type Rejection,
	type SignedEntry,
	type Verified
} from '../model';
import type { CountryDocs } from './docs';
import { Drafts } from './drafts';
import {
	RecordStore,
	type RecordJudge,
	type RecordStatus,
	type RecordVerifier
} from './record-store';

/** The kinds the citizens' area holds; anything else written there is `kind_misplaced`. */
export const CITIZENS_AREA_KINDS: ReadonlySet<string> = new Set(['thread', 'message']);
/** The public records that decide who is a citizen (R1–R8, R24): all citizens' records need. */
const CITIZENSHIP_KINDS: ReadonlySet<string> = new Set(['genesis', 'citizen', 'invite']);

/** The public records citizenship is derived from, in the public view's order. */
export const citizenshipRecords = (country: CountryView): Verified[] =>
	[...country.valid.values()].filter((r) => CITIZENSHIP_KINDS.has(r.record.kind));

/**
 * The citizens' area as a view: the public country's name and citizens, with `valid` and
 * `rejected` holding the area's own records only. Threads and messages are judged with the
 * country's rules (R3, R9, R24, R29, R30) over the public citizenship records, which give
 * the same citizens as the whole public set; any other kind is `kind_misplaced` (R44), so a
 * citizen record slipped into this document can never admit anyone.
 */
export function deriveCitizensArea(
	publicView: CountryView,
	records: Iterable<Verified>,
	basis: readonly Verified[] = citizenshipRecords(publicView)
): CountryView {
	const area: Verified[] = [];
	const misplaced: Rejection[] = [];
	for (const r of records) {
		if (CITIZENS_AREA_KINDS.has(r.record.kind)) area.push(r);
		else
			misplaced.push({
				id: r.id,
				kind: r.record.kind,
				author: r.record.author,
				code: 'kind_misplaced',
				message: 'only threads and messages belong in the citizens’ area'
			});
	}
	const areaIds = new Set(area.map((r) => r.id));
	const derived = deriveCountry(publicView.id, [...basis, ...area]);
	return {
		...derived,
		valid: new Map([...derived.valid].filter(([id]) => areaIds.has(id))),
		rejected: [...derived.rejected.filter((r) => areaIds.has(r.id)), ...misplaced]
	};
}

/** Whether two record lists hold the same records (ids and signatures), in the same order. */
const sameRecords = (a: readonly Verified[], b: readonly Verified[]) =>
	a.length === b.length && a.every((r, i) => r.id === b[i]!.id && r.signature === b[i]!.signature);

/**
 * The citizens' document of a country: its record store, judged against the public store,
 * and its shared drafts. Re-judges only when the public citizenship records change, not on
 * every public post.
 */
export class CitizensArea {
	readonly store: RecordStore;
	readonly drafts: Drafts;
	private basis: Verified[];
	private keys: ReadonlyMap<string, string>;
	private readonly offPublic: () => void;

	constructor(
		private readonly docs: CountryDocs,
		options: { publicStore: RecordStore; verifier: RecordVerifier }
	) {
		const { publicStore } = options;
		let publicView = publicStore.snapshot.country;
		this.basis = citizenshipRecords(publicView);
		this.keys = keysByAuthor(this.basis);
		const judge: RecordJudge = {
			keys: () => this.keys,
			derive: (records) => deriveCitizensArea(publicView, records, this.basis)
		};
		this.store = new RecordStore({
			countryId: docs.countryId,
			records: docs.citizensRecords,
			verifier: options.verifier,
			judge
		});
		const onPublic = ({ country }: { country: CountryView }) => {
			const basis = citizenshipRecords(country);
			publicView = country;
			if (sameRecords(basis, this.basis)) return;
			this.basis = basis;
			this.keys = keysByAuthor(basis);
			this.store.rejudge();
		};
		publicStore.on('change', onPublic);
		this.offPublic = () => publicStore.off('change', onPublic);
		this.drafts = new Drafts(docs.drafts);
	}

	get records(): Y.Map<unknown> {
		return this.docs.citizensRecords;
	}

	/** Publish signed entries here; resolves with each verdict once stored on this device. */
	async publish(entries: { id: string; entry: SignedEntry }[]): Promise<RecordStatus[]> {
		const verdicts = await this.store.publish(entries);
		await this.docs.flushed();
		return verdicts;
	}

	destroy(): void {
		this.offPublic();
		this.store.destroy();
		this.drafts.destroy();
	}
}
