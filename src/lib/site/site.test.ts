import fc from 'fast-check';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deriveCountry } from '../model/country';
import { checkHtml } from '../render/check-html';
import { xssPayloads } from '../render/test-fixtures';
import { brokenLinks, checkPage, decodeEntities } from './check-site';
import { ada, bo, cy, dailyPosts, di, payloadCountry, siteCases } from './fixtures';
import { CONTENT_SECURITY_POLICY } from './html';
import { planSite, renderSite } from './plan';
import type { SiteFile, SiteInput } from './types';

const goldenDir = fileURLToPath(new URL('./golden', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function render(input: SiteInput): SiteFile[] {
	const result = renderSite(input);
	if (!result.ok) throw new Error(result.message);
	return result.value;
}

const text = (file: SiteFile | undefined): string => {
	if (!file || typeof file.content !== 'string') throw new Error('expected a text file');
	return file.content;
};
/** Files a browser or feed reader reads as markup (records and keys are plain text). */
const isMarkup = (path: string) => /\.(html|xml|css)$/.test(path);
const byPath = (files: SiteFile[], path: string) => files.find((f) => f.path === path);
const bytes = (content: string | Uint8Array) =>
	typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);

function filesUnder(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((name) => statSync(join(dir, name)).isFile())
		.map((name) => relative(dir, join(dir, name)).split('\\').join('/'))
		.sort();
}

describe('golden sites (adding a case is adding a fixture in fixtures.ts)', () => {
	it.each(siteCases())('$name', ({ name, input }) => {
		const files = render(input);
		const dir = join(goldenDir, name);
		if (update) {
			rmSync(dir, { recursive: true, force: true });
			for (const file of files) {
				mkdirSync(dirname(join(dir, file.path)), { recursive: true });
				writeFileSync(join(dir, file.path), file.content);
			}
		}
		expect(filesUnder(dir), 'golden files missing: run UPDATE_GOLDEN=1 and read them').toEqual(
			files.map((f) => f.path).sort()
		);
		expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
		for (const file of files) {
			expect(bytes(file.content).equals(readFileSync(join(dir, file.path))), file.path).toBe(true);
		}
	});
});

describe('every site', () => {
	const cases = [...siteCases(), { name: 'payload', input: payloadCountry('<b>bold</b>') }];

	it.each(cases)('$name: no script, a CSP on every page, allowed tags only', ({ input }) => {
		for (const file of render(input)) {
			// records/*.txt are the exact signed bytes, served as plain text: not markup.
			if (typeof file.content !== 'string' || !isMarkup(file.path)) continue;
			expect(file.content, file.path).not.toMatch(/<\s*script/i);
			if (!file.path.endsWith('.html')) continue;
			expect(file.content).toContain(
				`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`
			);
			expect(checkPage(file.content), file.path).toEqual([]);
		}
		expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
		expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src/);
	});

	it.each(cases)('$name: every internal link leads to a file of the site', ({ input }) => {
		expect(brokenLinks(render(input))).toEqual([]);
	});

	it.each(cases)('$name: rendering twice gives the same bytes', ({ input }) => {
		const a = render(input);
		const b = render(input);
		expect(b.map((f) => f.path)).toEqual(a.map((f) => f.path));
		b.forEach((f, i) => expect(bytes(f.content).equals(bytes(a[i]!.content))).toBe(true));
	});
});

