/**
 * Identity (issue 2): sign and verify throughput for ~1 KB records with v4 Ed25519 keys, in
 * Node and in Chromium, beside raw WebCrypto Ed25519 on the same bytes; cached re-verification;
 * and how long the main thread stalls while 4,000 records verify in the worker pool or inline.
 */
import { withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {import('./browser/identity.ts').IdentityResult} IdentityResult */

const NODE = { records: 1000, rounds: 4, timeLimitMs: 15_000, pool: false, probe: false };
const CHROMIUM = { records: 4000, rounds: 8, timeLimitMs: 25_000, pool: true, probe: true };

const SIGN = 'WebCrypto Ed25519 sign';
const VERIFY = 'WebCrypto Ed25519 verify';
const CACHED_TARGET = /** @type {const} */ ({ on: 'ours', op: '>=', value: 100_000 });

/**
 * @param {string} where
 * @param {IdentityResult} r
 * @returns {MetricInput[]}
 */
function throughput(where, r) {
	const n = `${r.signed} × ${r.recordBytes} B`;
	/** @type {MetricInput[]} */
	const rows = [
		{
			metric: `sign, ${where} (${n})`,
			unit: '/s',
			ours: r.sign.ours.perSecond,
			baseline: r.sign.baseline.perSecond,
			baselineName: SIGN
		}
	];
	const fast = (/** @type {[number, number] | null} */ share) =>
		share ? `fast path: ${share[0]} of ${share[1]} signature checks` : '';
	if (r.verify.pool) {
		rows.push({
			metric: `verify, ${where} worker pool`,
			unit: '/s',
			ours: r.verify.pool.perSecond,
			baseline: r.verify.baseline.perSecond,
			baselineName: VERIFY,
			targets: [{ on: 'ours', op: '>=', value: 2000 }],
			note: fast(r.fastChecks.pool)
		});
	}
	rows.push(
		{
			metric: `verify, ${where} inline`,
			unit: '/s',
			ours: r.verify.inline.perSecond,
			baseline: r.verify.baseline.perSecond,
			baselineName: VERIFY,
			note: fast(r.fastChecks.inline)
		},
		...(r.verify.backend
			? [
					{
						metric: `verify, ${where} inline, node:crypto`,
						unit: '/s',
						ours: r.verify.backend.perSecond,
						baseline: r.verify.baseline.perSecond,
						baselineName: VERIFY,
						note:
							'the verifier as the mirror and the command line make it: hashes by node:crypto, ' +
							`Ed25519 on libuv's pool (node-crypto.ts); ${fast(r.fastChecks.backend)}`
					}
				]
			: []),
		{
			metric: `cached re-verify, ${where}`,
			unit: '/s',
			ours: r.cached.perSecond,
			targets: [CACHED_TARGET],
			note: `median of 5 passes over ${r.cached.count} records held in memory`
		}
	);
	if (r.live) {
		rows.push({
			metric: `live record verify() call, ${where} (key known)`,
			unit: 'ms',
			ours: r.live.medianMs,
			baseline: r.live.baselineMedianMs,
			baselineName: 'one WebCrypto Ed25519 verify',
			note:
				`median of ${r.live.count} new records one at a time, p95 ${r.live.p95Ms.toFixed(2)} ms; ` +
				`fast path: ${r.live.fastChecks} of ${r.live.count}; worker messages: ${r.live.messages}`
		});
	}
	return rows;
}

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'identity',
	async run(ctx) {
		/** @type {MetricInput[]} */
		const rows = [];

		ctx.log('identity: Node…');
		const node = await ctx.nodeWorkloads();
		const inNode = await withTimeout(node.runIdentity(NODE), 120_000, 'identity in Node');
		rows.push(...throughput('Node', inNode));

		ctx.log('identity: Chromium…');
		const { newPage } = await ctx.browser();
		const page = await newPage();
		try {
			const r = await withTimeout(
				page.evaluate((options) => window.bench.runIdentity(options), CHROMIUM),
				180_000,
				'identity in Chromium'
			);
			rows.push(...throughput('Chromium', r));
			const probe = r.responsiveness;
			if (probe) {
				const what = `${probe.records} verified`;
				rows.push(
					{
						metric: `main-thread max gap, ${what} (pool vs inline)`,
						unit: 'ms',
						ours: probe.pool.maxGapMs,
						baseline: probe.inline.maxGapMs,
						baselineName: 'inline verification',
						note:
							`the pool call itself held the main thread ${probe.pool.callMs.toFixed(1)} ms ` +
							`before returning; raw WebCrypto verify on the main thread: max gap ` +
							`${probe.baseline.maxGapMs.toFixed(1)} ms`
					},
					{
						metric: `longest task, ${what} (pool vs inline)`,
						unit: 'ms',
						ours: probe.pool.longestTaskMs,
						baseline: probe.inline.longestTaskMs,
						baselineName: 'inline verification',
						note:
							`long tasks (≥ 50 ms): pool ${probe.pool.longTasks}, inline ` +
							`${probe.inline.longTasks}, raw WebCrypto ${probe.baseline.longTasks} (longest ` +
							`${probe.baseline.longestTaskMs.toFixed(0)} ms); 0 ms means none reported`
					}
				);
			}
			if (r.poolColdStartMs !== null) {
				rows.push({
					metric: 'worker pool cold start (16 records)',
					unit: 'ms',
					ours: r.poolColdStartMs,
					note: 'workers started, openpgp loaded in each, first batch verified'
				});
			}
		} finally {
			await page.context().close();
		}
		return rows;
	}
};
