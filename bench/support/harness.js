/**
 * What a bench is and what it returns: rows of (ours, baseline, ratio, target, verdict).
 * Pure: run.js does the I/O.
 */

/**
 * @typedef {object} Target
 * @property {'ours' | 'ratio'} on The column the target applies to.
 * @property {'<=' | '>='} op
 * @property {number} value
 */

/**
 * @typedef {object} MetricInput
 * @property {string} metric What was measured, with its setting (e.g. "verify, Chromium pool").
 * @property {string} unit
 * @property {number | null} ours
 * @property {number | null} [baseline]
 * @property {string} [baselineName] What the baseline is.
 * @property {Target[]} [targets]
 * @property {string} [note]
 */

/**
 * @typedef {MetricInput & {
 *   bench: string,
 *   baseline: number | null,
 *   ratio: number | null,
 *   targets: Target[],
 *   verdict: 'pass' | 'FAIL' | 'info' | 'n/a'
 * }} Metric
 */

/**
 * @typedef {object} BenchContext
 * @property {string} root The repository.
 * @property {boolean} netns Running in a private network namespace of our own.
 * @property {(line: string) => void} log
 * @property {(text: string) => void} note A caveat printed under the table and saved.
 * @property {() => Promise<import('./browser.js').BenchBrowser>} browser Started on first use.
 * @property {() => Promise<typeof import('../browser/node.ts')>} nodeWorkloads Built on first use.
 */

/**
 * @typedef {object} Bench
 * @property {string} name
 * @property {(ctx: BenchContext) => Promise<MetricInput[]>} run
 */

/**
 * @param {Target} target
 * @param {number | null} value
 * @returns {boolean | null} null when there is no value to judge
 */
function meets(target, value) {
	if (value === null || !Number.isFinite(value)) return null;
	return target.op === '<=' ? value <= target.value : value >= target.value;
}

/**
 * @param {string} bench
 * @param {MetricInput} input
 * @returns {Metric}
 */
export function toMetric(bench, input) {
	const baseline = input.baseline ?? null;
	const ours = input.ours;
	const ratio = ours !== null && baseline !== null && baseline !== 0 ? ours / baseline : null;
	const targets = input.targets ?? [];
	const judged = targets.map((t) => meets(t, t.on === 'ours' ? ours : ratio));
	const verdict =
		targets.length === 0
			? 'info'
			: judged.some((j) => j === null)
				? 'n/a'
				: judged.every(Boolean)
					? 'pass'
					: 'FAIL';
	return { ...input, bench, baseline, ratio, targets, verdict };
}

/** @param {number[]} values @param {number} p 0..1, nearest rank */
export function percentile(values, p) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil(p * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN;
}

/** @param {number[]} values */
export const median = (values) => percentile(values, 0.5);

/** @param {number | null} n @param {string} [unit] */
export function formatNumber(n, unit = '') {
	if (n === null || !Number.isFinite(n)) return '—';
	const abs = Math.abs(n);
	const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
	const text = n.toLocaleString('en-US', {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits
	});
	return unit ? `${text} ${unit}` : text;
}

/** @param {Target} t @param {string} unit */
function formatTarget(t, unit) {
	const op = t.op === '<=' ? '≤' : '≥';
	return t.on === 'ratio' ? `ratio ${op} ${t.value}` : `${op} ${formatNumber(t.value, unit)}`;
}

/**
 * @param {Metric[]} metrics
 * @returns {string} a plain-text table
 */
export function formatTable(metrics) {
	const header = ['bench', 'metric', 'ours', 'baseline', 'ratio', 'target', 'verdict'];
	const rows = metrics.map((m) => [
		m.bench,
		m.metric,
		formatNumber(m.ours, m.unit),
		m.baseline === null ? '—' : formatNumber(m.baseline, m.unit),
		m.ratio === null ? '—' : `${m.ratio.toFixed(2)}×`,
		m.targets.map((t) => formatTarget(t, m.unit)).join('; ') || '—',
		m.verdict
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const numeric = new Set([2, 3, 4]);
	const line = (/** @type {string[]} */ cells) =>
		cells
			.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
			.join('  ')
			.trimEnd();
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Resolve before `ms`, or fail naming what took too long.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
	/** @type {ReturnType<typeof setTimeout> | undefined} */
	let timer;
	const timeout = new Promise((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
	});
	return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() =>
		clearTimeout(timer)
	);
}