describe('what the site shows', () => {
	const blog = siteCases().find((c) => c.name === 'blog')!.input;
	const files = render(blog);
	const posts = files.filter((f) => f.path.startsWith('posts/'));

	it('has a page per post that is not retracted, with author, fingerprint and record links', () => {
		expect(posts).toHaveLength(3);
		const html = posts.map(text).join('\n');
		expect(html).not.toContain('A hasty post'); // retracted
		const library = posts.map(text).find((h) => h.includes('Library hours (corrected)'))!;
		expect(library).toContain('>Bo</a>');
		expect(library).toContain(bo.fingerprint.toUpperCase().slice(0, 4));
		expect(library).toMatch(/href="\.\.\/records\/[0-9a-f]{64}\.txt"/);
		expect(library).toMatch(/href="\.\.\/keys\/[0-9a-f]{40}\.asc"/);
		expect(library).toContain('<h2 id="revisions">Revisions</h2>');
	});

	it('publishes each shown record as its exact text and its signature bytes', () => {
		for (const r of blog.country.valid.values()) {
			const txt = byPath(files, `records/${r.id}.txt`);
			if (!txt) continue;
			expect(txt.content).toBe(r.text);
			const sig = byPath(files, `records/${r.id}.sig`)!;
			expect(Buffer.from(sig.content).toString('base64')).toBe(r.signature);
		}
		const published = files.filter((f) => f.path.endsWith('.txt')).map((f) => text(f));
		expect(published.some((t) => t.includes('A hasty post'))).toBe(false);
		expect(byPath(files, `keys/${ada.fingerprint}.asc`)?.content).toBe(ada.key);
	});

	it('puts featured posts before the latest on the front page, skipping unknown ids', () => {
		const front = text(byPath(files, 'index.html'));
		expect(front.indexOf('Featured')).toBeLessThan(front.indexOf('Latest posts'));
		const featured = front.slice(front.indexOf('Featured'), front.indexOf('Latest posts'));
		expect(featured).toContain('Library hours (corrected)');
		expect(featured.match(/<li>/g)).toHaveLength(1);
	});

	it('notes a page with two heads and shows the newest', () => {
		const rules = text(byPath(files, 'pages/rules.html'));
		expect(rules).toContain('This page has 2 versions');
		expect(rules).toContain('Read.');
		expect(text(byPath(files, 'pages/about.html'))).not.toContain('class="note"');
	});

	it('makes tag pages for current tags only, with non-ASCII tags linked percent-encoded', () => {
		expect(files.filter((f) => f.path.startsWith('tags/')).map((f) => f.path)).toEqual([
			'tags/assembly.html',
			'tags/café.html',
			'tags/library.html',
			'tags/welcome.html'
		]);
		expect(text(byPath(files, 'tags.html'))).toContain('href="tags/caf%C3%A9.html"');
	});

	it('writes a sitemap with absolute URLs, a feed and a 404 page linked from the root', () => {
		const map = text(byPath(files, 'sitemap.xml'));
		expect(map).toContain('<loc>https://fwr.example/index.html</loc>');
		expect(map).not.toContain('404.html');
		const feed = text(byPath(files, 'feed.xml'));
		expect(feed.match(/<entry>/g)).toHaveLength(3);
		expect(feed).toContain(
			'<link rel="alternate" type="text/html" href="https://fwr.example/posts/'
		);
		expect(text(byPath(files, '404.html'))).toContain('href="/style.css"');
	});

	it('leaves out sitemap and robots.txt without a base URL; feed links are then relative', () => {
		const plain = render({ ...blog, baseUrl: undefined });
		expect(byPath(plain, 'sitemap.xml')).toBeUndefined();
		expect(byPath(plain, 'robots.txt')).toBeUndefined();
		expect(text(byPath(plain, 'feed.xml'))).toContain('href="posts/');
	});

	it('refuses a base URL that is not absolute http(s), with a clear message', () => {
		for (const baseUrl of ['fwr.example', 'ftp://fwr.example/', 'https://x.example/?q=1']) {
			const result = planSite({ ...blog, baseUrl });
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.code).toBe('base_url_invalid');
		}
		const sub = planSite({ ...blog, baseUrl: 'https://x.example/fwr' });
		expect(sub.ok).toBe(true);
	});

	it('refuses a country without its genesis', () => {
		const result = planSite({ country: deriveCountry('0'.repeat(64), []) });
		expect(result).toMatchObject({ ok: false, code: 'country_empty' });
	});

	it('applies global filters: hidden authors and records appear nowhere', () => {
		const filtered = render(siteCases().find((c) => c.name === 'filtered')!.input);
		const all = filtered.map((f) => Buffer.from(f.content).toString('latin1')).join('\n');
		expect(all).not.toContain('Budget 2027'); // Cy's post
		expect(all).not.toContain('Library hours'); // the hidden post, every revision
		expect(all).not.toContain('Read.'); // Cy's page revision: rules has one head again
		expect(filtered.some((f) => f.path.includes(bo.fingerprint))).toBe(true);
	});
});

