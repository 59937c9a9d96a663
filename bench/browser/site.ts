/**
 * The static-site workload (issue 7): render a 10,000-post country to files in Node, with
 * every signature checked, beside a plain markdown-it baseline; then one new post through
 * the incremental path onto disk. Bundled as an SSR module by bench/site.bench.js.
 */
import MarkdownIt from 'markdown-it';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSiteWriter } from '../../mirror/site-writer';
import { createThreadVerifier } from '../../mirror/verify-threads';
import { nodeCrypto } from '../../src/lib/identity/node-crypto';
import {
	createVerifier,
	generateIdentity,
	signRecord,
	unlockIdentity,
	type UnlockedIdentity
} from '../../src/lib/identity';
import {
	deriveCountry,
	extendCountry,
	makeCitizen,
	makeGenesis,
	makePost,
	parseEntry,
	type AnyRecord,
	type SignedEntry,
	type Verified
} from '../../src/lib/model';
import { createSitePlanner, planSite, renderPlan, type SitePlan } from '../../src/lib/site';
import { verifyEntries } from '../../src/lib/sync/verify-entries';

export type SignedSiteCountry = {
	country: string;
	records: { id: string; entry: SignedEntry }[];
	/** Signed after the others, by a citizen: the post that arrives later. */
	newPost: { id: string; entry: SignedEntry };
	posts: number;
	citizens: number;
	signMs: number;
};

const PASSPHRASE = 'bench passphrase';
const T0 = 1_763_900_000_000;
const PARAGRAPH =
	'A citizen writes about the budget, the library hours and the next assembly. ' +
	'Markdown with *emphasis*, a [link](https://example.org) and a list:\n\n- one\n- two\n\n';
const TAGS = Array.from({ length: 40 }, (_, i) => `topic-${i}`);

async function person(name: string): Promise<UnlockedIdentity> {
	const made = await generateIdentity({ name, passphrase: PASSPHRASE });
	if (!made.ok) throw new Error(`generateIdentity: ${made.message}`);
	const unlocked = await unlockIdentity(made.value, PASSPHRASE);
	if (!unlocked.ok) throw new Error(`unlockIdentity: ${unlocked.message}`);
	return unlocked.value;
}

async function signed(by: UnlockedIdentity, record: AnyRecord) {
	const result = await signRecord(by, record);
	if (!result.ok) throw new Error(`signRecord: ${result.message}`);
	return result.value;
}

const postBy = (country: string, by: UnlockedIdentity, i: number, at: number) =>
	makePost({
		country,
		author: by.key.fingerprint,
		at,
		title: `Post ${i} on the matters of the day`,
		body: `${PARAGRAPH.repeat(1 + (i % 8))}Post number ${i}.`,
		tags: i % 4 ? [TAGS[i % TAGS.length]!, TAGS[(i * 7) % TAGS.length]!] : []
	});

/**
 * An open country of `citizens` people with `posts` posts in turn (bodies of 180 B to
 * 1.4 KB, up to two of 40 tags), every record signed by its own author, plus one more post
 * kept apart to arrive later.
 */
export async function signSiteCountry(options: {
	posts: number;
	citizens: number;
	onProgress?: (done: number) => void;
}): Promise<SignedSiteCountry> {
	const started = performance.now();
	const people = await Promise.all(
		Array.from({ length: options.citizens }, (_, i) => person(`Bench Citizen ${i}`))
	);
	const founder = people[0]!;
	const genesis = await signed(
		founder,
		makeGenesis({
			author: founder.key.fingerprint,
			at: T0,
			name: 'Bench Republic',
			constitution: { admission: 'open', seats: 7, termDays: 365 },
			founderKey: founder.key.publicKey
		})
	);
	const country = genesis.id;
	const records = [genesis];
	let at = T0 + 1;
	for (const [i, who] of people.entries()) {
		records.push(
			await signed(
				who,
				makeCitizen({
					country,
					author: who.key.fingerprint,
					at: at++,
					name: who.key.name,
					publicKey: who.key.publicKey,
					admission: { type: i === 0 ? 'founder' : 'open' }
				})
			)
		);
	}
	for (let i = 0; i < options.posts; i++) {
		records.push(
			await signed(people[i % people.length]!, postBy(country, people[i % people.length]!, i, at++))
		);
		if ((i + 1) % 1000 === 0) options.onProgress?.(i + 1);
	}
	const newPost = await signed(people[1]!, postBy(country, people[1]!, options.posts, at));
	return {
		country,
		records: records.map(({ id, entry }) => ({ id, entry })),
		newPost: { id: newPost.id, entry: newPost.entry },
		posts: options.posts,
		citizens: people.length,
		signMs: performance.now() - started
	};
}

