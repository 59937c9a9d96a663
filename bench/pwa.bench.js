/**
 * The installed app (issue 8). Cold start: the built app, served once so its service worker
 * installs, then opened with the network off (everything from the worker's cache and
 * IndexedDB) on a country of 10,000 signed records, until the country is on screen and the
 * main thread is free. Baseline: the same start on a country of 2 records, alternating.
 * Also the size of the first page's JavaScript (scripts/first-page.js).
 */
import { writeFile } from 'node:fs/promises';
import { chromium } from '@playwright/test';
import * as Y from 'yjs';
import { createAppServer } from '../server/app-server.js';
import { buildIfNeeded } from '../scripts/build-if-needed.js';
import { FIRST_PAGE_BUDGET_GZIP, firstPage } from '../scripts/first-page.js';
import { chromiumFlags } from './support/browser.js';
import { importForNode } from './support/bundle.js';
import { median, withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {{ id: string, entry: { record: string, signature: string } }} SignedRecord */
/** @typedef {import('@playwright/test').Page} Page */

const RECORDS = 10_000;
/** About the size of a short post; the whole country is about 10 MB. */
const POST_BYTES = 620;
const ROUNDS = 3;
const TARGET_MS = 1000;

/**
 * Records are made by the same code the end-to-end tests seed countries with
 * (tests/e2e/support/node-peer.ts), built for Node with Vite as bench/support/bundle.js does.
 * @param {string} root
 * @returns {Promise<typeof import('../tests/e2e/support/node-peer.ts')>}
 */
function importSeeder(root) {
	return importForNode(root, 'tests/e2e/support/node-peer.ts', 'pwa-seed');
}

/**
 * The country's public document as y-indexeddb stores it after compaction: one update.
 * Written in transactions of about 64 KiB, as the app writes.
 * @param {SignedRecord[]} records
 */
function encodeCountry(records) {
	const doc = new Y.Doc();
	const map = doc.getMap('records');
	for (let i = 0; i < records.length; i += 60) {
		doc.transact(() => {
			for (const { id, entry } of records.slice(i, i + 60)) map.set(id, { ...entry });
		});
	}
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/**
 * Put a country into the page's IndexedDB where the app's documents live
 * (src/lib/sync/docs.ts: `webocracy/<id>/public`, y-indexeddb's `updates` store).
 * @param {Page} page
 * @param {string} countryId
 */
function storeCountry(page, countryId) {
	return page.evaluate(async (id) => {
		const bytes = new Uint8Array(await (await fetch(`/__bench/seed?id=${id}`)).arrayBuffer());
		await new Promise((resolve, reject) => {
			const request = indexedDB.open(`webocracy/${id}/public`);
			request.onupgradeneeded = () => {
				request.result.createObjectStore('updates', { autoIncrement: true });
				request.result.createObjectStore('custom');
			};
			request.onerror = () => reject(request.error);
			request.onsuccess = () => {
				const db = request.result;
				const tx = db.transaction('updates', 'readwrite');
				tx.objectStore('updates').add(bytes);
				tx.oncomplete = () => (db.close(), resolve(undefined));
				tx.onabort = () => reject(tx.error);
			};
		});
		return bytes.length;
	}, countryId);
}

/**
 * Whether the app has kept the country's frame in IndexedDB (see src/lib/sync/frame.ts).
 * @param {string} countryId
 */
async function hasFrame(countryId) {
	/** @type {IDBDatabase | null} */
	const db = await new Promise((resolve) => {
		const request = indexedDB.open(`webocracy/${countryId}/frame`);
		// Not there yet: do not create it here (the app would then find it without its store).
		request.onupgradeneeded = () => request.transaction?.abort();
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => resolve(null);
	});
	if (!db) return false;
	try {
		if (!db.objectStoreNames.contains('frame')) return false;
		/** @type {any} */
		const value = await new Promise((resolve) => {
			const request = db.transaction('frame').objectStore('frame').get('latest');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => resolve(null);
		});
		return (value?.entries?.length ?? 0) > 0;
	} finally {
		db.close();
	}
}

/**
 * Runs before the app: when the country's name appears, and when the next task runs.
 * @param {boolean} hasPosts whether the country has posts: then only a listed post counts,
 *   not the "No posts yet." a front page shows while its posts are still being read
 */
function watchForCountry(hasPosts) {
	const marks = {
		shown: /** @type {number | null} */ (null),
		free: /** @type {number | null} */ (null),
		/** The front page lists posts (or says there are none, for a country without any). */
		posts: /** @type {number | null} */ (null)
	};
	/** @type {any} */ (window).__coldStart = marks;
	new MutationObserver((_changes, observer) => {
		if (marks.shown === null && document.querySelector('[data-testid="country-name"]')) {
			marks.shown = performance.now();
			setTimeout(() => (marks.free = performance.now()), 0);
		}
		// Without posts, only the final "No posts yet." counts, not "Loading posts…" (the same
		// text node changes: hence characterData below).
		const listed = hasPosts
			? document.querySelector('[data-testid="latest-posts"] li')
			: document
					.querySelector('[data-testid="latest-posts-empty"]')
					?.textContent?.includes('No posts yet');
		if (marks.posts === null && listed) marks.posts = performance.now();
		if (marks.shown !== null && marks.posts !== null) observer.disconnect();
	}).observe(document, { childList: true, characterData: true, subtree: true });
}

/**
 * Open the country in a new page, offline, with the service worker stopped first.
 * `profile`: a file to write the page's main-thread CPU profile to (Chromium DevTools format).
 * @param {import('@playwright/test').BrowserContext} context
 * @param {string} url
 * @param {{ hasPosts: boolean, profile?: string }} options
 * @returns {Promise<{ shown: number, free: number, posts: number, fromServiceWorker: boolean }>} ms since navigation start
 */
async function coldStart(context, url, { hasPosts, profile }) {
	const stopper = await context.newPage();
	const cdp = await context.newCDPSession(stopper);
	await cdp.send('ServiceWorker.enable');
	await cdp.send('ServiceWorker.stopAllWorkers');
	await stopper.close();
	const page = await context.newPage();
	try {
		await page.addInitScript(watchForCountry, hasPosts);
		const profiler = profile ? await context.newCDPSession(page) : null;
		if (profiler) {
			await profiler.send('Profiler.enable');
			await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
			await profiler.send('Profiler.start');
		}
		const response = await page.goto(url);
		await page.waitForFunction(
			() => {
				const marks = /** @type {any} */ (window).__coldStart;
				return marks?.free != null && marks?.posts != null;
			},
			null,
			{ timeout: 120_000 }
		);
		const marks = await page.evaluate(() => /** @type {any} */ (window).__coldStart);
		if (profiler && profile) {
			const { profile: taken } = await profiler.send('Profiler.stop');
			await writeFile(profile, JSON.stringify(taken));
		}
		return { ...marks, fromServiceWorker: response?.fromServiceWorker() ?? false };
	} finally {
		await page.close();
	}
}

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'pwa',
	async run(ctx) {
		/** @type {MetricInput[]} */
		const rows = [];
		const buildDir = buildIfNeeded(ctx.root);
		const first = firstPage(buildDir);
		rows.push({
			metric: 'first page JavaScript, gzipped',
			unit: 'KiB',
			ours: first.gzip / 1024,
			targets: [{ on: 'ours', op: '<=', value: FIRST_PAGE_BUDGET_GZIP / 1024 }],
			note:
				`${first.scripts.length} files, ${(first.bytes / 1024).toFixed(0)} KiB before gzip: ` +
				'entry, root layout, landing page and their static imports; the budget is ' +
				"tests/e2e/budget.test.ts's"
		});

		ctx.log(`pwa: signing a country of ${RECORDS.toLocaleString('en-US')} records…`);
		const seeder = await importSeeder(ctx.root);
		const founder = await seeder.makeFounder('Bench founder');
		const big = await seeder.seedCountry({
			founder,
			name: 'Benchland',
			posts: RECORDS - 2,
			postBytes: POST_BYTES
		});
		const small = await seeder.seedCountry({ founder, name: 'Smallland', posts: 0, postBytes: 0 });
		/** @type {Map<string, Uint8Array>} */
		const updates = new Map([
			[big.countryId, encodeCountry(big.records)],
			[small.countryId, encodeCountry(small.records)]
		]);

		const server = createAppServer({
			buildDir,
			routes: {
				'/__bench/seed': (req, res) => {
					const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
					const update = updates.get(id);
					if (!update) return void res.writeHead(404).end();
					res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(update);
				}
			}
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
		const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
		const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
		const browser = await chromium.launch({ executablePath, args: chromiumFlags(ctx.root) });
		try {
			const context = await browser.newContext();
			const page = await context.newPage();
			await page.goto(`${origin}/`);
			await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
			const stored = await storeCountry(page, big.countryId);
			await storeCountry(page, small.countryId);
			await page.close();
			ctx.log(`pwa: ${(stored / 1e6).toFixed(1)} MB in IndexedDB; first open verifies it all…`);

			// First open after the records arrived: every signature is checked, then remembered.
			await context.setOffline(true);
			const firstOpen = await withTimeout(
				coldStart(context, `${origin}/c/${big.countryId}`, { hasPosts: true }),
				180_000,
				'first open of the big country'
			);
			await coldStart(context, `${origin}/c/${small.countryId}`, { hasPosts: false });
			// The seeding really gave the app every record, all valid.
			const check = await context.newPage();
			await check.goto(`${origin}/c/${big.countryId}/diagnostics`);
			await check.waitForFunction(
				(n) =>
					document
						.querySelector('[data-testid="diagnostics-summary"]')
						?.textContent?.includes(`${n} valid · 0 invalid`),
				RECORDS,
				{ timeout: 120_000 }
			);
			// As on a device that has had the country open: its frame is kept (src/lib/sync/frame.ts).
			await check.waitForFunction(hasFrame, big.countryId, { timeout: 30_000, polling: 100 });
			await check.close();

			ctx.log(`pwa: ${ROUNDS} cold starts of each country, alternating…`);
			/** @type {{ big: number[], small: number[], shown: number[], posts: number[], smallPosts: number[] }} */
			const times = { big: [], small: [], shown: [], posts: [], smallPosts: [] };
			let fromNetwork = 0;
			for (let round = 0; round < ROUNDS; round++) {
				const order = round % 2 === 0 ? ['big', 'small'] : ['small', 'big'];
				for (const which of order) {
					const id = which === 'big' ? big.countryId : small.countryId;
					const start = await withTimeout(
						coldStart(context, `${origin}/c/${id}`, { hasPosts: which === 'big' }),
						60_000,
						`cold start ${which}`
					);
					if (!start.fromServiceWorker) fromNetwork++;
					if (which === 'big') {
						times.big.push(start.free);
						times.shown.push(start.shown);
						times.posts.push(start.posts);
					} else {
						times.small.push(start.free);
						times.smallPosts.push(start.posts);
					}
				}
			}
			// BENCH_PWA_PROFILE=file: one more cold start of the big country, CPU-profiled.
			const profile = process.env.BENCH_PWA_PROFILE;
			if (profile) {
				const start = await coldStart(context, `${origin}/c/${big.countryId}`, {
					hasPosts: true,
					profile
				});
				ctx.note(`pwa: profiled cold start (${start.free.toFixed(0)} ms) written to ${profile}`);
			}
			if (fromNetwork > 0) {
				ctx.note(`pwa: ${fromNetwork} cold starts were not answered by the service worker`);
			}
			rows.push(
				{
					metric: `cold start offline → country interactive, ${RECORDS.toLocaleString('en-US')} records (median of ${ROUNDS})`,
					unit: 'ms',
					ours: median(times.big),
					baseline: median(times.small),
					baselineName: 'the same start, a country of 2 records',
					targets: [{ on: 'ours', op: '<=', value: TARGET_MS }],
					note:
						'navigation start → the country on screen and the next task run; service worker ' +
						'stopped first, network off, signatures already verified once (the persistent ' +
						`cache); on screen at median ${median(times.shown).toFixed(0)} ms`
				},
				{
					metric: `cold start offline → front page lists its latest posts, ${(RECORDS - 2).toLocaleString('en-US')} posts (median of ${ROUNDS})`,
					unit: 'ms',
					ours: median(times.posts),
					baseline: median(times.smallPosts),
					baselineName: 'the front page of a country without posts ("No posts yet.")',
					targets: [{ on: 'ours', op: '<=', value: TARGET_MS }],
					note: 'navigation start → the first post of the latest list on screen (issue 4)'
				},
				{
					metric: `first open of the ${RECORDS.toLocaleString('en-US')} records (verifies every signature)`,
					unit: 'ms',
					ours: firstOpen.free,
					note: 'one sample: the records were just written to IndexedDB, none verified yet'
				}
			);
			await context.close();
		} finally {
			await browser.close();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		}
		return rows;
	}
};
