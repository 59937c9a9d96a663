/**
 * The 10 MB join (issue 3): a seeded Node peer (tests/e2e/support/node-peer.ts, @roamhq/wrtc)
 * holds a country of 10,000 posts; a fresh Chromium context joins it over real WebRTC through
 * our signaling server. Transfer (until the public document holds every entry) and
 * verification (until every record is valid in the view) are timed separately.
 */
import { writeFile } from 'node:fs/promises';
import { importForNode } from './support/bundle.js';
import { median, withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {import('./browser/join.ts').JoinTimes} JoinTimes */

const RECORDS = 10_000;
/** About the size of a short post with its envelope and signature: the state is about 10 MB. */
const POST_BYTES = 620;
const ROUNDS = 3;
const TARGET_MS = 3000;

/**
 * The functions of a CDP CPU profile with the most self time, as log lines.
 * @param {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number } }[], samples?: number[], timeDeltas?: number[] }} profile
 * @param {number} count
 */
function topSelfTime(profile, count) {
	/** @type {Map<number, string>} */
	const names = new Map();
	for (const { id, callFrame: f } of profile.nodes) {
		const file = f.url.split('/').pop() ?? '';
		names.set(id, `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`);
	}
	/** @type {Map<number, number>} */
	const parent = new Map();
	for (const node of profile.nodes) {
		for (const child of /** @type {{ children?: number[] }} */ (node).children ?? []) {
			parent.set(child, node.id);
		}
	}
	/** @type {Map<string, number>} */
	const self = new Map();
	/** @type {Map<string, number>} */
	const inclusive = new Map();
	const samples = profile.samples ?? [];
	const deltas = profile.timeDeltas ?? [];
	let total = 0;
	samples.forEach((id, i) => {
		const us = deltas[i + 1] ?? 0;
		const name = names.get(id) ?? '?';
		self.set(name, (self.get(name) ?? 0) + us);
		total += us;
		const seen = new Set();
		for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
			const n = names.get(at) ?? '?';
			if (seen.has(n)) continue;
			seen.add(n);
			inclusive.set(n, (inclusive.get(n) ?? 0) + us);
		}
	});
	/** @param {string} label @param {Map<string, number>} map */
	const top = (label, map) =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([name, us]) => `${label} ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
	return [
		`${(total / 1000).toFixed(0)} ms sampled`,
		...top('self', self),
		...top('total', inclusive)
	];
}

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'join',
	async run(ctx) {
		if (!ctx.netns) {
			ctx.note(
				'join: skipped. WebRTC needs a non-loopback address, and the bench uses only a test ' +
					'address in a network namespace of its own (run as root with `unshare` and `ip`).'
			);
			return [];
		}
		/** @type {typeof import('../tests/e2e/support/node-peer.ts')} */
		const seeding = await importForNode(ctx.root, 'tests/e2e/support/node-peer.ts', 'join-seed');
		ctx.log(`join: signing a country of ${RECORDS.toLocaleString('en-US')} records…`);
		const founder = await seeding.makeFounder('Join bench founder');
		const { countryId, records } = await seeding.seedCountry({
			founder,
			name: 'Joinland',
			posts: RECORDS - 2,
			postBytes: POST_BYTES
		});
		const { newPage, signalingUrl } = await ctx.browser();
		const seeder = new seeding.NodePeer(countryId, { signaling: [signalingUrl], secret: null });
		seeder.write(records);
		/** @type {JoinTimes[]} */
		const runs = [];
		try {
			for (let round = 0; round < ROUNDS; round++) {
				// A fresh context each time: nothing cached, nothing stored.
				const page = await newPage();
				// JOIN_PROFILE=file: a CPU profile of the first round's main thread (CDP), its top
				// functions by self time logged, the whole profile written to that file.
				const profiling = round === 0 && process.env.JOIN_PROFILE;
				const cdp = profiling ? await page.context().newCDPSession(page) : null;
				if (cdp) {
					await cdp.send('Profiler.enable');
					await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
					await cdp.send('Profiler.start');
				}
				try {
					ctx.log(`join: round ${round + 1} of ${ROUNDS}…`);
					const times = /** @type {JoinTimes} */ (
						await withTimeout(
							page.evaluate((o) => window.bench.join(o), {
								signaling: signalingUrl,
								countryId,
								expected: records.length,
								timeoutMs: 60_000
							}),
							90_000,
							'join'
						)
					);
					runs.push(times);
					if (cdp && profiling) {
						const { profile } = await cdp.send('Profiler.stop');
						await writeFile(profiling, JSON.stringify(profile));
						for (const line of topSelfTime(profile, 25)) ctx.log(`join profile: ${line}`);
					}
					const a = times.after;
					const span = (times.verified ?? NaN) - (times.transferred ?? NaN);
					ctx.log(
						`join: connected ${times.connected?.toFixed(0)} ms, first entry ` +
							`${times.firstEntry?.toFixed(0)} ms, transfer ${times.transferred?.toFixed(0)} ms, then ${span.toFixed(0)} ms` +
							(a
								? ` (${a.verifyCalls} verifyMany of ${a.verifyItems} records in flight ` +
									`${a.verifyingMs.toFixed(0)} ms, cache lookups ${a.cacheLookupMs.toFixed(0)} ms, ` +
									`main-thread long tasks ${a.longTaskMs.toFixed(0)} ms; the whole join: workers busy ` +
									`${Number(times.verifier.workerMs ?? NaN).toFixed(0)} ms summed over ${times.verifier.workers})`
								: '')
					);
					if (a) {
						const calls = a.calls.map(([at, ms, n]) => `${at.toFixed(0)}+${ms.toFixed(0)}:${n}`);
						ctx.log(`join: verifyMany calls (start+ms:records) ${calls.join(' ')}`);
					}
				} finally {
					await page.context().close();
				}
			}
		} finally {
			await seeder.close();
		}
		const complete = runs.filter((r) => r.verified !== null && r.transferred !== null);
		if (complete.length < runs.length) {
			const worst = runs.find((r) => r.verified === null);
			ctx.note(
				`join: ${runs.length - complete.length} of ${runs.length} joins did not finish in 60 s ` +
					`(${worst?.entries} entries arrived, ${worst?.valid} valid); left out`
			);
		}
		const last = complete.at(-1);
		if (!last) throw new Error('no join finished');
		const pick = (/** @type {(r: JoinTimes) => number} */ f) => median(complete.map(f));
		const n = `median of ${complete.length}`;
		return [
			{
				metric: `join a 10,000-record country, rooms joined → all verified (${n})`,
				unit: 'ms',
				ours: pick((r) => /** @type {number} */ (r.verified)),
				targets: [{ on: 'ours', op: '<=', value: TARGET_MS }],
				note:
					`${(last.bytes / 1e6).toFixed(1)} MB state, ${last.frames} frames received; ` +
					`WebRTC connected at ${pick((r) => r.connected ?? NaN).toFixed(0)} ms; the country ` +
					`(genesis, citizens) derived at ${pick((r) => r.countryShown ?? NaN).toFixed(0)} ms. ` +
					'Plain y-webrtc cannot join at all: it sends the state as one message and ' +
					'Chromium drops messages over 256 KiB (STACK.md, gotcha 1)'
			},
			{
				metric: `join: transfer, rooms joined → every entry in the document (${n})`,
				unit: 'ms',
				ours: pick((r) => /** @type {number} */ (r.transferred)),
				baseline: pick((r) => r.localApplyMs ?? NaN),
				baselineName: 'Y.applyUpdate of the same state in the page (no network)'
			},
			{
				metric: `join: verification, every entry here → every record valid (${n})`,
				unit: 'ms',
				ours: pick(
					(r) => /** @type {number} */ (r.verified) - /** @type {number} */ (r.transferred)
				),
				note:
					'what remains after the last entry arrived; checking starts with the first entries, ' +
					'so most of it overlaps the transfer (worker pool, empty persistent cache); last ' +
					`run: ${last.verifier.signatureChecks} signatures checked, ${last.verifier.fastChecks} ` +
					`by the fast path, ${last.verifier.messages} worker messages, ` +
					`${last.verifier.workers} workers`
			}
		];
	}
};