describe('the country’s own governance (no site input but the country)', () => {
	const input = siteCases().find((c) => c.name === 'government')!.input;
	const files = render(input);
	const all = files.map((f) => Buffer.from(f.content).toString('latin1')).join('\n');
	const government = text(byPath(files, 'government.html'));

	it('[S2] leaves a banned author out of every page, list, tag, feed, sitemap and key', () => {
		expect(all).not.toContain('Cheap watches'); // Cy's post, in any file
		expect(files.some((f) => f.path.includes(cy.fingerprint))).toBe(false);
		expect(byPath(files, 'tags/deals.html')).toBeUndefined(); // only Cy used it
		expect(text(byPath(files, 'tags/harbour.html')).match(/<li>/g)).toHaveLength(1);
		expect(text(byPath(files, 'feed.xml')).match(/<entry>/g)).toHaveLength(2);
		expect(text(byPath(files, 'sitemap.xml'))).not.toContain(cy.fingerprint);
		expect(text(byPath(files, 'citizens.html'))).not.toContain('>Cy<');
		// A ban that was lifted hides nothing.
		expect(byPath(files, `blogs/${di.fingerprint}.html`)).toBeDefined();
	});

	it('adds a caller’s hidden authors to the banned ones', () => {
		const more = render({ ...input, hiddenAuthors: new Set([di.fingerprint]) });
		expect(more.some((f) => f.path.includes(cy.fingerprint))).toBe(false);
		expect(more.some((f) => f.path.includes(di.fingerprint))).toBe(false);
	});

	it('features what the leaders feature now, skipping a banned author’s post', () => {
		const front = text(byPath(files, 'index.html'));
		const featured = front.slice(front.indexOf('Featured'), front.indexOf('Latest posts'));
		expect(featured).toContain('Harbour plans');
		expect(featured.match(/<li>/g)).toHaveLength(1);
	});

	it('shows the constitution, the term and leaders, certified elections and the filter log', () => {
		expect(government).toContain('<dt>Seats</dt><dd>2 leaders');
		expect(government).toContain('<dt>Term</dt><dd>30 days</dd>');
		expect(government).toMatch(/Term 2: <time datetime="2026-12-01T09:00:00.000Z">/);
		const leaders = government.slice(
			government.indexOf('<h2>Leaders'),
			government.indexOf('<h2>Past')
		);
		expect(leaders).toContain('>Bo</a>');
		expect(leaders).toContain('>Ada</a>');
		expect(government).toContain('<h3>Election for term 2</h3>');
		expect(government).toContain('4 ballots counted');
		expect(government).toMatch(/<td>[^\n]*>Bo<\/a> <strong>elected<\/strong><\/td><td>3<\/td>/);
		expect(government).toContain('Advertising, again and again.');
		expect(government).toContain('It was a test.');
		// The log links to each signed filter, and the election to its certified result.
		const linked = [...government.matchAll(/href="(records\/[0-9a-f]{64}\.txt)"/g)].map(
			(m) => m[1]
		);
		expect(linked).toHaveLength(4);
		for (const path of linked) expect(byPath(files, path!)).toBeDefined();
	});

	it('links the government page from every page', () => {
		for (const f of files.filter((f) => f.path.endsWith('.html') && f.path !== '404.html')) {
			expect(text(f), f.path).toMatch(/href="(\.\.\/)*government\.html"/);
		}
	});
});

