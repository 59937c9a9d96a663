/**
 * Reopening a stored 10 MB country (bench/reopen.bench.js), browser side: the country's
 * public document is stored in IndexedDB as a device keeps it, then opened again and again,
 * by our `openCountryDocs` (rows applied in slices) and by stock y-indexeddb (every row in one
 * transaction), alternating, while the main thread is watched.
 */
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { openCountryDocs, storageName } from '../../src/lib/sync';
import { cutUpdate } from '../../src/lib/sync/update-pieces';
import { startProbe, type Probe } from './identity';

/**
 * How the stored rows look: after a join (one row per 256 KiB piece), after compaction (one
 * row), or after compaction of a country three clients wrote (one row; see healedStateOf).
 */
export type Layout = 'pieces' | 'compacted' | 'healed';

export type ReopenTimes = Omit<Probe, 'callMs'> & {
	/** Constructor → the document holds what was stored (whenLoaded / every whenSynced). */
	loadedMs: number;
	entries: number;
};

/** What the join sends and the app stores: pieces of 256 KiB (update-pieces.ts). */
const JOIN_PIECE_BYTES = 256 * 1024;

function settle(db: IDBDatabase): Promise<void> {
	return new Promise((resolve, reject) => {
		const tx = db.transaction(['updates'], 'readonly');
		tx.oncomplete = () => resolve();
		tx.onabort = () => reject(tx.error);
	});
}

/** Store the state (fetched from the bench server) as `countryId`'s public document. */
export async function prepare(options: {
	countryId: string;
	layout: Layout;
	url: string;
}): Promise<{ rows: number; bytes: number }> {
	const state = new Uint8Array(await (await fetch(options.url)).arrayBuffer());
	const doc = new Y.Doc({ gc: true });
	const persistence = new IndexeddbPersistence(storageName(options.countryId, 'public'), doc);
	await persistence.whenSynced;
	const parts = options.layout === 'pieces' ? [...cutUpdate(state, JOIN_PIECE_BYTES)] : [state];
	// y-indexeddb stores each transaction's update as one row, as on a device.
	for (const part of parts) Y.applyUpdate(doc, part, 'peer');
	await settle(await persistence._db);
	await persistence.destroy();
	doc.destroy();
	return { rows: parts.length, bytes: state.length };
}

/** Open the stored country once, by our path or stock y-indexeddb's, and close it. */
export async function reopen(options: {
	countryId: string;
	path: 'ours' | 'stock';
}): Promise<ReopenTimes> {
	// Let the previous round's garbage and reports settle first.
	await new Promise((r) => setTimeout(r, 200));
	const stop = startProbe();
	const start = performance.now();
	let entries: number;
	let close: () => Promise<unknown>;
	if (options.path === 'ours') {
		const docs = openCountryDocs(options.countryId);
		await docs.whenLoaded;
		entries = docs.records.size;
		close = () => docs.destroy();
	} else {
		const parts = (['public', 'citizens'] as const).map((part) => {
			const doc = new Y.Doc({ gc: true });
			return {
				doc,
				persistence: new IndexeddbPersistence(storageName(options.countryId, part), doc)
			};
		});
		await Promise.all(parts.map((p) => p.persistence.whenSynced));
		entries = parts[0]!.doc.getMap('records').size;
		close = async () => {
			await Promise.all(parts.map((p) => p.persistence.destroy()));
			for (const p of parts) p.doc.destroy();
		};
	}
	const loadedMs = performance.now() - start;
	// A long task is reported after it ends: give the observer a moment.
	await new Promise((r) => setTimeout(r, 50));
	const probe = stop();
	await close();
	return { ...probe, loadedMs, entries };
}
