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
	/**
	 * Resolves once every update made so far is committed to IndexedDB; rejects with a
	 * StorageWriteError when a write was refused (storage full) and could not be redone.
	 */
	flushed(): Promise<void>;
	destroy(): Promise<void>;
};

export const storageName = (countryId: string, part: 'public' | 'citizens' | 'frame') =>
	`webocracy/${countryId}/${part}`;

type IdbInternals = {
	_db: Promise<IDBDatabase>;
	_storeUpdate: (update: Uint8Array, origin: unknown) => void;
};

/**
 * y-indexeddb applies what it loads in one transaction; Yjs then encodes that transaction
 * again (the whole stored state, 10 MB for a large country) for every 'update' listener,
 * and y-indexeddb's own listener, the only one there at that moment, ignores it as its own.
 * Detach it until the load is done: nothing is written before then anyway (it writes only
 * once its database is open, and the load stores the state held before it applies).
 */
function openPersistence(name: string, doc: Y.Doc): IndexeddbPersistence {
	const persistence = new IndexeddbPersistence(name, doc);
	// reason: y-indexeddb's listener is private; we only move when it is attached.
	const store = (persistence as unknown as IdbInternals)._storeUpdate;
	doc.off('update', store);
	persistence.once('synced', () => {
		if (!persistence._destroyed) doc.on('update', store);
	});
	return persistence;
}

/** Some of a document's updates are not in IndexedDB: they live only in this session. */
export class StorageWriteError extends Error {
	readonly quota: boolean;
	constructor(cause: DOMException | null) {
		const quota = cause?.name === 'QuotaExceededError';
		super(
			quota
				? 'This device’s storage is full: the change was not saved here. Free some space ' +
						'(or let the browser keep this site’s data) and try again.'
				: `The change could not be saved on this device: ${cause?.message || cause?.name || 'the write was aborted'}.`
		);
		this.name = 'StorageWriteError';
		this.quota = quota;
	}
}

/**
 * IndexedDB runs transactions on one store in the order they were created, so a read
 * transaction opened now completes only after every write y-indexeddb queued before it
 * has committed or aborted.
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

/**
 * y-indexeddb neither awaits nor reports its writes: a transaction aborted for want of
 * space (QuotaExceededError, raised at commit) loses the update without a word. Watch every
 * write transaction on its database and keep the first failure until it is dealt with.
 */
function watchWrites(persistence: IndexeddbPersistence, doc: Y.Doc) {
	let failure: DOMException | null | undefined;
	/** Write transactions not finished yet: each settles when it commits or aborts. */
	const pending = new Set<Promise<void>>();
	const database = (persistence as unknown as IdbInternals)._db;
	void database.then((db) => {
		const open = db.transaction.bind(db);
		db.transaction = ((stores, mode, options) => {
			const tx = open(stores, mode, options);
			if (mode === 'readwrite') {
				const done = new Promise<void>((resolve) => {
					tx.addEventListener('complete', () => resolve());
					tx.addEventListener('abort', () => {
						if (failure === undefined) failure = tx.error;
						resolve();
					});
				});
				pending.add(done);
				void done.then(() => pending.delete(done));
			}
			return tx;
		}) as IDBDatabase['transaction'];
	});
	/** The whole document as one more row: it holds every update, the lost ones too. */
	async function storeWhole(): Promise<void> {
		const db = await database;
		await new Promise<void>((resolve) => {
			const tx = db.transaction(['updates'], 'readwrite');
			tx.objectStore('updates').add(Y.encodeStateAsUpdate(doc));
			tx.oncomplete = () => resolve();
			// The watcher above records the failure.
			tx.onabort = () => resolve();
		});
	}
	return {
		/** Wait for earlier writes; if one was lost, store the whole state again once. */
		async flushed(): Promise<void> {
			await flushPersistence(persistence);
			await Promise.all(pending);
			if (failure === undefined) return;
			failure = undefined;
			await storeWhole();
			if (failure !== undefined) throw new StorageWriteError(failure);
		}
	};
}

export function openCountryDocs(
	countryId: string,
	{ persist = true, loadAfter }: { persist?: boolean; loadAfter?: Promise<unknown> } = {}
): CountryDocs {
	const publicDoc = new Y.Doc({ gc: true });
	const citizensDoc = new Y.Doc({ gc: true });
	let destroyed = false;
	const open = () =>
		persist && !destroyed
			? [
					openPersistence(storageName(countryId, 'public'), publicDoc),
					openPersistence(storageName(countryId, 'citizens'), citizensDoc)
				]
			: [];
	// Decoding a large stored document holds the main thread for a while: a caller with
	// something cheaper to show first (the record store's frame) says when to start.
	const opened: Promise<IndexeddbPersistence[]> = loadAfter
		? loadAfter.then(open, open)
		: Promise.resolve(open());
	const whenLoaded = opened
		.then((persistences) => Promise.all(persistences.map((p) => p.whenSynced)))
		.then(() => undefined);
	const writes = opened.then((persistences) => persistences.map((p) => watchWrites(p, p.doc)));
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
			await Promise.all((await writes).map((w) => w.flushed()));
		},
		async destroy() {
			destroyed = true;
			await Promise.all((await opened).map((p) => p.destroy()));
			publicDoc.destroy();
			citizensDoc.destroy();
		}
	};
}