export type SiteBenchResult = {
	posts: number;
	records: number;
	htmlPages: number;
	files: number;
	/** Ours, one full pass: verify every record, derive, plan, render every file in memory. */
	fullMs: number[];
	/** Process CPU time of the same passes. */
	fullCpuMs: number[];
	verifyMs: number[];
	deriveMs: number[];
	planMs: number[];
	renderMs: number[];
	/** Process CPU time of planSite and of rendering every file (apart from waiting for a core). */
	planCpuMs: number[];
	renderCpuMs: number[];
	/** Baseline: markdown-it, the same bodies, a minimal page each, no verification. */
	baselineMs: number[];
	/** The same full pass with verification on two worker threads (mirror/verify-threads.ts). */
	threadsMs: number[];
	threadsVerifyMs: number[];
	/** The whole site onto disk through site-writer, first pass (durable). */
	firstWriteMs: number;
	/** One new post: verify it, extend the last view, plan, site-writer pass (durable). */
	incrementalMs: number[];
	/** The same passes by step, wall time, and the process's CPU time for the whole pass. */
	incrementalParts: {
		verifyMs: number;
		deriveMs: number;
		planMs: number;
		writeMs: number;
		/** Of the writer pass: rendering the files whose key changed. */
		renderMs: number;
		cpuMs: number;
	}[];
	incrementalWritten: number;
	incrementalRendered: number;
	/** Baseline: render the one new page with markdown-it and write it with writeFile. */
	incrementalBaselineMs: number[];
	signatureChecks: number;
};

const minimalPage = (md: InstanceType<typeof MarkdownIt>, title: string, body: string) =>
	`<!doctype html><html><head><meta charset="utf-8"><title>${md.utils.escapeHtml(title)}</title></head><body><h1>${md.utils.escapeHtml(title)}</h1>${md.render(body)}</body></html>`;

function check(plan: ReturnType<typeof planSite>): SitePlan {
	if (!plan.ok) throw new Error(plan.message);
	return plan.value;
}

/**
 * Full renders (ours and the baseline alternate, `runs` times each, a cold verifier every
 * time so every signature is checked), then the first write to disk and `incrementalRuns`
 * new-post passes, each beside the baseline's single write.
 */
