/**
 * A country's two Yjs documents and their local persistence. The public document holds
 * the signed records everyone may read; the citizens document (issue: CMS) holds the
 * citizens-only area. Nothing here trusts content: see record-store.ts.
 */
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';

export const RECORDS_MAP = 'records';
/** In the citizens document: draft id → a shared draft (see drafts.ts). */
export const DRAFTS_MAP = 'drafts';

export type CountryDocs = {
	countryId: string;
	publicDoc: Y.Doc;
	citizensDoc: Y.Doc;
	records: Y.Map<unknown>;
	/** The citizens' area's records (threads, messages), as untrusted as `records`. */
	citizensRecords: Y.Map<unknown>;
	/** The citizens' shared drafts: untrusted, co-edited state. */
	drafts: Y.Map<unknown>;
	/** Resolves once what was stored on this device is loaded into the documents. */
	whenLoaded: Promise<void>;
	/** Resolves once every update made so far is committed to IndexedDB. */
	flushed(): Promise<void>;
	destroy(): Promise<void>;
};

export const storageName = (countryId: string, part: 'public' | 'citizens') =>
	`webocracy/${countryId}/${part}`;

type IdbInternals = { _db: Promise<IDBDatabase> };

/**
 * IndexedDB runs transactions on one store in the order they were created, so a read
 * transaction opened now completes only after every write y-indexeddb queued before it.
 */
async function flushPersistence(persistence: IndexeddbPersistence): Promise<void> {
	// reason: y-indexeddb keeps its database promise private; we only read it to order a tx.
	const db = await (persistence as unknown as IdbInternals)._db;
	await new Promise<void>((resolve, reject) => {
		const tx = db.transaction(['updates'], 'readonly');
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error);
		tx.onabort = () => reject(tx.error);
	});
}

export function openCountryDocs(countryId: string, { persist = true } = {}): CountryDocs {
	const publicDoc = new Y.Doc({ gc: true });
	const citizensDoc = new Y.Doc({ gc: true });
	const persistences = persist
		? [
				new IndexeddbPersistence(storageName(countryId, 'public'), publicDoc),
				new IndexeddbPersistence(storageName(countryId, 'citizens'), citizensDoc)
			]
		: [];
	const whenLoaded = Promise.all(persistences.map((p) => p.whenSynced)).then(() => undefined);
	return {
		countryId,
		publicDoc,
		citizensDoc,
		records: publicDoc.getMap(RECORDS_MAP),
		citizensRecords: citizensDoc.getMap(RECORDS_MAP),
		drafts: citizensDoc.getMap(DRAFTS_MAP),
		whenLoaded,
		async flushed() {
			await whenLoaded;
			await Promise.all(persistences.map(flushPersistence));
		},
		async destroy() {
			await Promise.all(persistences.map((p) => p.destroy()));
			publicDoc.destroy();
			citizensDoc.destroy();
		}
	};
}
