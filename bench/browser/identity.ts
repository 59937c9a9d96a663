/**
 * The identity workload: sign and verify ~1 KB records with our real identity module,
 * beside raw WebCrypto Ed25519 on the same bytes. Runs in Chromium (bundled into the bench
 * page) and in Node (bundled as an SSR module); nothing here is runtime-specific except
 * the worker pool and the main-thread probe, which the caller switches on in the browser.
 */
import {
	createVerifier,
	generateIdentity,
	signRecord,
	unlockIdentity,
	type UnlockedIdentity,
	type Verifier,
	type VerifyItem
} from '../../src/lib/identity';
import type { FastCrypto } from '../../src/lib/identity/fast-signature';
import { makeCitizen, parseEntry, sha256Hex } from '../../src/lib/model';

export type Rate = { count: number; ms: number; perSecond: number };

/** The main thread's worst stalls while some work ran. */
export type Probe = {
	/** Longest gap between two runs of a setInterval(…, 0) (Chromium clamps it to ~4 ms). */
	maxGapMs: number;
	/** Longest task the browser reported (PerformanceObserver 'longtask', ≥ 50 ms), or 0. */
	longestTaskMs: number;
	longTasks: number;
	/** false where the runtime reports no long tasks (Node). */
	longTaskSupported: boolean;
	/** How long the call itself held the main thread before returning its promise. */
	callMs: number;
};

export type IdentityOptions = {
	/** Records to sign (upper bound: signing also stops at timeLimitMs). */
	records: number;
	/** Ours and the baseline alternate in this many rounds, so drift hits both alike. */
	rounds: number;
	/** Per phase (signing, verifying): no more rounds start after this. */
	timeLimitMs: number;
	/** Also measure the worker pool (browser only). */
	pool: boolean;
	/** Also measure the main thread while `probeRecords` records verify (browser only). */
	probe: boolean;
	/**
	 * Also measure an inline verifier on this backend (Node: node:crypto, as the mirror and
	 * the command line verify), beside the default WebCrypto one.
	 */
	crypto?: FastCrypto;
};

export type IdentityResult = {
	keyVersion: number;
	recordBytes: number;
	signatureChars: number;
	signed: number;
	sign: { ours: Rate; baseline: Rate };
	verify: { inline: Rate; pool: Rate | null; backend: Rate | null; baseline: Rate };
	cached: Rate;
	/**
	 * Single new records of a known key through `verify()`, one at a time, on the verifier
	 * that just verified the batches (pool in the browser): what a live record costs.
	 */
	live: {
		count: number;
		medianMs: number;
		p95Ms: number;
		baselineMedianMs: number;
		fastChecks: number;
		messages: number;
	} | null;
	/** Signature checks by the fast path / all signature checks (inline and pool verifiers). */
	fastChecks: {
		inline: [number, number];
		pool: [number, number] | null;
		backend: [number, number] | null;
	};
	poolColdStartMs: number | null;
	responsiveness: {
		records: number;
		pool: Probe & Rate;
		inline: Probe & Rate;
		baseline: Probe & Rate;
	} | null;
};

/** As many WebCrypto calls in flight as verify-core.ts allows itself (its CONCURRENCY). */
const BASELINE_LANES = 8;
const WARM_RECORDS = 16;
/** Records kept back for the live-record timing (signed with the rest, verified one by one). */
const LIVE_RECORDS = 30;
const COUNTRY = sha256Hex('webocracy bench country');
const PASSPHRASE = 'bench passphrase';

const rate = (count: number, ms: number): Rate => ({
	count,
	ms,
	perSecond: ms > 0 ? (count * 1000) / ms : 0
});

const add = (a: Rate, count: number, ms: number): Rate => rate(a.count + count, a.ms + ms);

/** Run `work` over items with `lanes` of them awaiting at once; returns the results in order. */
async function inLanes<T, R>(items: readonly T[], lanes: number, work: (item: T) => Promise<R>) {
	const results = new Array<R>(items.length);
	let next = 0;
	const lane = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index] as T);
		}
	};
	await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
	return results;
}

