/**
 * The mirror's durable store (mirror/update-log.ts) against a plain durable append: how much
 * framing, CRC-32 and batching cost or save. Runs in a temporary directory on this machine's
 * disk; fsync times dominate and vary with the disk and the load, so read the ratios.
 */
import { open, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importForNode } from './support/bundle.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */

const UPDATE_BYTES = 1024;
const BURST = 1000;
const ONE_BY_ONE = 100;
const REOPEN_ENTRIES = 10_000;
const RUNS = 3;

/** @param {number} n @returns {Uint8Array[]} */
const updates = (n) =>
	Array.from({ length: n }, (_, i) => new Uint8Array(UPDATE_BYTES).fill(i % 251));

/** @param {() => Promise<void>} work @returns {Promise<number>} median ms of RUNS */
async function median(work) {
	const times = [];
	for (let i = 0; i < RUNS; i++) {
		const t0 = performance.now();
		await work();
		times.push(performance.now() - t0);
	}
	times.sort((a, b) => a - b);
	return times[Math.floor(times.length / 2)] ?? NaN;
}

/**
 * The plain baseline: append each update to a file and fdatasync it.
 * @param {string} path
 * @param {Uint8Array[]} items
 */
async function plainAppend(path, items) {
	const handle = await open(path, 'a');
	try {
		for (const item of items) {
			await handle.write(item);
			await handle.datasync();
		}
	} finally {
		await handle.close();
	}
}

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'mirror',
	async run(ctx) {
		/** @type {typeof import('../mirror/update-log.ts')} */
		const { UpdateLog } = await importForNode(ctx.root, 'mirror/update-log.ts', 'mirror-log');
		const dir = await mkdtemp(join(tmpdir(), 'webocracy-mirror-bench-'));
		let n = 0;
		/** @returns {string} a new log path */
		const fresh = () => join(dir, `log-${n++}`);
		try {
			const burst = updates(BURST);
			const burstOurs = await median(async () => {
				const { log } = await UpdateLog.open(fresh());
				await Promise.all(burst.map((u) => log.append(u)));
				await log.close();
			});
			const burstPlain = await median(() => plainAppend(fresh(), burst));

			const single = updates(ONE_BY_ONE);
			const singleOurs = await median(async () => {
				const { log } = await UpdateLog.open(fresh());
				for (const u of single) await log.append(u);
				await log.close();
			});
			const singlePlain = await median(() => plainAppend(fresh(), single));

			const big = fresh();
			const { log } = await UpdateLog.open(big);
			await Promise.all(updates(REOPEN_ENTRIES).map((u) => log.append(u)));
			await log.close();
			const reopenOurs = await median(async () => {
				const { log: again, read } = await UpdateLog.open(big);
				if (read.updates.length !== REOPEN_ENTRIES) throw new Error('log lost entries');
				await again.close();
			});
			const reopenPlain = await median(async () => {
				await readFile(big);
			});
			ctx.log(`mirror store: burst ${burstOurs.toFixed(0)} ms vs ${burstPlain.toFixed(0)} ms`);
			/** @type {MetricInput[]} */
			return [
				{
					metric: `mirror store: ${BURST} updates of 1 KB arriving together, durable`,
					unit: 'ms',
					ours: burstOurs,
					baseline: burstPlain,
					baselineName: 'write + fdatasync per update',
					note: 'one write and one fdatasync per batch'
				},
				{
					metric: `mirror store: ${ONE_BY_ONE} updates of 1 KB, each awaited`,
					unit: 'ms',
					ours: singleOurs,
					baseline: singlePlain,
					baselineName: 'write + fdatasync per update',
					note: 'framing and CRC-32 on top of the same fsyncs'
				},
				{
					metric: `mirror store: reopen a log of ${REOPEN_ENTRIES} entries (10 MB), every CRC checked`,
					unit: 'ms',
					ours: reopenOurs,
					baseline: reopenPlain,
					baselineName: 'readFile of the same bytes'
				}
			];
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}
};
