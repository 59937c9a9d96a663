/**
 * Search (issue 4): a country of 10,000 posts in Chromium — building the index, search
 * latency over 200 mixed queries, and one post arriving — against a plain baseline over the
 * same texts in the same run. The workload is bench/browser/search.ts.
 */
import { median, percentile, withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */

const OPTIONS = { posts: 10_000, buildRuns: 2, queryRounds: 5 };

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'search',
	async run(ctx) {
		ctx.log('search: Chromium, 10,000 posts…');
		const { newPage } = await ctx.browser();
		const page = await newPage();
		try {
			const r = await withTimeout(
				page.evaluate((options) => window.bench.runSearch(options), OPTIONS),
				900_000,
				'search in Chromium'
			);
			const n = `${r.posts.toLocaleString('en-US')} posts`;
			ctx.note(
				`search: ${n} by 20 citizens, ${(r.textBytes / 1e6).toFixed(1)} MB of text, Markdown ` +
					`bodies of ~120–300 words from a skewed 6,000-word vocabulary; ${r.queries} queries ` +
					`(common and rare words, prefixes, one-letter typos, word pairs) × ` +
					`${OPTIONS.queryRounds} rounds, ours and plain alternating. Plain: every text in lower ` +
					`case, each query word looked for with includes() (no ranking, no prefix, no typo). ` +
					`Results found, summed over rounds: ours ${r.search.oursHits.toLocaleString('en-US')}, ` +
					`plain ${r.search.plainHits.toLocaleString('en-US')}.`
			);
			/** @type {MetricInput[]} */
			const rows = [
				{
					metric: `build index, ${n} (Chromium, median of ${OPTIONS.buildRuns})`,
					unit: 'ms',
					ours: median(r.build.oursMs),
					baseline: median(r.build.plainMs),
					baselineName: 'plain texts (derive posts, Markdown to text)',
					note: `ContentIndex.update from nothing: posts derived, Markdown to text, MiniSearch`
				},
				{
					metric: `search p50, ${n} (Chromium)`,
					unit: 'ms',
					ours: percentile(r.search.oursMs, 0.5),
					baseline: percentile(r.search.plainMs, 0.5),
					baselineName: 'substring scan',
					note: 'ours: ranked, top 20 highlighted with excerpts'
				},
				{
					metric: `search p95, ${n} (Chromium)`,
					unit: 'ms',
					ours: percentile(r.search.oursMs, 0.95),
					baseline: percentile(r.search.plainMs, 0.95),
					baselineName: 'substring scan',
					targets: [{ on: 'ours', op: '<=', value: 10 }]
				},
				{
					metric: `one post arrives, ${n} (Chromium, median of 5)`,
					unit: 'ms',
					ours: median(r.updateMs),
					baseline: median(r.build.oursMs),
					baselineName: 'building the index again (the build row)',
					note: 'ours: ContentIndex.update with the new snapshot (one document added)'
				}
			];
			return rows;
		} finally {
			await page.close();
		}
	}
};
