/**
 * `npm run bench [-- name…]`: runs bench/*.bench.js (all, or those whose name contains one
 * of the arguments), prints one table and writes bench/results.json. Each row sets our code
 * beside a plain baseline measured in the same run: read the ratio, not the raw numbers, on
 * a shared machine. See bench/README.md.
 *
 * As root with `unshare`, the whole run happens in a private network namespace with a test
 * address of its own (scripts/netns.js), where the WebRTC bench can run.
 * Exit status: 1 when a bench could not run; a missed target is reported, not an error.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { canMakeNetns, insideNetns, runNodeInNetns } from '../scripts/netns.js';
import { importNodeWorkloads, buildPage } from './support/bundle.js';
import { startBrowser } from './support/browser.js';
import { formatTable, toMetric } from './support/harness.js';

/** @typedef {import('./support/harness.js').Metric} Metric */
/** @typedef {import('./support/harness.js').Bench} Bench */

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const filters = process.argv.slice(2);

if (!insideNetns() && canMakeNetns()) {
	process.exit(
		runNodeInNetns({ script: fileURLToPath(import.meta.url), args: filters, cwd: root })
	);
}

const netns = insideNetns();
const startedAt = new Date();
const loadBefore = os.loadavg()[0] ?? 0;
/** @param {string} line */
const log = (line) => console.log(`· ${line}`);
/** @type {string[]} */
const notes = [];

const files = readdirSync(here)
	.filter((f) => f.endsWith('.bench.js'))
	.sort()
	.filter((f) => filters.length === 0 || filters.some((q) => f.includes(q)));
if (files.length === 0) {
	console.error(`No bench matches ${filters.join(', ')}.`);
	process.exit(1);
}

/** @type {Promise<import('./support/browser.js').BenchBrowser> | null} */
let browser = null;
/** @type {Promise<typeof import('./browser/node.ts')> | null} */
let nodeWorkloads = null;
/** @type {import('./support/harness.js').BenchContext} */
const ctx = {
	root,
	netns,
	log,
	note: (text) => notes.push(text),
	browser: () => {
		browser ??= buildPage(root).then((pageDir) => startBrowser({ root, pageDir, log }));
		return browser;
	},
	nodeWorkloads: () => {
		nodeWorkloads ??= importNodeWorkloads(root);
		return nodeWorkloads;
	}
};

/** @type {Metric[]} */
const metrics = [];
/** @type {{ bench: string, error: string }[]} */
const errors = [];
for (const file of files) {
	const bench = /** @type {{ default: Bench }} */ (
		await import(pathToFileURL(join(here, file)).href)
	).default;
	const t0 = performance.now();
	log(`${bench.name}: start`);
	try {
		const rows = await bench.run(ctx);
		metrics.push(...rows.map((row) => toMetric(bench.name, row)));
		log(`${bench.name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	} catch (error) {
		const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
		errors.push({ bench: bench.name, error: message });
		console.error(`${bench.name} failed: ${message}`);
	}
}

let chromiumVersion = null;
if (browser) {
	const started = await /** @type {Promise<import('./support/browser.js').BenchBrowser>} */ (
		browser
	).catch(() => null);
	chromiumVersion = started?.version ?? null;
	await started?.close();
}

/** @param {string[]} args */
const git = (args) => {
	try {
		return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
	} catch {
		return null;
	}
};
const cpus = os.cpus();
const busiest = Math.max(loadBefore, os.loadavg()[0] ?? 0);
if (busiest > cpus.length) {
	notes.push(
		`The load average reached ${busiest.toFixed(1)} on ${cpus.length} cores during this run: ` +
			'absolute targets (/s, ms) are unreliable; compare the ratios.'
	);
}
const machine = {
	date: startedAt.toISOString(),
	cpus: cpus.length,
	cpuModel: cpus[0]?.model ?? null,
	memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
	loadAverageAtStart: Number(loadBefore.toFixed(2)),
	loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
	platform: `${os.platform()} ${os.release()} ${os.arch()}`,
	node: process.version,
	chromium: chromiumVersion,
	networkNamespace: netns,
	commit: git(['rev-parse', '--short', 'HEAD']),
	dirty: (git(['status', '--porcelain']) ?? '') !== ''
};

console.log('');
console.log(
	`${machine.date} · ${machine.cpus} × ${machine.cpuModel} · Node ${machine.node}` +
		(chromiumVersion ? ` · Chromium ${chromiumVersion}` : '') +
		` · load ${machine.loadAverage.join(' ')}`
);
console.log('');
console.log(formatTable(metrics));
const baselines = [
	...new Set(metrics.filter((m) => m.baseline !== null).map((m) => m.baselineName))
].filter(Boolean);
if (baselines.length) console.log(`\nBaselines: ${baselines.join('; ')}.`);
console.log('Ratio = ours / baseline: above 1 is more for ours (faster for /s, slower for ms).');
const annotated = metrics.filter((m) => m.note);
for (const m of annotated) console.log(`  ${m.bench} · ${m.metric}: ${m.note}`);
for (const note of notes) console.log(`Note: ${note}`);
const failed = metrics.filter((m) => m.verdict === 'FAIL');
console.log(
	`\n${metrics.length} metrics · ${metrics.filter((m) => m.verdict === 'pass').length} pass · ` +
		`${failed.length} FAIL · ${errors.length} bench errors` +
		(failed.length ? ` (${failed.map((m) => `${m.bench}: ${m.metric}`).join('; ')})` : '')
);

const results = { machine, filters, metrics, notes, errors };
await writeFile(join(here, 'results.json'), `${JSON.stringify(results, null, '\t')}\n`);
console.log(`Wrote bench/results.json (${metrics.length} metrics).`);
process.exit(errors.length > 0 ? 1 : 0);
