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
import { cutUpdate, isWellFormedUpdate, MalformedUpdate } from './update-pieces';
import { yieldToPage } from './yield';

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

/** What of `doc`'s structs waits on missing ones: Yjs replaces it whenever more come to wait. */
const waitingOf = (doc: Y.Doc): Uint8Array | null => doc.store.pendingStructs?.update ?? null;

/**
 * Apply stored rows to `doc` in order, each cut into pieces of about `pieceBytes`, yielding
 * to the page whenever a slice has run `sliceMs`. `apply` applies one piece (the caller
 * chooses the origin and which listeners hear it); `stopped` ends the load early (the
 * document was closed). Returns the rows that could not be read: a row that breaks off
 * part-way keeps the pieces before the break, as they are whole updates of their own.
 *
 * Yjs writes an update's clients in descending id order, so a struct that builds on a later
 * client's item (an overwrite, a heal, co-edited text) cannot integrate from its piece: it
 * waits, and every later piece merges into what waits, which grows quadratic. Once a piece
 * leaves structs waiting, the rest of that row is applied whole, as stock y-indexeddb does
 * (Yjs skips what is already in): never slower than stock, only less sliced.
 */
export async function applyRows(
	rows: readonly StoredRow[],
	options: {
		doc: Y.Doc;
		apply: (piece: Uint8Array) => void;
		stopped?: () => boolean;
		pieceBytes?: number;
		sliceMs?: number;
		now?: () => number;
	}
): Promise<UnreadableRow[]> {
	const { doc, apply, stopped = () => false } = options;
	const { pieceBytes = PIECE_BYTES, sliceMs = SLICE_MS } = options;
	const now = options.now ?? (() => performance.now());
	const unreadable: UnreadableRow[] = [];
	let sliceStart = now();
	/** Give the page a turn once the slice is used up; false: the document was closed. */
	const turn = async () => {
		if (now() - sliceStart < sliceMs) return true;
		await yieldToPage();
		sliceStart = now();
		return !stopped();
	};
	// A throwing observer (or listener) is a bug elsewhere, not damage: Yjs has integrated
	// the update before it calls them, so the row is read all the same.
	const applyReported = (update: Uint8Array) => {
		try {
			apply(update);
		} catch (error) {
			console.error('An error while a stored update applied (the load goes on):', error);
		}
	};
	for (const row of rows) {
		if (!(row.value instanceof Uint8Array)) {
			unreadable.push({ ...row, reason: 'not a Yjs update' });
			continue;
		}
		const pieces = cutUpdate(row.value, pieceBytes);
		let waiting = waitingOf(doc);
		for (;;) {
			let next: IteratorResult<Uint8Array>;
			try {
				next = pieces.next();
			} catch (error) {
				if (!(error instanceof MalformedUpdate)) throw error;
				// The walk refuses some things Yjs reads (values nested deeper than it goes), and
				// older builds stored what peers sent unwalked: a row is damaged only if Yjs
				// cannot read it either. Else it is applied whole, as stock y-indexeddb would.
				if (decodesInYjs(row.value)) {
					if (!(await turn())) return unreadable;
					applyReported(row.value);
				} else unreadable.push({ ...row, reason: error.message || 'malformed update' });
				break;
			}
			if (next.done) break;
			if (!(await turn())) return unreadable;
			applyReported(next.value);
			const after = waitingOf(doc);
			// A malformed rest is still cut, to name the row and keep what reads before the break.
			if (after !== null && after !== waiting && isWellFormedUpdate(row.value)) {
				if (!(await turn())) return unreadable;
				applyReported(row.value);
				break;
			}
			waiting = after;
		}
	}
	return unreadable;
}

/** Whether Yjs itself reads the update (slow: it builds every value; for rare rows only). */
function decodesInYjs(update: Uint8Array): boolean {
	try {
		Y.decodeUpdate(update);
		return true;
	} catch {
		return false;
	}
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
 * Move unreadable rows into the key–value store, under ['unreadable', key], in one
 * transaction: y-indexeddb's compaction would delete them with every row older than the
 * state it writes, and they may yet be recovered by hand (or by a later version that reads
 * them). Out of 'updates', they are not read, reported and copied again on every open.
 */
export function putAside(db: IDBDatabase, rows: readonly StoredRow[]): Promise<void> {
	return new Promise((resolve, reject) => {
		const tx = db.transaction([UPDATES_STORE, CUSTOM_STORE], 'readwrite');
		const aside = tx.objectStore(CUSTOM_STORE);
		const updates = tx.objectStore(UPDATES_STORE);
		for (const { key, value } of rows) {
			aside.put(value, ['unreadable', key]);
			updates.delete(key);
		}
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
			// Also when an observer threw: its own writes are in the document by then.
			doc.off('afterTransaction', watch);
			doc.on('update', listener);
			if (foreign) listener(Y.encodeStateAsUpdate(doc), null);
		}
	};
}
