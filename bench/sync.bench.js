/**
 * Sync latency (issue 3): write → visible between two browser contexts over real WebRTC,
 * through our signaling server. Ours: the writer signs a record and publishes it through
 * RecordStore; the reader's RecordStore reports it verified. Plain: y-webrtc with two Y.Docs,
 * a map key set on one side and observed on the other. Writes alternate between the two.
 */
import { writeFile } from 'node:fs/promises';
import { median, percentile, withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {import('./browser/sync.ts').Sent} Sent */
/** @typedef {import('./browser/sync.ts').Seen} Seen */

const WARMUP = 10;
const WRITES = 100;
/** Between two writes: long enough that one write's work is over before the next starts. */
const GAP_MS = 30;

/** @param {string} name @param {number[]} times */
const cacheCalls = (name, times) =>
	times.length
		? `${times.length} ${name} calls, median ${median(times).toFixed(2)} ms`
		: `no ${name} call`;

/**
 * @param {import('@playwright/test').Page} page
 * @param {() => Promise<boolean>} check
 * @param {number} ms
 * @param {string} what
 */
async function until(page, check, ms, what) {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
		await page.waitForTimeout(50);
	}
}

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'sync',
	async run(ctx) {
		if (!ctx.netns) {
			ctx.note(
				'sync: skipped. WebRTC needs a non-loopback address, and the bench uses only a test ' +
					'address in a network namespace of its own (run as root with `unshare` and `ip`).'
			);
			return [];
		}
		const { newPage, signalingUrl } = await ctx.browser();
		const writer = await newPage();
		const reader = await newPage();
		try {
			const plainRoom = `bench-plain-${Math.random().toString(36).slice(2)}`;
			ctx.log('sync: founding a country, joining both rooms…');
			const { countryId } = await withTimeout(
				writer.evaluate((o) => window.bench.sync.setupWriter(o), {
					signaling: signalingUrl,
					plainRoom
				}),
				60_000,
				'writer setup'
			);
			await reader.evaluate((o) => window.bench.sync.setupReader(o), {
				signaling: signalingUrl,
				countryId,
				plainRoom
			});
			await until(
				reader,
				async () => {
					const c = await reader.evaluate(() => window.bench.sync.connected());
					return c.oursPeers > 0 && c.plainPeers > 0;
				},
				30_000,
				'WebRTC connection in both rooms'
			);
			await until(
				reader,
				async () => (await reader.evaluate(() => window.bench.sync.validCount())) >= 2,
				30_000,
				'initial sync of the country'
			);
			const connection = await reader.evaluate(() => window.bench.sync.connected());
			if (connection.broadcastPeers > 0) {
				throw new Error('peers met over BroadcastChannel, not WebRTC: contexts are not apart');
			}

			ctx.log(`sync: ${WARMUP} warm-up and ${WRITES} measured writes on each path…`);
			const write = (/** @type {number} */ from, /** @type {number} */ count) =>
				withTimeout(
					writer.evaluate((o) => window.bench.sync.runWrites(o), { count, gapMs: GAP_MS, from }),
					120_000,
					'writes'
				);
			await write(0, WARMUP);
			await reader.evaluate(() => window.bench.sync.takeTimings());
			// BENCH_SYNC_PROFILE=file: the reader's main thread is CPU-profiled during the writes
			// (the writer's with BENCH_SYNC_PROFILE_WRITER=1), and the page is built unminified.
			const profile = process.env.BENCH_SYNC_PROFILE;
			const profiled = process.env.BENCH_SYNC_PROFILE_WRITER ? writer : reader;
			const profiler = profile ? await profiled.context().newCDPSession(profiled) : null;
			if (profiler) {
				await profiler.send('Profiler.enable');
				await profiler.send('Profiler.setSamplingInterval', { interval: 100 });
				await profiler.send('Profiler.start');
			}
			/** @type {Sent[]} */
			const sent = await write(WARMUP, WRITES);
			if (profiler && profile) {
				const { profile: taken } = await profiler.send('Profiler.stop');
				await writeFile(profile, JSON.stringify(taken));
				ctx.note(`sync: the reader's CPU profile during the writes is in ${profile}`);
			}
			const measured = sent.filter((s) => s.index >= WARMUP);
			/** @type {Seen} */
			let seen = { ours: [], plain: [] };
			const arrived = async () => {
				seen = await reader.evaluate(() => window.bench.sync.received());
				const visible = new Set(seen.ours.filter((s) => s.visible !== null).map((s) => s.key));
				const plain = new Set(seen.plain.map((s) => s.key));
				return measured.every((s) => (s.path === 'ours' ? visible : plain).has(s.key));
			};
			await until(reader, arrived, 15_000, 'every write visible at the reader').catch((e) =>
				ctx.note(`sync: ${e instanceof Error ? e.message : e}; missing writes are left out`)
			);

			const timings = await reader.evaluate(() => window.bench.sync.takeTimings());
			if (profile) await writeFile(`${profile}.json`, JSON.stringify({ measured, seen }));
			const ours = new Map(seen.ours.map((s) => [s.key, s]));
			const plain = new Map(seen.plain.map((s) => [s.key, s]));
			/** @type {number[]} */
			const visible = [];
			/** @type {number[]} */
			const oursUpdate = [];
			/** @type {number[]} */
			const plainUpdate = [];
			/** Where the reader's time goes, per write: update → verifier → answer → view. */
			const steps = {
				toVerifier: /** @type {number[]} */ ([]),
				verifier: /** @type {number[]} */ ([]),
				toView: /** @type {number[]} */ ([])
			};
			for (const s of measured) {
				if (s.path === 'ours') {
					const got = ours.get(s.key);
					if (got?.visible != null) visible.push(got.visible - s.at);
					if (got) oursUpdate.push(got.update - s.at);
					if (got?.verifyStart != null && got.verifyEnd != null && got.visible != null) {
						steps.toVerifier.push(got.verifyStart - got.update);
						steps.verifier.push(got.verifyEnd - got.verifyStart);
						steps.toView.push(got.visible - got.verifyEnd);
					}
				} else {
					const got = plain.get(s.key);
					if (got) plainUpdate.push(got.update - s.at);
				}
			}
			const lost = 2 * WRITES - visible.length - plainUpdate.length;
			if (lost > 0) ctx.note(`sync: ${lost} of ${2 * WRITES} measured writes never arrived`);
			const n = `${visible.length}/${plainUpdate.length} writes`;
			return [
				{
					metric: `write → visible, median (${n})`,
					unit: 'ms',
					ours: median(visible),
					baseline: median(plainUpdate),
					baselineName: 'plain y-webrtc (map key observed)',
					targets: [
						{ on: 'ours', op: '<=', value: 5 },
						{ on: 'ratio', op: '<=', value: 2 }
					]
				},
				{
					metric: 'write → visible, p95',
					unit: 'ms',
					ours: percentile(visible, 0.95),
					baseline: percentile(plainUpdate, 0.95),
					baselineName: 'plain y-webrtc (map key observed)'
				},
				{
					metric: 'write → Yjs update at reader, median',
					unit: 'ms',
					ours: median(oursUpdate),
					baseline: median(plainUpdate),
					baselineName: 'plain y-webrtc',
					note: 'our transport alone (chunked channels, message filter), before verification'
				},
				{
					metric: 'reader: Yjs update → view, median',
					unit: 'ms',
					ours: median(steps.toVerifier) + median(steps.verifier) + median(steps.toView),
					note:
						`medians over ${steps.verifier.length} writes: update → verifier called ` +
						`${median(steps.toVerifier).toFixed(2)} ms, verifier ${median(steps.verifier).toFixed(2)} ms, ` +
						`answer → view emitted ${median(steps.toView).toFixed(2)} ms`
				},
				{
					metric: 'reader: RecordStore verifier call, median',
					unit: 'ms',
					ours: median(timings.verifyMany),
					note:
						`${timings.verifyMany.length} calls; the persistent verified cache (IndexedDB): ` +
						`${cacheCalls('hasMany', timings.hasMany)}, ${cacheCalls('addMany', timings.addMany)}`
				},
				{
					metric: 'join → WebRTC peer connected',
					unit: 'ms',
					ours: connection.oursMs,
					baseline: connection.plainMs,
					baselineName: 'plain y-webrtc',
					note: 'one sample each, both rooms joined at the same moment'
				}
			];
		} finally {
			await Promise.all(
				[writer, reader].map((p) =>
					withTimeout(
						p.evaluate(() => window.bench.sync.teardown()),
						10_000,
						'teardown'
					).catch(() => {})
				)
			);
			await writer.context().close();
			await reader.context().close();
		}
	}
};
