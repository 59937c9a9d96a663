/**
 * A country's two Yjs documents and their local persistence. The public document holds
 * the signed records everyone may read; the citizens document (issue: CMS) holds the
 * citizens-only area. Nothing here trusts content: see record-store.ts.
 */
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { messageOf } from '../model';
import {
	applyRows,
	putAside,
	quietApply,
	readRows,
	UPDATES_STORE,
	type UnreadableRow
} from './stored-load';

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
	/**
	 * Resolves once what was stored on this device is loaded into the documents (applied in
	 * slices: the page stays responsive meanwhile). Never rejects: see loadProblem.
	 */
	whenLoaded: Promise<void>;
	/** Once loaded: what stored here could not be read (the rest was loaded), or null. */
	readonly loadProblem: StorageReadError | null;
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
	_dbref: number;
	_dbsize: number;
	_storeUpdate: (update: Uint8Array, origin: unknown) => void;
};

type Opened = { persistence: IndexeddbPersistence; loaded: Promise<StorageReadError | null> };

/**
 * y-indexeddb for writes and compaction; the stored rows read by us, in slices (see
 * stored-load.ts). Its own load reads rows from `_dbref` on: set to nowhere, it applies
 * nothing but still does the rest — stores the state held before it (writes made while the
 * database opened), counts the rows, sets `_dbref` past the last one and emits 'synced'.
 * Its update listener waits until our load is done: it would hear each piece, and its
 * compaction (the document's state written, every older row deleted) must not run before
 * the document holds every row.
 */
function openPersistence(name: string, doc: Y.Doc): Opened {
	const persistence = new IndexeddbPersistence(name, doc);
	// reason: y-indexeddb's listener and row cursor are private; we only move them.
	const internals = persistence as unknown as IdbInternals;
	doc.off('update', internals._storeUpdate);
	internals._dbref = Infinity;
	const loaded = new Promise<StorageReadError | null>((resolve) => {
		// Synchronously on 'synced': no write can slip between its load and ours.
		persistence.once('synced', () => resolve(loadStored(persistence, internals)));
		// No 'synced' ever comes when the database does not open, or once the document is
		// closed: the country must still go on (and connect) without it.
		internals._db.catch((cause: unknown) => resolve(new StorageReadError({ cause, rows: null })));
		doc.once('destroy', () => resolve(null));
	});
	return { persistence, loaded };
}

/**
 * Read every stored row and apply it in slices. Runs inside y-indexeddb's 'synced' event, so
 * our read-only transaction queues behind its read-write one and sees every row it counted.
 */
async function loadStored(
	persistence: IndexeddbPersistence,
	internals: IdbInternals
): Promise<StorageReadError | null> {
	const { doc } = persistence;
	const db = persistence.db!;
	let written = 0;
	/** A write made during the load that could not even be queued: stored whole after. */
	let lost = false;
	// Writes made during the load: stored as y-indexeddb stores them (one row each), but
	// counted towards its compaction only once the document holds everything stored.
	const interim = (update: Uint8Array, origin: unknown) => {
		if (origin === persistence || persistence._destroyed) return;
		try {
			db.transaction([UPDATES_STORE], 'readwrite').objectStore(UPDATES_STORE).add(update);
			written++;
		} catch (error) {
			// Never thrown into the writer, nor into a piece being applied (that row is sound).
			console.error('A write made while the stored document loaded was not stored:', error);
			lost = true;
		}
	};
	/** A lost write is stored with the whole state, once, as the load ends. */
	const keepLost = () => {
		if (lost && !persistence._destroyed) interim(Y.encodeStateAsUpdate(doc), null);
		lost = false;
	};
	doc.on('update', interim);
	const done = () => doc.off('update', interim);
	doc.once('destroy', done);
	let unreadable: UnreadableRow[];
	try {
		unreadable = await applyRows(await readRows(db), {
			doc,
			apply: quietApply(doc, persistence, interim),
			stopped: () => persistence._destroyed
		});
	} catch (error) {
		// Nothing could be read: keep adding rows, never compact (that would drop what the
		// document lacks).
		keepLost();
		return new StorageReadError({ cause: error, rows: null });
	}
	if (persistence._destroyed) return null;
	if (unreadable.length) {
		try {
			await putAside(db, unreadable);
		} catch (error) {
			// The damaged rows stay among the updates: keep adding rows, never compact.
			keepLost();
			return new StorageReadError({ cause: error, rows: unreadable.length, keptAside: false });
		}
	}
	keepLost();
	done();
	if (persistence._destroyed) return null;
	// The rows put aside left the store.
	internals._dbsize += written - unreadable.length;
	doc.on('update', internals._storeUpdate);
	return unreadable.length ? new StorageReadError({ cause: null, rows: unreadable.length }) : null;
}

/** This device's stored copy of a document, or part of it, could not be read. */
export class StorageReadError extends Error {
	/** How many stored updates were unreadable; null: none could be read. */
	readonly rows: number | null;
	constructor({
		cause,
		rows,
		keptAside = true
	}: {
		cause: unknown;
		rows: number | null;
		/** Whether the unreadable rows were moved aside (false: they stay where they were). */
		keptAside?: boolean;
	}) {
		const updates = `${rows} stored update${rows === 1 ? ' was' : 's were'} unreadable`;
		super(
			rows === null
				? `This country’s copy on this device could not be read (${messageOf(cause)}). It ` +
						'opens with what peers send; nothing stored here was changed.'
				: keptAside
					? `Part of this country’s copy on this device is damaged: ${updates} (kept ` +
						'aside). The rest opened; what is missing comes back from peers that have it.'
					: `Part of this country’s copy on this device is damaged: ${updates}, and ` +
						`could not be set aside (${messageOf(cause)}). The rest opened; the damaged ` +
						'updates stay stored as they were, and what is missing comes back from peers ' +
						'that have it.'
		);
		this.name = 'StorageReadError';
		this.rows = rows;
	}
}

function noop() {}

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
	// A database that never opened is reported by the load (StorageReadError) and by flushed.
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
	}, noop);
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
			try {
				await flushPersistence(persistence);
			} catch (error) {
				// The database never opened: nothing of this session is stored here.
				throw new StorageWriteError(error instanceof DOMException ? error : null);
			}
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
	// Decoding a large stored document takes a while (in slices, but main-thread time all the
	// same): a caller with something cheaper to show first (the record store's frame) says
	// when to start.
	const opened: Promise<Opened[]> = loadAfter
		? loadAfter.then(open, open)
		: Promise.resolve(open());
	let loadProblem: StorageReadError | null = null;
	const whenLoaded = opened
		.then((all) => Promise.all(all.map((o) => o.loaded)))
		.then((problems) => {
			loadProblem = problems.find((p) => p !== null) ?? null;
		});
	const writes = opened.then((all) =>
		all.map(({ persistence }) => watchWrites(persistence, persistence.doc))
	);
	return {
		countryId,
		publicDoc,
		citizensDoc,
		records: publicDoc.getMap(RECORDS_MAP),
		citizensRecords: citizensDoc.getMap(RECORDS_MAP),
		drafts: citizensDoc.getMap(DRAFTS_MAP),
		whenLoaded,
		get loadProblem() {
			return loadProblem;
		},
		async flushed() {
			await whenLoaded;
			await Promise.all((await writes).map((w) => w.flushed()));
		},
		async destroy() {
			destroyed = true;
			// A database that never opened has nothing to close.
			await Promise.all((await opened).map((o) => o.persistence.destroy().catch(noop)));
			publicDoc.destroy();
			citizensDoc.destroy();
		}
	};
}
