/**
 * The XSS corpus (src/lib/render/fixtures/xss-payloads.json) in a real browser: every payload
 * goes through every field's renderer, and its output is shown in Chromium twice, through
 * `innerHTML` into a live page and as a fresh document (where a `<script>` would run). No
 * dialog may open, no script may set the `window.__xss` sentinel, the page may not navigate,
 * and Chromium's own parse of the output must hold only allowed tags and attributes.
 *
 * The page is a fake https origin served by a route, so relative links resolve as on a real
 * site; every other request is aborted, so nothing leaves the machine and images fail fast.
 */
import { build } from 'vite';
import type { Page } from '@playwright/test';
import { ALLOWED_TAGS, EXTERNAL_REL } from '../../src/lib/render/check-html';
import { escapeHtml, excerpt, renderInline, renderMarkdown } from '../../src/lib/render/markdown';
import { goldenCases, xssPayloads } from '../../src/lib/render/test-fixtures';
import { expect, test } from './fixtures';

const ORIGIN = 'https://render.test';
const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>render</title></head>';
const documentWith = (html: string) => `${PAGE}<body><div id="out">${html}</div></body></html>`;

const FIELDS: Record<string, (text: string) => string> = {
	'renderMarkdown (post and page bodies, threads, messages)': renderMarkdown,
	'renderInline (titles, tags, names)': renderInline,
	'escaped excerpt (lists, feeds, meta descriptions)': (text) => escapeHtml(excerpt(text))
};
const MODES = ['innerHTML', 'fresh document'] as const;
type Mode = (typeof MODES)[number];

type Watch = { dialogs: string[]; errors: string[] };

async function openBlankPage(page: Page): Promise<Watch> {
	const watch: Watch = { dialogs: [], errors: [] };
	page.on('dialog', (dialog) => {
		watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
		dialog.dismiss().catch(() => {});
	});
	page.on('pageerror', (error) => watch.errors.push(error.message));
	await page.route('**/*', (route) =>
		route.request().url() === `${ORIGIN}/`
			? route.fulfill({ contentType: 'text/html', body: documentWith('') })
			: route.abort()
	);
	await page.goto(`${ORIGIN}/`);
	return watch;
}

/**
 * Show `html` in the page one way, let whatever it could trigger happen (images load or fail,
 * two frames render: autofocus, toggle and animation events fire by then), and report.
 */
async function show(page: Page, html: string, mode: Mode) {
	await page.evaluate(() => {
		(window as { __xss?: unknown }).__xss = undefined;
	});
	if (mode === 'innerHTML') {
		await page.evaluate((content) => {
			document.getElementById('out')!.innerHTML = content;
		}, html);
	} else {
		await page.setContent(documentWith(html));
	}
	return page.evaluate(
		async ({ allowed, rel, origin }) => {
			await Promise.all(
				Array.from(document.images, (img) =>
					img.complete
						? null
						: new Promise((settled) => {
								img.addEventListener('load', settled);
								img.addEventListener('error', settled);
							})
				)
			);
			for (let i = 0; i < 2; i++) await new Promise((frame) => requestAnimationFrame(frame));

			const problems: string[] = [];
			const parse = (url: string) => {
				try {
					return new URL(url);
				} catch {
					return { protocol: `unparsable (${url})`, origin: 'none' };
				}
			};
			const out = document.getElementById('out');
			if (!out) return { xss: 'the output container is gone', problems, text: '' };
			for (const el of Array.from(out.querySelectorAll('*'))) {
				const tag = el.localName;
				const names = Object.hasOwn(allowed, tag) ? allowed[tag] : undefined;
				if (!names || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
					problems.push(`element <${tag}> (${el.namespaceURI})`);
					continue;
				}
				for (const { name } of Array.from(el.attributes)) {
					if (!names.includes(name)) problems.push(`<${tag} ${name}>`);
				}
				if (el instanceof HTMLAnchorElement) {
					const written = el.getAttribute('href') ?? '';
					const url = parse(el.href);
					const external = /^[a-z][a-z0-9+.-]*:/i.test(written.trim());
					if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) {
						problems.push(`link to ${url.protocol}`);
					} else if (!external && url.origin !== origin) {
						problems.push(`relative link leaving the site: ${el.href}`);
					}
					if (external && el.rel !== rel) problems.push(`external link rel "${el.rel}"`);
				}
				if (el instanceof HTMLImageElement && !/^https?:$/.test(parse(el.src).protocol)) {
					problems.push(`image from ${el.src}`);
				}
			}
			// Nothing may have escaped the container into the document around it.
			const around = document.querySelectorAll(
				'head > :not(meta[charset], title), body > :not(#out)'
			);
			for (const el of Array.from(around)) problems.push(`<${el.localName}> outside the output`);
			if (location.href !== `${origin}/`) problems.push(`navigated to ${location.href}`);
			return { xss: (window as { __xss?: unknown }).__xss, problems, text: out.textContent ?? '' };
		},
		{ allowed: ALLOWED_TAGS as Record<string, string[]>, rel: EXTERNAL_REL, origin: ORIGIN }
	);
}

