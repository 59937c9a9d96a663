/**
 * A country's frame: the few records a front page needs (genesis, citizens, invites,
 * governance and filters, and the newest posts), kept aside in IndexedDB so that the
 * country shows before its whole document (10 MB for 10,000 records) is read and decoded.
 * The frame is a hint, not a trust: its entries are parsed and verified like any entry
 * (the persistent verified cache makes that cheap), and the document they were taken from
 * stays the source of truth (RecordStore.preload, mapLoaded).
 */
import { LATEST_POSTS, type SignedEntry, type Verified } from '../model';
import { storageName } from './docs';

export type FrameEntry = { id: string; entry: SignedEntry };

/** Kinds that are always in the frame: few, and all the rest is judged against them. */
const FRAME_KINDS: ReadonlySet<string> = new Set([
	'genesis',
	'citizen',
	'invite',
	'election',
	'result',
	'filter',
	'feature'
]);
/** Kinds of which the newest make the front page: posts, and what withdraws or edits them. */
const NEWEST_KINDS: ReadonlySet<string> = new Set(['post', 'retraction', 'page']);
/**
 * How many of the newest posts (and retractions, pages) the frame keeps: the front page's
 * list, with room for the edits and retractions among them. Every one is parsed and checked
 * before the country shows, so no more than that.
 */
export const FRAME_NEWEST = 3 * LATEST_POSTS;
/** More than any frame this code writes: a bigger stored value is not ours, and ignored. */
const MAX_FRAME_ENTRIES = 200_000;
const STORE = 'frame';
const KEY = 'latest';
/** A frame that cannot be read this quickly is skipped: the document loads anyway. */
const READ_TIMEOUT_MS = 1000;

const newerFirst = (a: Verified, b: Verified) =>
	b.record.at - a.record.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The frame of a set of valid records. */
export function frameOf(valid: ReadonlyMap<string, Verified>): FrameEntry[] {
	const frame: Verified[] = [];
	const newest: Verified[] = [];
	for (const record of valid.values()) {
		if (FRAME_KINDS.has(record.record.kind)) frame.push(record);
		else if (NEWEST_KINDS.has(record.record.kind)) newest.push(record);
	}
	newest.sort(newerFirst);
	return [...frame, ...newest.slice(0, FRAME_NEWEST)].map((r) => ({
		id: r.id,
		entry: { record: r.text, signature: r.signature }
	}));
}

const frameName = (countryId: string) => storageName(countryId, 'frame');

function openFrameDb(countryId: string, version?: number): Promise<IDBDatabase> {
	return new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(frameName(countryId), version);
		request.onupgradeneeded = () => {
			if (!request.result.objectStoreNames.contains(STORE)) {
				request.result.createObjectStore(STORE);
			}
		};
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
		request.onblocked = () => reject(new Error('frame database blocked'));
	}).then((db) => {
		if (db.objectStoreNames.contains(STORE)) return db;
		// Made by someone else without our store (a bare open): add it in a new version.
		db.close();
		return openFrameDb(countryId, db.version + 1);
	});
}

/** Only well-formed entries; anything else in the stored value is dropped. */
function entriesOf(value: unknown): FrameEntry[] {
	const rows = (value as { entries?: unknown } | null)?.entries;
	if (!Array.isArray(rows) || rows.length > MAX_FRAME_ENTRIES) return [];
	const entries: FrameEntry[] = [];
	for (const row of rows) {
		if (!Array.isArray(row) || row.length !== 3) continue;
		const [id, record, signature] = row as unknown[];
		if (typeof id === 'string' && typeof record === 'string' && typeof signature === 'string') {
			entries.push({ id, entry: { record, signature } });
		}
	}
	return entries;
}

/** The frame this device kept for a country; empty when there is none or it cannot be read. */
export function readFrame(countryId: string): Promise<FrameEntry[]> {
	if (typeof indexedDB === 'undefined') return Promise.resolve([]);
	const read = openFrameDb(countryId).then(
		(db) =>
			new Promise<FrameEntry[]>((resolve) => {
				const done = (entries: FrameEntry[]) => {
					db.close();
					resolve(entries);
				};
				try {
					const request = db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
					request.onsuccess = () => done(entriesOf(request.result));
					request.onerror = () => done([]);
				} catch {
					done([]);
				}
			})
	);
	const late = new Promise<FrameEntry[]>((resolve) =>
		setTimeout(() => resolve([]), READ_TIMEOUT_MS)
	);
	return Promise.race([read, late]).catch(() => []);
}

/** Keep a country's frame (replacing the last one). Never rejects: it is only a cache. */
export async function writeFrame(countryId: string, entries: readonly FrameEntry[]): Promise<void> {
	if (typeof indexedDB === 'undefined') return;
	try {
		const db = await openFrameDb(countryId);
		await new Promise<void>((resolve) => {
			try {
				const tx = db.transaction(STORE, 'readwrite');
				const rows = entries.map(({ id, entry }) => [id, entry.record, entry.signature]);
				tx.objectStore(STORE).put({ entries: rows }, KEY);
				tx.oncomplete = tx.onabort = tx.onerror = () => resolve();
			} catch {
				resolve();
			}
		});
		db.close();
	} catch {
		// Not kept: the next open reads the whole document first, as without a frame.
	}
}
