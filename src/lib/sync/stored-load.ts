/**
 * Loading a stored document without freezing the page. y-indexeddb reads every row of its
 * 'updates' store and applies them all in one Yjs transaction: for a large country (10 MB)
 * that is one task of a second or more on the main thread. Here the same rows, from the same
 * database, are cut into small updates (update-pieces.ts) that each apply on their own, and
 * applied a few milliseconds at a time, the page getting a turn in between. The document
 * ends the same: Yjs merges updates in any grouping and order.
 *
 * Rows that do not read as Yjs updates are skipped and named, never thrown: storage is the
 * browser's (and other programs') to damage, and the rest of the country must still open.
 */
import * as Y from 'yjs';
import { cutUpdate } from './update-pieces';

/** Struct bytes per piece: one applies in about a millisecond on a laptop. */
export const PIECE_BYTES = 64 * 1024;
/** Main-thread time spent applying pieces before the page gets a turn. */
export const SLICE_MS = 8;

/** The store y-indexeddb keeps a document's updates in, one row each, autoincremented keys. */
export const UPDATES_STORE = 'updates';
/** y-indexeddb's key–value store, beside it. */
export const CUSTOM_STORE = 'custom';

export type StoredRow = { key: IDBValidKey; value: unknown };
export type UnreadableRow = StoredRow & { reason: string };

/**
 * Give the page a turn: input, rendering and timers run before the next slice. A message
 * task, not setTimeout, which browsers stretch to 4 ms once timeouts nest.
 */
export function yieldToPage(): Promise<void> {
	if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
	return new Promise((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(null);
	});
}

/**
 * Apply stored rows to `doc` in order, each cut into pieces of about `pieceBytes`, yielding
 * to the page whenever a slice has run `sliceMs`. `apply` applies one piece (the caller
 * chooses the origin and which listeners hear it); `stopped` ends the load early (the
 * document was closed). Returns the rows that could not be read: a row that breaks off
 * part-way keeps the pieces before the break, as they are whole updates of their own.
 */
export async function applyRows(
	rows: readonly StoredRow[],
	options: {
		apply: (piece: Uint8Array) => void;
		stopped?: () => boolean;
		pieceBytes?: number;
		sliceMs?: number;
		now?: () => number;
	}
): Promise<UnreadableRow[]> {
	const { apply, stopped = () => false, pieceBytes = PIECE_BYTES, sliceMs = SLICE_MS } = options;
	const now = options.now ?? (() => performance.now());
	const unreadable: UnreadableRow[] = [];
	let sliceStart = now();
	for (const row of rows) {
		if (!(row.value instanceof Uint8Array)) {
			unreadable.push({ ...row, reason: 'not a Yjs update' });
			continue;
		}
		try {
			for (const piece of cutUpdate(row.value, pieceBytes)) {
				if (now() - sliceStart >= sliceMs) {
					await yieldToPage();
					if (stopped()) return unreadable;
					sliceStart = now();
				}
				apply(piece);
			}
		} catch (error) {
			unreadable.push({ ...row, reason: error instanceof Error ? error.message : String(error) });
		}
	}
	return unreadable;
}

/** Every row of the updates store, in key order, in one read-only transaction. */
export function readRows(db: IDBDatabase): Promise<StoredRow[]> {
	return new Promise((resolve, reject) => {
		const tx = db.transaction([UPDATES_STORE], 'readonly');
		const store = tx.objectStore(UPDATES_STORE);
		const keys = store.getAllKeys();
		const values = store.getAll();
		tx.oncomplete = () => resolve(keys.result.map((key, i) => ({ key, value: values.result[i] })));
		tx.onerror = () => reject(tx.error ?? new Error('the stored document could not be read'));
		tx.onabort = () => reject(tx.error ?? new Error('the stored document could not be read'));
	});
}

/**
 * Copy unreadable rows into the key–value store, under ['unreadable', key]: y-indexeddb's
 * compaction deletes every row older than the state it writes, and these may yet be
 * recovered by hand (or by a later version that reads them).
 */
export function putAside(db: IDBDatabase, rows: readonly StoredRow[]): Promise<void> {
	return new Promise((resolve, reject) => {
		const tx = db.transaction([CUSTOM_STORE], 'readwrite');
		const store = tx.objectStore(CUSTOM_STORE);
		for (const { key, value } of rows) store.put(value, ['unreadable', key]);
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error ?? new Error('aborted'));
		tx.onabort = () => reject(tx.error ?? new Error('aborted'));
	});
}

/**
 * A piece applied as `origin`, unheard by `listener` (Yjs would encode the piece again just
 * for it, to be ignored). An observer may write while the piece applies (a nested
 * transaction, emitted inside the same call): the listener then gets the whole state once
 * instead, so that write is stored all the same.
 */
export function quietApply(
	doc: Y.Doc,
	origin: unknown,
	listener: (update: Uint8Array, origin: unknown) => void
): (piece: Uint8Array) => void {
	let foreign = false;
	const watch = (tr: Y.Transaction) => {
		if (tr.origin !== origin) foreign = true;
	};
	return (piece) => {
		foreign = false;
		doc.off('update', listener);
		doc.on('afterTransaction', watch);
		try {
			Y.applyUpdate(doc, piece, origin);
		} finally {
			doc.off('afterTransaction', watch);
			doc.on('update', listener);
		}
		if (foreign) listener(Y.encodeStateAsUpdate(doc), null);
	};
}