const payloads = xssPayloads();

test.describe('XSS corpus in Chromium', () => {
	test('the harness sees a script that runs, a dialog and a forbidden element', async ({
		page
	}) => {
		const watch = await openBlankPage(page);
		const viaImage = await show(page, '<img src="/x.png" onerror="window.__xss=1">', 'innerHTML');
		expect(viaImage.problems).toContain('<img onerror>');
		await expect.poll(() => page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBe(1);
		const viaScript = await show(page, '<script>alert(1)</script>', 'fresh document');
		expect(viaScript.problems).toContain('element <script> (http://www.w3.org/1999/xhtml)');
		expect(watch.dialogs).toEqual(['alert: 1']);
		const viaLink = await show(page, '<a href="javascript:void 0">x</a>', 'innerHTML');
		expect(viaLink.problems).toContain('link to javascript:');
	});

	for (const [field, render] of Object.entries(FIELDS)) {
		test(`${field}: ${payloads.length} payloads × ${MODES.length} ways stay inert`, async ({
			page
		}) => {
			const watch = await openBlankPage(page);
			const failures: string[] = [];
			for (const { name, payload } of payloads) {
				const html = render(payload);
				const dialogs = watch.dialogs.length;
				for (const mode of MODES) {
					const seen = await show(page, html, mode);
					if (seen.xss !== undefined) failures.push(`${name} (${mode}): __xss = ${seen.xss}`);
					for (const problem of seen.problems) failures.push(`${name} (${mode}): ${problem}`);
					if (render === renderInline && mode === 'innerHTML') {
						// A title is shown as the very text that was written.
						const written = payload.replaceAll('\u0000', '\uFFFD').replace(/\r\n?/g, '\n');
						if (seen.text !== written) failures.push(`${name}: shown as ${seen.text}`);
					}
				}
				for (const dialog of watch.dialogs.slice(dialogs)) failures.push(`${name}: ${dialog}`);
			}
			expect(failures).toEqual([]);
			expect(watch.dialogs).toEqual([]);
			expect(watch.errors).toEqual([]);
		});
	}

	test('the renderer gives the same bytes in Chromium as in Node', async ({ page }) => {
		// Bundle the very module the app imports, as the app's build would, and run it here.
		const result = await build({
			configFile: false,
			logLevel: 'silent',
			build: {
				write: false,
				emptyOutDir: false,
				minify: false,
				lib: {
					entry: 'src/lib/render/markdown.ts',
					formats: ['iife'],
					name: 'WebocracyRender',
					fileName: 'render'
				}
			}
		});
		const [bundle] = Array.isArray(result) ? result : [result];
		if (!bundle || !('output' in bundle)) throw new Error('vite build gave no output');
		const code = bundle.output[0].code;

		await openBlankPage(page);
		await page.addScriptTag({ content: code });
		const inputs = [
			...goldenCases().map((c) => c.input),
			...payloads.map((p) => p.payload),
			'x'.repeat(256 * 1024 + 1)
		];
		const inBrowser = await page.evaluate((texts) => {
			type Render = {
				renderMarkdown(s: string): string;
				renderInline(s: string): string;
				excerpt(s: string): string;
			};
			const render = (window as unknown as { WebocracyRender: Render }).WebocracyRender;
			return texts.map((t) => [
				render.renderMarkdown(t),
				render.renderInline(t),
				render.excerpt(t)
			]);
		}, inputs);
		expect(inBrowser).toEqual(inputs.map((t) => [renderMarkdown(t), renderInline(t), excerpt(t)]));
	});

	test('Chromium parses the golden fixtures into allowed elements only', async ({ page }) => {
		const watch = await openBlankPage(page);
		for (const { name, input } of goldenCases()) {
			for (const mode of MODES) {
				const seen = await show(page, renderMarkdown(input), mode);
				expect(seen.problems, `${name} (${mode})`).toEqual([]);
				expect(seen.xss, name).toBeUndefined();
			}
		}
		expect(watch.dialogs).toEqual([]);
	});
});
