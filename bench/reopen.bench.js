/**
 * Reopening a large country: the 10,000-record country of the join bench (signed once by
 * `seedCountry`, cached under node_modules/.cache/webocracy-bench/), written as the app writes
 * it, stored in Chromium's IndexedDB as a device keeps it, then opened again: our
 * `openCountryDocs` (the stored rows applied in slices, src/lib/sync/stored-load.ts) against
 * stock y-indexeddb (every row in one transaction), alternating, the main thread watched.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as Y from 'yjs';
import { importForNode } from './support/bundle.js';
import { median, withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {import('./browser/reopen.ts').ReopenTimes} ReopenTimes */
/** @typedef {{ id: string, entry: { record: string, signature: string } }} Entry */

const RECORDS = 10_000;
/** As the join bench: the state is about 10 MB. */
const POST_BYTES = 620;
const ROUNDS = 4;
const FIXTURE_VERSION = 1;
/** @type {import('./browser/reopen.ts').Layout[]} */
const LAYOUTS = ['pieces', 'compacted', 'healed'];

/**
 * The join bench's country (same seed function and sizes), signed once and cached.
 * @param {import('./support/harness.js').BenchContext} ctx
 * @returns {Promise<{ countryId: string, records: Entry[], cached: boolean }>}
 */
async function signedCountry(ctx) {
	const dir = join(ctx.root, 'node_modules/.cache/webocracy-bench');
	const path = join(dir, `reopen-country-v${FIXTURE_VERSION}-${RECORDS}-${POST_BYTES}.json`);
	if (existsSync(path)) {
		try {
			const country = JSON.parse(await readFile(path, 'utf8'));
			if (country.records.length === RECORDS) return { ...country, cached: true };
		} catch {
			// A damaged cache is made again.
		}
	}
	/** @type {typeof import('../tests/e2e/support/node-peer.ts')} */
	const seeding = await importForNode(ctx.root, 'tests/e2e/support/node-peer.ts', 'reopen-seed');
	ctx.log(
		`reopen: signing a country of ${RECORDS.toLocaleString('en-US')} records (cached after)…`
	);
	const founder = await seeding.makeFounder('Reopen bench founder');
	const seeded = await seeding.seedCountry({
		founder,
		name: 'Reopenland',
		posts: RECORDS - 2,
		postBytes: POST_BYTES
	});
	const country = {
		countryId: seeded.countryId,
		records: seeded.records.map(({ id, entry }) => ({ id, entry }))
	};
	await mkdir(dir, { recursive: true });
	await writeFile(path, JSON.stringify(country));
	return { ...country, cached: false };
}

/**
 * `records` written into `doc` as the app writes (NodePeer.write: transactions of about
 * 64 KiB), each entry as `value` makes it.
 * @param {Y.Doc} doc
 * @param {Entry[]} records
 * @param {(r: Entry) => unknown} value
 */
function writeAll(doc, records, value) {
	const map = doc.getMap('records');
	for (let i = 0, bytes = 0, start = 0; i <= records.length; i++) {
		const r = records[i];
		if (i === records.length || bytes > 64 * 1024) {
			doc.transact(() => {
				for (const entry of records.slice(start, i)) map.set(entry.id, value(entry));
			});
			start = i;
			bytes = 0;
		}
		if (r) bytes += r.entry.record.length + r.entry.signature.length;
	}
}

/**
 * The public document's state, written as the app writes it.
 * @param {Entry[]} records
 */
function stateOf(records) {
	const doc = new Y.Doc();
	writeAll(doc, records, ({ entry }) => ({ ...entry }));
	return Y.encodeStateAsUpdate(doc);
}

/**
 * The same country after a vandal overwrote every record and a citizen put each back (three
 * writers). Client ids healer > vandal > author: Yjs writes the healer's section first, and
 * each of its entries replaces the vandal's, written after it — structs that build on a later
 * client's, as after any overwrite.
 * @param {Entry[]} records
 */
