/**
 * The static tourist site (issue 7): a 10,000-post country rendered to files in Node with
 * every signature checked (identity's verifier, inline), beside markdown-it rendering the
 * same bodies into a minimal page with no verification; the first write of the whole site
 * through mirror/site-writer.ts; and one new post → its pages rewritten on disk, beside
 * rendering and writing that one page plainly.
 *
 * The signed country is made once (about 15 s of signing) and cached under
 * node_modules/.cache/webocracy-bench/, keyed by FIXTURE_VERSION and its size.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importForNode } from './support/bundle.js';
import { median, percentile, withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {import('./browser/site.ts').SignedSiteCountry} SignedSiteCountry */

const FIXTURE_VERSION = 1;
const POSTS = 10_000;
const CITIZENS = 20;
const RUNS = 2;
const INCREMENTAL_RUNS = 20;

/**
 * @param {import('./support/harness.js').BenchContext} ctx
 * @param {typeof import('./browser/site.ts')} workload
 * @returns {Promise<{ country: SignedSiteCountry, cached: boolean }>}
 */
async function signedCountry(ctx, workload) {
	const dir = join(ctx.root, 'node_modules/.cache/webocracy-bench');
	const path = join(dir, `site-country-v${FIXTURE_VERSION}-${POSTS}-${CITIZENS}.json`);
	if (existsSync(path)) {
		try {
			const country = /** @type {SignedSiteCountry} */ (JSON.parse(await readFile(path, 'utf8')));
			if (country.posts === POSTS) return { country, cached: true };
		} catch {
			// A damaged cache is made again.
		}
	}
	ctx.log(`site: signing ${POSTS.toLocaleString('en-US')} posts once (cached after)…`);
	const country = await workload.signSiteCountry({
		posts: POSTS,
		citizens: CITIZENS,
		onProgress: (done) => {
			if (done % 2500 === 0) ctx.log(`site: ${done.toLocaleString('en-US')} signed`);
		}
	});
	await mkdir(dir, { recursive: true });
	await writeFile(path, JSON.stringify(country));
	return { country, cached: false };
}

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'site',
	async run(ctx) {
		const workload = /** @type {typeof import('./browser/site.ts')} */ (
			await importForNode(ctx.root, 'bench/browser/site.ts', 'site-node')
		);
		const { country, cached } = await signedCountry(ctx, workload);
		ctx.log('site: full renders and incremental writes…');
		const r = await withTimeout(
			workload.runSite({
				country,
				runs: RUNS,
				incrementalRuns: INCREMENTAL_RUNS,
				baseUrl: 'https://bench.example/'
			}),
			1_500_000,
			'site in Node'
		);
		const full = median(r.fullMs);
		const baseline = median(r.baselineMs);
		const pagesPerSecond = (r.htmlPages / full) * 1000;
		const baselinePerSecond = (r.posts / baseline) * 1000;
		ctx.note(
			`site: ${r.posts.toLocaleString('en-US')} posts by ${country.citizens} citizens, ` +
				`${r.records.toLocaleString('en-US')} records, each signed by its author (` +
				(cached
					? 'from the cache of signed records'
					: `signed in this run in ${(country.signMs / 1000).toFixed(0)} s, now cached`) +
				`); the site is ${r.htmlPages.toLocaleString('en-US')} HTML pages and ${r.files.toLocaleString('en-US')} files in all (records and signatures included).`
		);
		const runs = `lower median of ${RUNS} runs`;
		/** @param {'verifyMs' | 'deriveMs' | 'planMs' | 'writeMs' | 'renderMs'} step */
		const part = (step) => `${median(r.incrementalParts.map((p) => p[step])).toFixed(0)} ms`;
		/** @type {MetricInput[]} */
		return [
			{
				metric: `full render, ${r.posts.toLocaleString('en-US')} posts, verification included`,
				unit: 'ms',
				ours: full,
				baseline,
				baselineName: 'markdown-it: the same bodies into a minimal page, no verification',
				targets: [{ on: 'ours', op: '<=', value: 5000 }],
				note:
					`${runs}: verifyEntries with a cold inline verifier on node:crypto, as the mirror makes it (${r.signatureChecks.toLocaleString('en-US')} signatures checked), ` +
					`deriveCountry, planSite, every file rendered in memory. Parts: verify+derive ${median(r.verifyMs).toFixed(0)} ms, ` +
					`derive again ${median(r.deriveMs).toFixed(0)} ms, plan ${median(r.planMs).toFixed(0)} ms, render ${median(r.renderMs).toFixed(0)} ms ` +
					`(CPU time: plan ${median(r.planCpuMs).toFixed(0)} ms, render ${median(r.renderCpuMs).toFixed(0)} ms)`
			},
			{
				metric: 'full render, CPU time of the pass',
				unit: 'ms',
				ours: median(r.fullCpuMs),
				targets: [{ on: 'ours', op: '<=', value: 5000 }],
				note: 'process CPU time (user + system) of the same passes, apart from waiting for a core'
			},
			{
				metric: 'full render throughput, verification included',
				unit: 'pages/s',
				ours: pagesPerSecond,
				baseline: baselinePerSecond,
				baselineName: 'markdown-it: the same bodies into a minimal page, no verification',
				targets: [{ on: 'ours', op: '>=', value: 2000 }],
				note: `ours counts ${r.htmlPages.toLocaleString('en-US')} HTML pages, the baseline ${r.posts.toLocaleString('en-US')}`
			},
			{
				metric: 'full render, verification on 2 worker threads',
				unit: 'ms',
				ours: median(r.threadsMs),
				baseline: full,
				baselineName: 'the same pass verifying inline (the first row)',
				targets: [{ on: 'ours', op: '<=', value: 5000 }],
				note:
					`${runs}: createThreadVerifier (mirror/verify-threads.ts), cold, then derive, plan and render as above; ` +
					`verification ${median(r.threadsVerifyMs).toFixed(0)} ms against ${median(r.verifyMs).toFixed(0)} ms inline`
			},
			{
				metric: 'full render without verification (plan + render)',
				unit: 'pages/s',
				ours: (r.htmlPages / (median(r.planMs) + median(r.renderMs) + median(r.deriveMs))) * 1000,
				baseline: baselinePerSecond,
				baselineName: 'markdown-it: the same bodies into a minimal page, no verification',
				note: 'deriveCountry + planSite + render, from records already verified'
			},
			{
				metric: 'first write of the whole site to disk (site-writer, fsync)',
				unit: 'ms',
				ours: r.firstWriteMs,
				note: `${r.files.toLocaleString('en-US')} files, each to a temporary file, fsync, rename`
			},
			{
				metric: 'one new post → its pages rewritten on disk',
				unit: 'ms',
				ours: median(r.incrementalMs),
				baseline: median(r.incrementalBaselineMs),
				baselineName: 'markdown-it render of that one page + writeFile',
				targets: [{ on: 'ours', op: '<=', value: 100 }],
				note:
					`median of ${INCREMENTAL_RUNS} passes, as the mirror makes them: verify the post (fresh verifier), extendCountry (the record store's path for a few new records), the planner, ` +
					`site-writer pass: ${r.incrementalRendered} files rendered, ${r.incrementalWritten} written (atomic, fsync); ` +
					`p95 ${percentile(r.incrementalMs, 0.95).toFixed(0)} ms, max ${Math.max(...r.incrementalMs).toFixed(0)} ms. Medians by step: ${part('verifyMs')} verify, ` +
					`${part('deriveMs')} extendCountry, ${part('planMs')} planner (createSitePlanner, kept between passes: updates the parts the post shows in), ` +
					`${part('writeMs')} writer pass (of which ${part('renderMs')} rendering)`
			},
			{
				metric: 'one new post, CPU time of the pass',
				unit: 'ms',
				ours: median(r.incrementalParts.map((p) => p.cpuMs)),
				note:
					'process CPU time (user + system) of the same passes: what the pass costs apart from ' +
					'waiting for a core on a loaded machine'
			}
		];
	}
};