export function startProbe(): () => Omit<Probe, 'callMs'> {
	let last = performance.now();
	let maxGapMs = 0;
	const timer = setInterval(() => {
		const now = performance.now();
		maxGapMs = Math.max(maxGapMs, now - last);
		last = now;
	}, 0);
	let longestTaskMs = 0;
	let longTasks = 0;
	let observer: PerformanceObserver | null = null;
	const longTaskSupported =
		typeof PerformanceObserver !== 'undefined' &&
		(PerformanceObserver.supportedEntryTypes ?? []).includes('longtask');
	if (longTaskSupported) {
		observer = new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				longTasks++;
				longestTaskMs = Math.max(longestTaskMs, entry.duration);
			}
		});
		observer.observe({ type: 'longtask' });
	}
	return () => {
		clearInterval(timer);
		maxGapMs = Math.max(maxGapMs, performance.now() - last);
		if (observer) {
			for (const entry of observer.takeRecords()) {
				longTasks++;
				longestTaskMs = Math.max(longestTaskMs, entry.duration);
			}
			observer.disconnect();
		}
		return { maxGapMs, longestTaskMs, longTasks, longTaskSupported };
	};
}

/** Let the event loop (and a pending long-task report) settle between measurements. */
const pause = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

type Signed = { item: VerifyItem; bytes: Uint8Array; baselineSignature: ArrayBuffer };

async function makeKey(): Promise<{ unlocked: UnlockedIdentity; publicKey: string }> {
	const made = await generateIdentity({ name: 'Bench Citizen', passphrase: PASSPHRASE });
	if (!made.ok) throw new Error(`generateIdentity: ${made.message}`);
	const unlocked = await unlockIdentity(made.value, PASSPHRASE);
	if (!unlocked.ok) throw new Error(`unlockIdentity: ${unlocked.message}`);
	return { unlocked: unlocked.value, publicKey: made.value.publicKey };
}

/** A citizen profile update: self-keyed (it carries the key), about 1 KB with a v4 key. */
function recordAt(unlocked: UnlockedIdentity, publicKey: string, i: number) {
	return makeCitizen({
		country: COUNTRY,
		author: unlocked.key.fingerprint,
		at: 1_700_000_000_000 + i,
		name: `Bench citizen number ${i} with a name long enough to be typical`.slice(0, 64),
		publicKey,
		admission: { type: 'update' }
	});
}

async function verifyAllOk(verifier: Verifier, items: readonly VerifyItem[]) {
	const results = await verifier.verifyMany(items);
	const bad = results.find((r) => !r.ok);
	if (bad && !bad.ok) throw new Error(`verification failed: ${bad.code} ${bad.message}`);
}