function healedStateOf(records) {
	/** @param {number} clientID */
	const writer = (clientID) => {
		const doc = new Y.Doc();
		doc.clientID = clientID;
		return doc;
	};
	const [author, vandal, healer] = [writer(1_000), writer(2_000), writer(3_000)];
	writeAll(author, records, ({ entry }) => ({ ...entry }));
	Y.applyUpdate(vandal, Y.encodeStateAsUpdate(author));
	writeAll(vandal, records, () => ({ record: 'vandalised', signature: 'none' }));
	Y.applyUpdate(healer, Y.encodeStateAsUpdate(vandal));
	writeAll(healer, records, ({ entry }) => ({ ...entry }));
	return Y.encodeStateAsUpdate(healer);
}

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'reopen',
	async run(ctx) {
		const { countryId, records, cached } = await signedCountry(ctx);
		const { newPage } = await ctx.browser();
		// The bench page is served from here: the page fetches the states beside it.
		const pageDir = join(ctx.root, 'node_modules/.cache/webocracy-bench/page');
		await writeFile(join(pageDir, 'reopen-state.bin'), stateOf(records));
		await writeFile(join(pageDir, 'reopen-healed.bin'), healedStateOf(records));
		/** @type {MetricInput[]} */
		const rows = [];
		for (const layout of LAYOUTS) {
			const page = await newPage();
			try {
				const id = `${countryId}-${layout}`;
				const stored = await page.evaluate((o) => window.bench.reopen.prepare(o), {
					countryId: id,
					layout,
					url: layout === 'healed' ? './reopen-healed.bin' : './reopen-state.bin'
				});
				/** @type {{ ours: ReopenTimes[], stock: ReopenTimes[] }} */
				const runs = { ours: [], stock: [] };
				for (let round = 0; round < ROUNDS; round++) {
					// Who goes first rotates: the first open after a write may find colder caches.
					const order = /** @type {('ours' | 'stock')[]} */ (
						round % 2 ? ['stock', 'ours'] : ['ours', 'stock']
					);
					for (const path of order) {
						const times = /** @type {ReopenTimes} */ (
							await withTimeout(
								page.evaluate((o) => window.bench.reopen.reopen(o), { countryId: id, path }),
								120_000,
								`reopen ${path}`
							)
						);
						if (times.entries !== records.length) {
							throw new Error(`reopen ${path}: ${times.entries} of ${records.length} entries`);
						}
						runs[path].push(times);
					}
				}
				ctx.log(
					`reopen (${layout}): ` +
						['ours', 'stock']
							.map(
								(p) =>
									`${p} ` +
									runs[/** @type {'ours' | 'stock'} */ (p)]
										.map(
											(t) =>
												`${t.loadedMs.toFixed(0)}/${t.maxGapMs.toFixed(0)}/${t.longestTaskMs.toFixed(0)}`
										)
										.join(' ')
							)
							.join('; ') +
						' (loaded/max gap/longest task, ms)'
				);
				/** @param {(t: ReopenTimes) => number} f @param {'ours' | 'stock'} p */
				const pick = (f, p) => median(runs[p].map(f));
				const what = {
					pieces: `${stored.rows} rows of ≤ 256 KiB (as stored after a join)`,
					compacted: 'one row (as stored after compaction)',
					healed:
						'one row (as stored after compaction) written by three clients: every record ' +
						'vandalised, then healed'
				}[layout];
				const baselineName = 'stock y-indexeddb: every row in one transaction';
				const n = `median of ${ROUNDS}`;
				rows.push(
					{
						metric: `reopen 10,000 records, ${layout}: open → document loaded (${n})`,
						unit: 'ms',
						ours: pick((t) => t.loadedMs, 'ours'),
						baseline: pick((t) => t.loadedMs, 'stock'),
						baselineName,
						note:
							`${(stored.bytes / 1e6).toFixed(1)} MB state in ${what}; ours: openCountryDocs ` +
							'(public and citizens documents), whenLoaded'
					},
					{
						metric: `reopen ${layout}: longest setInterval(…, 0) gap while loading (${n})`,
						unit: 'ms',
						ours: pick((t) => t.maxGapMs, 'ours'),
						baseline: pick((t) => t.maxGapMs, 'stock'),
						baselineName
					},
					{
						metric: `reopen ${layout}: longest main-thread task while loading (${n})`,
						unit: 'ms',
						ours: pick((t) => t.longestTaskMs, 'ours'),
						baseline: pick((t) => t.longestTaskMs, 'stock'),
						baselineName,
						note: 'PerformanceObserver longtask: 0 means no task of 50 ms or more'
					}
				);
			} finally {
				await page.context().close();
			}
		}
		ctx.note(
			`reopen: the join bench's country (seedCountry, ${POST_BYTES} B posts), ` +
				(cached ? 'signed records from the cache' : 'signed in this run, now cached') +
				'; each round opens the same stored database by both paths, alternating'
		);
		return rows;
	}
};