describe('lists in pages', () => {
	it('cuts a blog and a tag into pages of 20 by default, linked by rel prev and next', () => {
		const files = render(dailyPosts(41));
		const blog = (n: number) =>
			byPath(
				files,
				n === 1 ? `blogs/${ada.fingerprint}.html` : `blogs/${ada.fingerprint}/page/${n}.html`
			);
		const tag = (n: number) =>
			byPath(files, n === 1 ? 'tags/daily.html' : `tags/daily/page/${n}.html`);
		for (const page of [blog, tag]) {
			expect(page(4)).toBeUndefined();
			const [first, second, third] = [1, 2, 3].map((n) => text(page(n)));
			expect(first!.match(/<li>\n/g)).toHaveLength(20);
			expect(second!.match(/<li>\n/g)).toHaveLength(20);
			expect(third!.match(/<li>\n/g)).toHaveLength(1);
			// Newest first: Day 41 opens page 1, Day 21 closes page 1... Day 1 is alone on page 3.
			expect(first).toContain('>Day 41</a>');
			expect(third).toContain('>Day 1</a>');
			expect(first).not.toContain('rel="prev"');
			expect(first).toMatch(/<link rel="next" href="[^"]*\/page\/2\.html">/);
			expect(second).toMatch(/<link rel="prev" href="[^"]*(daily|[0-9a-f]{40})\.html">/);
			expect(second).toMatch(/<link rel="next" href="[^"]*\/page\/3\.html">/);
			expect(third).not.toContain('rel="next"');
			expect(second).toContain('Page 2 of 3');
		}
		// The front page shows the latest 20 and says where the older ones are.
		const front = text(byPath(files, 'index.html'));
		expect(front.match(/<li>\n/g)).toHaveLength(20);
		expect(front).toContain('Older posts are on each citizen’s blog');
		expect(text(byPath(render(dailyPosts(20)), 'index.html'))).not.toContain('Older posts');
		const map = text(byPath(files, 'sitemap.xml'));
		expect(map).toContain(`<loc>https://fwr.example/blogs/${ada.fingerprint}/page/3.html</loc>`);
		expect(map).toContain('<loc>https://fwr.example/tags/daily/page/2.html</loc>');
	});

	it('keeps each post on exactly one page of its blog, for any page size', () => {
		const input = dailyPosts(7);
		for (const pageSize of [1, 2, 3, 7, 8]) {
			const files = render({ ...input, pageSize });
			const pages = files.filter((f) => f.path.startsWith(`blogs/${ada.fingerprint}`));
			expect(pages).toHaveLength(Math.ceil(7 / pageSize));
			const titles = pages.flatMap((p) =>
				[...text(p).matchAll(/>(Day \d+)<\/a>/g)].map((m) => m[1])
			);
			expect(titles.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `Day ${i + 1}`).sort());
		}
	});

	it('a new post changes the keys of every page of its blog, and only of that blog', () => {
		const a = planSite({ ...dailyPosts(5), pageSize: 2 });
		const b = planSite({ ...dailyPosts(6), pageSize: 2 });
		if (!a.ok || !b.ok) throw new Error('plan failed');
		const keys = (plan: typeof a) =>
			new Map(plan.ok ? plan.value.files.map((f) => [f.path, f.key]) : []);
		const [before, after] = [keys(a), keys(b)];
		const blogPaths = [...after.keys()].filter((p) => p.startsWith(`blogs/${ada.fingerprint}`));
		expect(blogPaths).toHaveLength(3);
		for (const path of blogPaths) expect(after.get(path)).not.toBe(before.get(path));
		// The government page shows the term as of the newest record, but not that time.
		expect(after.get('government.html')).toBe(before.get('government.html'));
		expect(after.get(`blogs/${bo.fingerprint}.html`)).toBe(
			before.get(`blogs/${bo.fingerprint}.html`)
		);
	});
});

describe('dependency keys', () => {
	const blog = siteCases().find((c) => c.name === 'blog')!.input;

	it('stay the same when nothing changed, whatever order the records came in', () => {
		fc.assert(
			fc.property(
				fc.shuffledSubarray([...blog.country.valid.values()], {
					minLength: blog.country.valid.size
				}),
				(records) => {
					const shuffled = deriveCountry(blog.country.id, records);
					const a = planSite(blog);
					const b = planSite({ ...blog, country: shuffled });
					if (!a.ok || !b.ok) throw new Error('plan failed');
					expect(b.value.files.map((f) => [f.path, f.key])).toEqual(
						a.value.files.map((f) => [f.path, f.key])
					);
				}
			),
			{ numRuns: 20 }
		);
	});

	it('change for exactly the files a new post shows up in', () => {
		const before = planSite(blog);
		const names = new Map([...blog.country.citizens].map((c) => [c.fingerprint, c.name]));
		const renamed = planSite({
			...blog,
			country: {
				...blog.country,
				citizens: blog.country.citizens.map((c) =>
					c.fingerprint === bo.fingerprint ? { ...c, name: 'Bo the Second' } : c
				)
			}
		});
		void names;
		if (!before.ok || !renamed.ok) throw new Error('plan failed');
		const changed = renamed.value.files
			.filter((f, i) => before.value.files[i]!.key !== f.key)
			.map((f) => f.path);
		expect(changed).toContain(`blogs/${bo.fingerprint}.html`);
		expect(changed).not.toContain(`blogs/${ada.fingerprint}.html`);
		expect(changed).not.toContain('style.css');
	});
});

describe('XSS corpus through every field', () => {
	it.each(xssPayloads())('$name renders inert in every file', ({ payload }) => {
		const files = render(payloadCountry(payload));
		for (const file of files) {
			// records/*.txt are the exact signed bytes, served as plain text: not markup.
			if (typeof file.content !== 'string' || !isMarkup(file.path)) continue;
			expect(file.content, file.path).not.toMatch(/<\s*script/i);
			if (file.path.endsWith('.html')) expect(checkPage(file.content), file.path).toEqual([]);
		}
		// A feed reader decodes the XML once: what it gets must pass the renderer's checker.
		const feed = text(byPath(files, 'feed.xml'));
		for (const [, html] of feed.matchAll(/<content type="html">([\s\S]*?)<\/content>/g)) {
			expect(checkHtml(decodeEntities(html!))).toEqual([]);
		}
	});
});