export async function runSite(options: {
	country: SignedSiteCountry;
	runs: number;
	incrementalRuns: number;
	baseUrl: string;
}): Promise<SiteBenchResult> {
	const { country } = options;
	const entries = country.records.map(({ id, entry }) => [id, entry] as [string, unknown]);
	const md = new MarkdownIt({ html: false, linkify: true });
	const result: SiteBenchResult = {
		posts: country.posts,
		records: entries.length,
		htmlPages: 0,
		files: 0,
		fullMs: [],
		fullCpuMs: [],
		verifyMs: [],
		deriveMs: [],
		planMs: [],
		renderMs: [],
		planCpuMs: [],
		renderCpuMs: [],
		baselineMs: [],
		threadsMs: [],
		threadsVerifyMs: [],
		firstWriteMs: 0,
		incrementalMs: [],
		incrementalParts: [],
		incrementalWritten: 0,
		incrementalRendered: 0,
		incrementalBaselineMs: [],
		signatureChecks: 0
	};

	let valid: Verified[] = [];
	for (let run = 0; run < options.runs; run++) {
		// Baseline: parse each entry's JSON and render its body into a minimal page.
		let t0 = performance.now();
		let pages = 0;
		for (const [, entry] of entries) {
			const record = JSON.parse((entry as SignedEntry).record) as AnyRecord;
			if (record.kind !== 'post') continue;
			minimalPage(md, record.body.title, record.body.body);
			pages++;
		}
		result.baselineMs.push(performance.now() - t0);
		void pages;

		// Ours: verifyEntries parses, checks every signature (a cold verifier on node:crypto, as the
		// mirror makes it) and derives.
		const cpu0 = process.cpuUsage();
		t0 = performance.now();
		const verifier = createVerifier({ useWorkers: false, crypto: nodeCrypto });
		const verdict = await verifyEntries({ countryId: country.country, entries, verifier });
		if (verdict.invalid.length) throw new Error(`${verdict.invalid.length} records invalid`);
		const t1 = performance.now();
		const view = deriveCountry(country.country, verdict.valid);
		const t2 = performance.now();
		const cpu2 = process.cpuUsage();
		const plan = check(planSite({ country: view, baseUrl: options.baseUrl }));
		const t3 = performance.now();
		const cpu3 = process.cpuUsage();
		const files = renderPlan(plan);
		const t4 = performance.now();
		const cpu4 = process.cpuUsage();
		const cpuMs = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) =>
			(to.user - from.user + to.system - from.system) / 1000;
		result.planCpuMs.push(cpuMs(cpu2, cpu3));
		result.renderCpuMs.push(cpuMs(cpu3, cpu4));
		result.verifyMs.push(t1 - t0);
		result.deriveMs.push(t2 - t1);
		result.planMs.push(t3 - t2);
		result.renderMs.push(t4 - t3);
		// verifyEntries already derives once; the second derive is what the renderer needs
		// apart from it, so the full time counts both.
		result.fullMs.push(t4 - t0);
		const cpu = process.cpuUsage(cpu0);
		result.fullCpuMs.push((cpu.user + cpu.system) / 1000);
		result.htmlPages = plan.stats.htmlFiles;
		result.files = files.length;
		result.signatureChecks = verifier.stats().signatureChecks;
		valid = verdict.valid;

		// The same pass with the signatures checked on worker threads (a cold verifier too).
		t0 = performance.now();
		const threaded = createThreadVerifier({ threads: 2 });
		const again = await verifyEntries({ countryId: country.country, entries, verifier: threaded });
		if (again.invalid.length) throw new Error(`${again.invalid.length} records invalid`);
		const v1 = performance.now();
		renderPlan(
			check(
				planSite({ country: deriveCountry(country.country, again.valid), baseUrl: options.baseUrl })
			)
		);
		result.threadsVerifyMs.push(v1 - t0);
		result.threadsMs.push(performance.now() - t0);
		threaded.destroy();
		verifier.destroy();
	}

	// Onto disk, then one new post at a time.
	const dir = await mkdtemp(join(tmpdir(), 'webocracy-site-bench-'));
	try {
		const writer = createSiteWriter({ outDir: join(dir, 'site') });
		// As the mirror does: one planner beside the writer, for every pass.
		const planner = createSitePlanner();
		let t0 = performance.now();
		const first = check(
			planner.plan({ country: deriveCountry(country.country, valid), baseUrl: options.baseUrl })
		);
		await writer.write(first);
		result.firstWriteMs = performance.now() - t0;

		const baselineDir = join(dir, 'baseline');
		await mkdir(baselineDir, { recursive: true });
		const held = new Map(valid.map((r) => [r.id, r]));
		// Verified once: the keys of the authors, as a mirror holds them.
		const keyOf = new Map<string, string>();
		for (const r of valid) {
			if (r.record.kind === 'citizen') keyOf.set(r.record.author, r.record.body.publicKey);
		}
		for (let run = 0; run < options.incrementalRuns; run++) {
			// The same new post each run (signing needs the keys, which are not kept): it is taken
			// out again first, and a fresh verifier checks its signature every time.
			held.delete(country.newPost.id);
			const before = deriveCountry(country.country, held.values());
			await writer.write(check(planner.plan({ country: before, baseUrl: options.baseUrl })));

			const verifier = createVerifier({ useWorkers: false, crypto: nodeCrypto });
			const cpu0 = process.cpuUsage();
			t0 = performance.now();
			const parsed = parseEntry(country.newPost.id, country.newPost.entry);
			if (!parsed.ok) throw new Error(parsed.message);
			const checked = await verifier.verify(parsed.value, keyOf.get(parsed.value.record.author)!);
			if (!checked.ok) throw new Error(checked.message);
			held.set(checked.value.id, checked.value);
			const t1 = performance.now();
			// As the mirror's record store does for a few new records (src/lib/sync/record-store.ts):
			// the last view extended, not every record derived again.
			const view = extendCountry(before, held.values(), [checked.value]);
			const t2 = performance.now();
			const plan = check(planner.plan({ country: view, baseUrl: options.baseUrl }));
			const t3 = performance.now();
			const report = await writer.write(plan);
			const t4 = performance.now();
			const cpu = process.cpuUsage(cpu0);
			result.incrementalMs.push(t4 - t0);
			result.incrementalParts.push({
				verifyMs: t1 - t0,
				deriveMs: t2 - t1,
				planMs: t3 - t2,
				writeMs: t4 - t3,
				renderMs: report.renderMs,
				cpuMs: (cpu.user + cpu.system) / 1000
			});
			result.incrementalWritten = report.written;
			result.incrementalRendered = report.rendered;
			verifier.destroy();

			t0 = performance.now();
			const record = JSON.parse((country.newPost.entry as SignedEntry).record) as AnyRecord;
			if (record.kind !== 'post') throw new Error('not a post');
			await writeFile(
				join(baselineDir, `${country.newPost.id}.html`),
				minimalPage(md, record.body.title, record.body.body)
			);
			result.incrementalBaselineMs.push(performance.now() - t0);
		}
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
	return result;
}
