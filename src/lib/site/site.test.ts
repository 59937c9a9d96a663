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
/** The sitemap's parts (not its index), one after the other. */
const sitemapTexts = (files: SiteFile[]) =>
	files
		.filter((f) => f.path.startsWith('sitemap-'))
		.map(text)
		.join('\n');
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
		const map = text(byPath(files, 'sitemap-pages.xml'));
		expect(map).toContain('<loc>https://fwr.example/index.html</loc>');
		expect(map).not.toContain('404.html');
		const feed = text(byPath(files, 'feed.xml'));
		expect(feed.match(/<entry>/g)).toHaveLength(3);
		expect(feed).toContain(
			'<link rel="alternate" type="text/html" href="https://fwr.example/posts/'
		);
		expect(text(byPath(files, '404.html'))).toContain('href="/style.css"');
	});

	it('splits the sitemap into parts whose posts stay put as posts arrive', () => {
		const site = (count: number) => render({ ...dailyPosts(count), sitemapChunk: 3 });
		const seven = site(7);
		const index = text(byPath(seven, 'sitemap.xml'));
		const parts = ['sitemap-pages.xml', ...[1, 2, 3].map((n) => `sitemap-posts-${n}.xml`)];
		expect(index).toMatch(
			/^<\?xml [^\n]*\n<sitemapindex xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">\n/
		);
		expect(
			[...index.matchAll(/<sitemap><loc>https:\/\/fwr\.example\/([^<]+)<\/loc>/g)].map((m) => m[1])
		).toEqual(parts);
		expect(
			seven
				.filter((f) => f.path.startsWith('sitemap-'))
				.map((f) => f.path)
				.sort()
		).toEqual(parts);
		// Every HTML page but 404.html is in exactly one part, each part a urlset.
		const locs: string[] = [];
		for (const path of parts) {
			const part = text(byPath(seven, path));
			expect(part).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
			for (const m of part.matchAll(/<loc>https:\/\/fwr\.example\/([^<]+)<\/loc>/g))
				locs.push(m[1]!);
		}
		const pages = seven.filter((f) => f.path.endsWith('.html') && f.path !== '404.html');
		expect(locs.sort()).toEqual(pages.map((f) => f.path).sort());
		// Oldest posts first: day 1 to 3 in the first part, day 7 alone in the last.
		const first = text(byPath(seven, 'sitemap-posts-1.xml'));
		expect(first.match(/<url>/g)).toHaveLength(3);
		expect(first).toMatch(/<lastmod>\d{4}-\d\d-\d\d<\/lastmod>/);
		expect(text(byPath(seven, 'sitemap-posts-3.xml')).match(/<url>/g)).toHaveLength(1);
		// A new post changes the last part and the index's date for it, nothing before it.
		const eight = site(8);
		for (const path of ['sitemap-posts-1.xml', 'sitemap-posts-2.xml']) {
			expect(text(byPath(eight, path))).toBe(text(byPath(seven, path)));
		}
		expect(text(byPath(eight, 'sitemap-posts-3.xml'))).not.toBe(
			text(byPath(seven, 'sitemap-posts-3.xml'))
		);
		expect(text(byPath(eight, 'sitemap-posts-3.xml')).match(/<url>/g)).toHaveLength(2);
	});

	it('leaves out sitemap and robots.txt without a base URL; feed links are then relative', () => {
		const plain = render({ ...blog, baseUrl: undefined });
		expect(byPath(plain, 'sitemap.xml')).toBeUndefined();
		expect(byPath(plain, 'robots.txt')).toBeUndefined();
		expect(plain.some((f) => f.path.startsWith('sitemap'))).toBe(false);
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
		expect(sitemapTexts(files)).toContain('<loc>https://');
		expect(sitemapTexts(files)).not.toContain(cy.fingerprint);
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
	const blogAt = (n: number) =>
		n === 0 ? `blogs/${ada.fingerprint}.html` : `blogs/${ada.fingerprint}/page/${n}.html`;
	const tagAt = (n: number) => (n === 0 ? 'tags/daily.html' : `tags/daily/page/${n}.html`);
	const titles = (html: string) => [...html.matchAll(/>(Day \d+)<\/a>/g)].map((m) => m[1]);
	const days = (from: number, to: number) =>
		Array.from({ length: to - from + 1 }, (_, i) => `Day ${to - i}`);

	it('keeps 20-post archive pages counted from the oldest, linked by rel prev and next', () => {
		const files = render(dailyPosts(65));
		for (const at of [blogAt, tagAt]) {
			expect(byPath(files, at(3))).toBeUndefined();
			const [main, second, first] = [0, 2, 1].map((n) => text(byPath(files, at(n))));
			// The main page has the newest 25 (20 to 39 once there are archives), then 21–40, 1–20.
			expect(titles(main!)).toEqual(days(41, 65));
			expect(titles(second!)).toEqual(days(21, 40));
			expect(titles(first!)).toEqual(days(1, 20));
			expect(main).not.toContain('rel="prev"');
			expect(main).toMatch(/<link rel="next" href="[^"]*\/page\/2\.html">/);
			expect(second).toMatch(/<link rel="prev" href="[^"]*(daily|[0-9a-f]{40})\.html">/);
			expect(second).toMatch(/<link rel="next" href="[^"]*\/page\/1\.html">/);
			expect(second).toContain('<title>');
			expect(second).toMatch(/<title>[^<]* · posts 21–40 · /);
			expect(first).toMatch(/<link rel="prev" href="[^"]*\/page\/2\.html">/);
			expect(first).not.toContain('rel="next"');
		}
		const map = text(byPath(files, 'sitemap-pages.xml'));
		expect(map).toContain(`<loc>https://fwr.example/blogs/${ada.fingerprint}/page/1.html</loc>`);
		expect(map).toContain('<loc>https://fwr.example/tags/daily/page/2.html</loc>');
		// The front page shows the latest 20 and says where the older ones are.
		const front = text(byPath(files, 'index.html'));
		expect(front.match(/<li>\n/g)).toHaveLength(20);
		expect(front).toContain('Older posts are on each citizen’s blog');
		expect(text(byPath(render(dailyPosts(20)), 'index.html'))).not.toContain('Older posts');
	});

	it('keeps each post on exactly one page of its blog, for any page size and count', () => {
		for (const count of [0, 1, 6, 7, 8]) {
			const input = dailyPosts(count);
			for (const pageSize of [1, 2, 3, 7, 8]) {
				const files = render({ ...input, pageSize });
				const pages = files.filter((f) => f.path.startsWith(`blogs/${ada.fingerprint}`));
				expect(pages).toHaveLength(Math.max(1, Math.floor(count / pageSize)));
				const shown = pages.flatMap((p) => titles(text(p)));
				expect(shown.sort()).toEqual(days(1, count).sort());
			}
		}
	});

	it('a new post changes the main page of its blog and tag only; an archive page appears every 20', () => {
		const keys = (count: number) => {
			const plan = planSite(dailyPosts(count));
			if (!plan.ok) throw new Error('plan failed');
			return new Map(plan.value.files.map((f) => [f.path, f.key]));
		};
		const [k65, k66, k80] = [keys(65), keys(66), keys(80)];
		for (const at of [blogAt, tagAt]) {
			expect(k66.get(at(0))).not.toBe(k65.get(at(0)));
			expect(k66.get(at(1))).toBe(k65.get(at(1)));
			expect(k66.get(at(2))).toBe(k65.get(at(2)));
			// At 80, page 3 (41–60) appears: page 2 now links to it, page 1 stays as it was.
			expect(k80.has(at(3))).toBe(true);
			expect(k80.get(at(2))).not.toBe(k65.get(at(2)));
			expect(k80.get(at(1))).toBe(k65.get(at(1)));
		}
		expect(k66.get(`blogs/${bo.fingerprint}.html`)).toBe(k65.get(`blogs/${bo.fingerprint}.html`));
		// The government page shows the term as of the newest record, but not that time.
		expect(k66.get('government.html')).toBe(k65.get('government.html'));
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
