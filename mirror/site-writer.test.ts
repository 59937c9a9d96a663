import {
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
	mkdirSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCountry } from '../src/lib/model/fixtures/content';
import { postRecord } from '../src/lib/model/fixtures/posts';
import { person, verified } from '../src/lib/model/fixtures/records';
import { retractionRecord } from '../src/lib/model/fixtures/content';
import type { Verified } from '../src/lib/model/verified';
import fc from 'fast-check';
import { inputsOf, steps } from '../src/lib/site/fixtures-changes';
import { createSitePlanner, planSite, renderSite, type SitePlan } from '../src/lib/site/index';
import { createSiteWriter, MANIFEST_NAME } from './site-writer';

const ada = person('Ada');
const bo = person('Bo');
const country = openCountry(ada, [bo]);
const T0 = Date.UTC(2026, 10, 1);

const post = (by: typeof ada, i: number, tags: string[] = ['news']) =>
	verified(postRecord(country.id, { by, at: T0 + i * 1000, title: `Post ${i}`, tags }));

function plan(...records: Verified[]): SitePlan {
	const result = planSite({ country: country.derive(...records), baseUrl: 'https://x.example/' });
	if (!result.ok) throw new Error(result.message);
	return result.value;
}

/** Every file under dir, relative, sorted. */
function tree(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((name) => statSync(join(dir, name)).isFile())
		.map((name) => name.split('\\').join('/'))
		.sort();
}

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'webocracy-site-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createSiteWriter', () => {
	const first = post(ada, 1);
	const second = post(bo, 2, ['library']);

	it('writes every file of a plan, and the manifest beside them', async () => {
		const site = plan(first);
		const report = await createSiteWriter({ outDir: join(dir, 'out') }).write(site);
		expect(report.written).toBe(site.files.length);
		expect(tree(join(dir, 'out'))).toEqual(
			[MANIFEST_NAME, ...site.files.map((f) => f.path)].sort()
		);
		const index = site.files.find((f) => f.path === 'index.html')!;
		expect(readFileSync(join(dir, 'out/index.html'), 'utf8')).toBe(index.render());
	});

	it('renders and writes nothing when nothing changed, also after a restart', async () => {
		const writer = createSiteWriter({ outDir: dir });
		await writer.write(plan(first));
		const again = await writer.write(plan(first));
		expect(again).toMatchObject({ rendered: 0, written: 0, removed: 0 });
		const restarted = await createSiteWriter({ outDir: dir }).write(plan(first));
		expect(restarted).toMatchObject({ rendered: 0, written: 0, removed: 0 });
	});

	it('after one new post, rewrites only the files it shows up in', async () => {
		const writer = createSiteWriter({ outDir: dir });
		await writer.write(plan(first));
		const before = statSync(join(dir, `posts/${first.id}.html`)).mtimeMs;
		const report = await writer.write(plan(first, second));
		expect(report.writtenPaths).toEqual(
			[
				'feed.xml',
				'index.html',
				'sitemap-pages.xml',
				'sitemap-posts-1.xml',
				'tags.html',
				`blogs/${bo.fingerprint}.html`,
				`posts/${second.id}.html`,
				`records/${second.id}.sig`,
				`records/${second.id}.txt`,
				'tags/library.html'
			].sort()
		);
		expect(statSync(join(dir, `posts/${first.id}.html`)).mtimeMs).toBe(before);
	});

	it('removes files that left the site', async () => {
		const writer = createSiteWriter({ outDir: dir });
		await writer.write(plan(first, second));
		const retraction = verified(
			retractionRecord(country.id, { by: bo, at: T0 + 9000, post: second })
		);
		const report = await writer.write(plan(first, second, retraction));
		expect(report.removedPaths).toEqual(
			[
				`posts/${second.id}.html`,
				`records/${second.id}.sig`,
				`records/${second.id}.txt`,
				'tags/library.html'
			].sort()
		);
		expect(existsSync(join(dir, `posts/${second.id}.html`))).toBe(false);
		expect(existsSync(join(dir, 'tags/news.html'))).toBe(true);
	});

	it('removes a directory the site no longer uses', async () => {
		const writer = createSiteWriter({ outDir: dir });
		await writer.write(plan(second));
		expect(existsSync(join(dir, 'tags/library.html'))).toBe(true);
		const retraction = verified(
			retractionRecord(country.id, { by: bo, at: T0 + 9000, post: second })
		);
		await writer.write(plan(second, retraction));
		expect(existsSync(join(dir, 'tags'))).toBe(false);
		expect(existsSync(join(dir, 'posts'))).toBe(false);
		expect(existsSync(join(dir, 'tags.html'))).toBe(true);
	});

	it('after a crash (no manifest, stray and temporary files), makes the directory whole', async () => {
		await createSiteWriter({ outDir: dir }).write(plan(first, second));
		rmSync(join(dir, MANIFEST_NAME));
		writeFileSync(join(dir, 'posts', `${'0'.repeat(64)}.html`), 'a post that left the site');
		writeFileSync(join(dir, 'posts', '.abc.webocracy-tmp'), 'half a page');
		writeFileSync(join(dir, 'index.html'), 'half a front page');
		// Not ours: the operator's own files stay.
		mkdirSync(join(dir, 'app'));
		writeFileSync(join(dir, 'app', 'index.js'), 'app');
		writeFileSync(join(dir, 'favicon.ico'), 'icon');
		const site = plan(first, second);
		const report = await createSiteWriter({ outDir: dir }).write(site);
		expect(report.writtenPaths).toEqual(['index.html']);
		expect(report.removedPaths).toEqual(
			[`posts/${'0'.repeat(64)}.html`, 'posts/.abc.webocracy-tmp'].sort()
		);
		expect(tree(dir)).toEqual(
			[MANIFEST_NAME, 'app/index.js', 'favicon.ico', ...site.files.map((f) => f.path)].sort()
		);
	});

	it('after a crash, also empties a directory the plan no longer uses at all', async () => {
		await createSiteWriter({ outDir: dir }).write(plan(second));
		const retraction = verified(
			retractionRecord(country.id, { by: bo, at: T0 + 9000, post: second })
		);
		rmSync(join(dir, MANIFEST_NAME));
		writeFileSync(join(dir, '.webocracy-site.7.journal'), '+\tindex.html\tstale\n');
		const report = await createSiteWriter({ outDir: dir }).write(plan(second, retraction));
		expect(report.removedPaths).toContain('tags/library.html');
		expect(report.removedPaths).toContain('.webocracy-site.7.journal');
		expect(existsSync(join(dir, 'tags'))).toBe(false);
	});

	it('leaves the old file whole when rendering fails, and no temporary file behind', async () => {
		const writer = createSiteWriter({ outDir: dir });
		const site = plan(first);
		await writer.write(site);
		const old = readFileSync(join(dir, 'index.html'), 'utf8');
		const broken: SitePlan = {
			...site,
			files: site.files.map((f) =>
				f.path === 'index.html'
					? {
							...f,
							key: 'changed',
							render: () => {
								throw new Error('render failed');
							}
						}
					: f
			)
		};
		await expect(writer.write(broken)).rejects.toThrow('render failed');
		expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(old);
		expect(tree(dir).filter((p) => p.includes('webocracy-tmp'))).toEqual([]);
		// The journal marked index.html unknown before the pass touched it: a restart re-checks
		// it (renders and compares) and finds the disk right.
		const restarted = await createSiteWriter({ outDir: dir }).write(site);
		expect(restarted).toMatchObject({ rendered: 1, written: 0 });
		expect((await writer.write(site)).written).toBe(0);
	});

	it('keeps its keys across restarts through the journal and its compaction', async () => {
		const records = [first];
		const writer = createSiteWriter({ outDir: dir, compactAfter: 40 });
		for (let i = 3; i < 12; i++) {
			records.push(post(i % 2 ? ada : bo, i));
			await writer.write(plan(...records));
		}
		const files = readdirSync(dir).filter((name) => name.startsWith('.webocracy-site'));
		expect(files).toContain(MANIFEST_NAME);
		expect(files.filter((name) => name.endsWith('.journal')).length).toBeLessThanOrEqual(1);
		expect(JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')).generation).toBeGreaterThan(
			1
		);
		// A line cut short by a crash is ignored.
		const journal = files.find((name) => name.endsWith('.journal'));
		if (journal) writeFileSync(join(dir, journal), '+\tindex.html', { flag: 'a' });
		const restarted = await createSiteWriter({ outDir: dir }).write(plan(...records));
		expect(restarted).toMatchObject({ rendered: 0, written: 0, removed: 0 });
	});

	it('refuses a path that would leave the directory', async () => {
		const site = plan(first);
		for (const path of ['../evil.html', '/etc/passwd', 'a//b', 'a\\b', 'posts/./x']) {
			const evil: SitePlan = { ...site, files: [{ path, key: 'k', render: () => 'x' }] };
			await expect(createSiteWriter({ outDir: dir }).write(evil)).rejects.toThrow(/unsafe path/);
		}
		expect(existsSync(join(dir, '..', 'evil.html'))).toBe(false);
	});

	it('never removes a file outside the directory that a tampered manifest names', async () => {
		const outDir = join(dir, 'site');
		const site = plan(first);
		await createSiteWriter({ outDir }).write(site);
		writeFileSync(join(dir, 'precious.txt'), 'keep me');
		const manifest = JSON.parse(readFileSync(join(outDir, MANIFEST_NAME), 'utf8'));
		manifest.files['../precious.txt'] = 'k';
		writeFileSync(join(outDir, MANIFEST_NAME), JSON.stringify(manifest));
		const report = await createSiteWriter({ outDir }).write(site);
		expect(report.removed).toBe(0);
		expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
	});

	it('runs passes one at a time', async () => {
		const writer = createSiteWriter({ outDir: dir });
		const [a, b] = await Promise.all([
			writer.write(plan(first)),
			writer.write(plan(first, second))
		]);
		expect(a.written).toBeGreaterThan(0);
		expect(b.writtenPaths).toContain(`posts/${second.id}.html`);
		expect(tree(dir)).toContain(`posts/${second.id}.html`);
	});

	it('writes a plan from its changes only after writing the plan they are from', async () => {
		const third = post(ada, 3, ['budget']);
		const outDir = join(dir, 'out');
		const planner = createSitePlanner();
		const writer = createSiteWriter({ outDir, durable: false });
		const planOf = (...records: Verified[]) => {
			const result = planner.plan({
				country: country.derive(...records),
				baseUrl: 'https://x.example/'
			});
			if (!result.ok) throw new Error(result.message);
			return result.value;
		};
		const expectSite = (records: Verified[]) => {
			const full = renderSite({
				country: country.derive(...records),
				baseUrl: 'https://x.example/'
			});
			if (!full.ok) throw new Error(full.message);
			expect(tree(outDir).filter((p) => !p.startsWith('.webocracy-site'))).toEqual(
				full.value.map((f) => f.path).sort()
			);
			for (const f of full.value) {
				expect(readFileSync(join(outDir, f.path)).equals(Buffer.from(f.content)), f.path).toBe(
					true
				);
			}
		};
		await writer.write(planOf(first, second));
		// Planned from the plan just written: its changes are all the writer looks at.
		const withThird = planOf(first, second, third);
		expect(withThird.changes?.files.length).toBeGreaterThan(0);
		const report = await writer.write(withThird);
		expect(report.rendered).toBeLessThanOrEqual(withThird.changes!.files.length);
		expectSite([first, second, third]);
		// A plan the writer never saw (a fourth post): the next one's changes are from it, so
		// the writer compares every file instead — the fourth post's page included.
		const fourth = post(bo, 4, ['news']);
		planOf(first, second, third, fourth);
		const retracted = verified(
			retractionRecord(country.id, { by: ada, at: T0 + 9000, post: first })
		);
		const last = planOf(first, second, third, fourth, retracted);
		expect(last.changes).toBeDefined();
		expect(last.changes!.files.map((f) => f.path)).not.toContain(`posts/${fourth.id}.html`);
		const after = await writer.write(last);
		expect(after.removedPaths).toContain(`posts/${first.id}.html`);
		expectSite([first, second, third, fourth, retracted]);
	});

	it('leaves, after any sequence of changes, exactly the files a full render makes', async () => {
		let run = 0;
		await fc.assert(
			fc.asyncProperty(steps, async (list) => {
				// As the mirror renders: one planner and one writer for every change.
				const outDir = join(dir, `run-${run++}`);
				const planner = createSitePlanner();
				const writer = createSiteWriter({ outDir, durable: false });
				for (const input of inputsOf(list)) {
					const planned = planner.plan(input);
					if (!planned.ok) throw new Error(planned.message);
					await writer.write(planned.value);
					const full = renderSite(input);
					if (!full.ok) throw new Error(full.message);
					// Beside the site: the writer's snapshot and journal of keys.
					expect(tree(outDir).filter((p) => !p.startsWith('.webocracy-site'))).toEqual(
						full.value.map((f) => f.path).sort()
					);
					for (const file of full.value) {
						expect(
							readFileSync(join(outDir, file.path)).equals(Buffer.from(file.content)),
							file.path
						).toBe(true);
					}
				}
			}),
			{ seed: 20261203, numRuns: 25 }
		);
	});
});