export async function runIdentity(options: IdentityOptions): Promise<IdentityResult> {
	const encoder = new TextEncoder();
	const { unlocked, publicKey } = await makeKey();
	const raw = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
		'sign',
		'verify'
	])) as CryptoKeyPair;

	const total = options.records + WARM_RECORDS;
	const perRound = Math.max(1, Math.ceil(options.records / options.rounds));

	// Sign: the warm-up records first (unmeasured), then rounds of baseline and ours.
	const signed: Signed[] = [];
	let signOurs = rate(0, 0);
	let signBase = rate(0, 0);
	const signStart = performance.now();
	for (let round = -1; signed.length < total; round++) {
		if (round >= 0 && performance.now() - signStart > options.timeLimitMs) break;
		const from = signed.length;
		const count = round < 0 ? WARM_RECORDS : Math.min(perRound, total - from);
		const records = Array.from({ length: count }, (_, j) =>
			recordAt(unlocked, publicKey, from + j)
		);

		const t0 = performance.now();
		const entries = [];
		for (const record of records) {
			const result = await signRecord(unlocked, record);
			if (!result.ok) throw new Error(`signRecord: ${result.message}`);
			entries.push(result.value);
		}
		const t1 = performance.now();
		const bytes = entries.map(({ entry }) => encoder.encode(entry.record));
		const t2 = performance.now();
		const baseline: ArrayBuffer[] = [];
		for (const b of bytes) baseline.push(await crypto.subtle.sign('Ed25519', raw.privateKey, b));
		const t3 = performance.now();
		if (round >= 0) {
			signOurs = add(signOurs, count, t1 - t0);
			signBase = add(signBase, count, t3 - t2);
		}
		entries.forEach(({ id, entry }, j) => {
			const parsed = parseEntry(id, entry);
			if (!parsed.ok) throw new Error(`parseEntry: ${parsed.message}`);
			signed.push({
				item: { parsed: parsed.value, publicKey },
				bytes: bytes[j] as Uint8Array,
				baselineSignature: baseline[j] as ArrayBuffer
			});
		});
	}
	unlocked.lock();
	const live = signed.length > WARM_RECORDS + LIVE_RECORDS ? signed.splice(-LIVE_RECORDS) : [];
	const warm = signed.slice(0, WARM_RECORDS);
	const measured = signed.slice(WARM_RECORDS);

	const baselineVerify = async (batch: readonly Signed[]) => {
		const results = await inLanes(batch, BASELINE_LANES, (s) =>
			crypto.subtle.verify('Ed25519', raw.publicKey, s.baselineSignature, s.bytes as BufferSource)
		);
		if (results.some((ok) => !ok)) throw new Error('baseline verification failed');
	};

	const inline = createVerifier({ useWorkers: false });
	const pool = options.pool ? createVerifier({ useWorkers: true }) : null;
	const backend = options.crypto
		? createVerifier({ useWorkers: false, crypto: options.crypto })
		: null;
	// Warm-up: openpgp loaded, the key parsed; for the pool, workers started and loaded.
	await verifyAllOk(
		inline,
		warm.map((s) => s.item)
	);
	if (backend) {
		await verifyAllOk(
			backend,
			warm.map((s) => s.item)
		);
	}
	await baselineVerify(warm);
	let poolColdStartMs: number | null = null;
	if (pool) {
		const t0 = performance.now();
		await verifyAllOk(
			pool,
			warm.map((s) => s.item)
		);
		poolColdStartMs = performance.now() - t0;
		if (pool.stats().workers === 0) throw new Error('the verifier started no workers');
	}

	type Variant = {
		name: 'baseline' | 'inline' | 'pool' | 'backend';
		run: (b: readonly Signed[]) => Promise<void>;
	};
	const variants: Variant[] = [
		{ name: 'baseline', run: baselineVerify },
		{
			name: 'inline',
			run: (b) =>
				verifyAllOk(
					inline,
					b.map((s) => s.item)
				)
		}
	];
	if (pool)
		variants.push({
			name: 'pool',
			run: (b) =>
				verifyAllOk(
					pool,
					b.map((s) => s.item)
				)
		});
	if (backend)
		variants.push({
			name: 'backend',
			run: (b) =>
				verifyAllOk(
					backend,
					b.map((s) => s.item)
				)
		});
	const verifyRates: Record<Variant['name'], Rate> = {
		baseline: rate(0, 0),
		inline: rate(0, 0),
		pool: rate(0, 0),
		backend: rate(0, 0)
	};
	const verifyStart = performance.now();
	for (let round = 0; round * perRound < measured.length; round++) {
		if (performance.now() - verifyStart > options.timeLimitMs) break;
		const batch = measured.slice(round * perRound, (round + 1) * perRound);
		// Rotate who goes first, so neither always runs on a warmer or busier machine.
		for (let k = 0; k < variants.length; k++) {
			const variant = variants[(round + k) % variants.length] as Variant;
			const t0 = performance.now();
			await variant.run(batch);
			verifyRates[variant.name] = add(
				verifyRates[variant.name],
				batch.length,
				performance.now() - t0
			);
		}
	}

	// Cached: everything is in the verifier's memory now; the median of five passes.
	const cachedVerifier = pool ?? inline;
	const items = measured.map((s) => s.item);
	const passes: Rate[] = [];
	for (let i = 0; i < 5; i++) {
		const before = cachedVerifier.stats().signatureChecks;
		const t0 = performance.now();
		await verifyAllOk(cachedVerifier, items);
		passes.push(rate(items.length, performance.now() - t0));
		if (cachedVerifier.stats().signatureChecks !== before) throw new Error('cache missed');
	}
	passes.sort((a, b) => a.perSecond - b.perSecond);
	const cached = passes[2] as Rate;

	const quantile = (values: number[], q: number) =>
		values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
	let liveResult: IdentityResult['live'] = null;
	if (live.length > 0) {
		const before = cachedVerifier.stats();
		const ours: number[] = [];
		const base: number[] = [];
		for (const s of live) {
			const t0 = performance.now();
			const result = await cachedVerifier.verify(s.item.parsed, s.item.publicKey);
			ours.push(performance.now() - t0);
			if (!result.ok) throw new Error(`live record: ${result.code} ${result.message}`);
			const t1 = performance.now();
			await crypto.subtle.verify(
				'Ed25519',
				raw.publicKey,
				s.baselineSignature,
				s.bytes as BufferSource
			);
			base.push(performance.now() - t1);
		}
		const after = cachedVerifier.stats();
		liveResult = {
			count: live.length,
			medianMs: quantile(ours, 0.5),
			p95Ms: quantile(ours, 0.95),
			baselineMedianMs: quantile(base, 0.5),
			fastChecks: after.fastChecks - before.fastChecks,
			messages: after.messages - before.messages
		};
	}
	const share = (v: Verifier): [number, number] => [
		v.stats().fastChecks,
		v.stats().signatureChecks
	];
	const fastChecks = {
		inline: share(inline),
		pool: pool ? share(pool) : null,
		backend: backend ? share(backend) : null
	};
	inline.destroy();
	pool?.destroy();
	backend?.destroy();

	let responsiveness: IdentityResult['responsiveness'] = null;
	if (options.probe) {
		// Fresh verifiers (empty caches), warmed up, then one big batch as a sync delivers it.
		const probed = async (run: () => Promise<void>): Promise<Probe & Rate> => {
			await pause();
			const stop = startProbe();
			const t0 = performance.now();
			const running = run();
			const callMs = performance.now() - t0;
			await running;
			const ms = performance.now() - t0;
			await pause();
			return { ...stop(), callMs, ...rate(measured.length, ms) };
		};
		const freshPool = createVerifier({ useWorkers: true });
		await verifyAllOk(
			freshPool,
			warm.map((s) => s.item)
		);
		const poolProbe = await probed(() => verifyAllOk(freshPool, items));
		freshPool.destroy();
		const freshInline = createVerifier({ useWorkers: false });
		await verifyAllOk(
			freshInline,
			warm.map((s) => s.item)
		);
		const inlineProbe = await probed(() => verifyAllOk(freshInline, items));
		freshInline.destroy();
		const baselineProbe = await probed(() => baselineVerify(measured));
		responsiveness = {
			records: measured.length,
			pool: poolProbe,
			inline: inlineProbe,
			baseline: baselineProbe
		};
	}

	const first = measured[0] ?? warm[0];
	return {
		keyVersion: unlocked.key.keyVersion,
		recordBytes: Math.round(measured.reduce((n, s) => n + s.bytes.length, 0) / measured.length),
		signatureChars: first?.item.parsed.signature.length ?? 0,
		signed: measured.length,
		sign: { ours: signOurs, baseline: signBase },
		verify: {
			inline: verifyRates.inline,
			pool: pool ? verifyRates.pool : null,
			backend: backend ? verifyRates.backend : null,
			baseline: verifyRates.baseline
		},
		cached,
		live: liveResult,
		fastChecks,
		poolColdStartMs,
		responsiveness
	};
}
