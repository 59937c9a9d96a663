/**
 * Export and import (issue 6): a 10,000-record country through our `.webocracy` state file
 * in Node — writing it, reading it, listing its records, checking every one with a cold and
 * a warm verifier, merging them — and the file's size against the raw Yjs update.
 *
 * The signed country is made once (about 20 s of signing) and cached under
 * node_modules/.cache/webocracy-bench/, keyed by FIXTURE_VERSION and its size: every record
 * carries its own author's signature, none is reused. Bump the version when the workload's
 * records change.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importForNode } from './support/bundle.js';
import { withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {import('./browser/exchange.ts').SignedCountry} SignedCountry */

const FIXTURE_VERSION = 1;
const RECORDS = 10_000;
const CITIZENS = 20;
const RUNS = 5;

/**
 * The workload as an SSR module for Node, built like support/bundle.js builds node.ts.
 * @param {string} root
 * @returns {Promise<typeof import('./browser/exchange.ts')>}
 */
function importWorkload(root) {
	return importForNode(root, 'bench/browser/exchange.ts', 'exchange-node');
}

/**
 * @param {import('./support/harness.js').BenchContext} ctx
 * @param {typeof import('./browser/exchange.ts')} workload
 * @returns {Promise<{ country: SignedCountry, cached: boolean }>}
 */
async function signedCountry(ctx, workload) {
	const dir = join(ctx.root, 'node_modules/.cache/webocracy-bench');
	const path = join(dir, `exchange-country-v${FIXTURE_VERSION}-${RECORDS}-${CITIZENS}.json`);
	if (existsSync(path)) {
		try {
			const country = /** @type {SignedCountry} */ (JSON.parse(await readFile(path, 'utf8')));
			if (country.records.length === RECORDS) return { country, cached: true };
		} catch {
			// A damaged cache is made again.
		}
	}
	ctx.log(`exchange: signing ${RECORDS.toLocaleString('en-US')} records once (cached after)…`);
	const country = await workload.signCountry({
		records: RECORDS,
		citizens: CITIZENS,
		onProgress: (done) => {
			if (done % 2500 === 0) ctx.log(`exchange: ${done.toLocaleString('en-US')} signed`);
		}
	});
	await mkdir(dir, { recursive: true });
	await writeFile(path, JSON.stringify(country));
	return { country, cached: false };
}

const kB = (/** @type {number} */ bytes) => bytes / 1024;

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'exchange',
	async run(ctx) {
		const workload = await importWorkload(ctx.root);
		const { country, cached } = await signedCountry(ctx, workload);
		ctx.log('exchange: export and import…');
		const r = await withTimeout(
			workload.runExchange({ country, runs: RUNS }),
			300_000,
			'exchange in Node'
		);
		const n = `${r.records.toLocaleString('en-US')} records`;
		const median = `median of ${RUNS} runs`;
		ctx.note(
			`exchange: ${n} of ${r.citizens} authors (each signed by its author, ` +
				(cached
					? 'from the cache of signed records'
					: `signed in this run in ${(country.signMs / 1000).toFixed(0)} s, now cached`) +
				`); the canonical texts and signatures alone are ${kB(r.entryBytes).toFixed(0)} KB.`
		);
		/** @type {MetricInput[]} */
		return [
			{
				metric: `export: encodeStateAsUpdate + writeStateFile (${n})`,
				unit: 'ms',
				ours: r.exportMs.medianMs,
				baseline: r.exportBaselineMs.medianMs,
				baselineName: 'encodeStateAsUpdate + CompressionStream gzip',
				note: `${median}; ours adds the header and two SHA-256 passes (part, trailer)`
			},
			{
				metric: 'import: readStateFile',
				unit: 'ms',
				ours: r.readMs.medianMs,
				baseline: r.readBaselineMs.medianMs,
				baselineName: 'DecompressionStream gunzip',
				note: `${median}; ours also checks the trailer, header and part hashes`
			},
			{
				metric: 'import: entriesOfUpdate',
				unit: 'ms',
				ours: r.entriesMs.medianMs,
				baseline: r.entriesBaselineMs.medianMs,
				baselineName: 'Y.applyUpdate into an empty Y.Doc',
				note: median
			},
			{
				metric: 'import: verifyEntries, cold verifier',
				unit: 'ms',
				ours: r.verifyColdMs,
				note: `one run, inline (Node has no workers): ${r.signatureChecksCold.toLocaleString('en-US')} signatures checked`
			},
			{
				metric: 'import: verifyEntries, warm verifier (vs cold)',
				unit: 'ms',
				ours: r.verifyWarmMs.medianMs,
				baseline: r.verifyColdMs,
				baselineName: 'the same check with a cold verifier',
				note:
					`${median}; ${r.signatureChecksWarm} signatures checked again (memory cache): what ` +
					'remains is parsing every entry (canonical JSON, SHA-256 id, schema) and the rules'
			},
			{
				metric: 'import: merge the valid records into an empty Y.Doc',
				unit: 'ms',
				ours: r.mergeMs.medianMs,
				note: `${median}, one transaction`
			},
			{
				metric: 'file size vs raw Yjs update',
				unit: 'KB',
				ours: kB(r.fileBytes),
				baseline: kB(r.rawUpdateBytes),
				baselineName: 'Y.encodeStateAsUpdate of the public document'
			}
		];
	}
};
