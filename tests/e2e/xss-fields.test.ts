/**
 * The XSS corpus (src/lib/render/fixtures/xss-payloads.json) through the real UI, in two
 * browser contexts: Ada types each payload as her display name, a post's title, its tags
 * and its Markdown body, and publishes; Bob receives every post over WebRTC. On every page
 * where they appear (front page, post page, blog, tag page) both watch that no script runs
 * (the `window.__xss` sentinel), no dialog opens, no page loads or navigates on its own, and
 * the DOM holds no event handler, dangerous link, frame or foreign script; user text shows
 * as exactly the text that was written.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { checkPostDraft } from '../../src/lib/model/post-draft';
import { ALLOWED_TAGS } from '../../src/lib/render/check-html';
import { xssPayloads } from '../../src/lib/render/test-fixtures';
import {
	createIdentity,
	expect,
	foundCountry,
	invite,
	joinAsNewcomer,
	openSection,
	rename,
	test as base
} from './fixtures';

const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
/**
 * Every third payload of the corpus (34 of 100, each family represented): each one costs a
 * signed rename and a post, seen in two browsers. All 100 go through every renderer in
 * Chromium in xss.test.ts.
 */
const PAYLOADS = xssPayloads().filter((_, i) => i % 3 === 0);
const FALLBACK_TAG = 'xss';

/** What each person's page did that nobody asked for. */
type Watch = { dialogs: string[]; loads: number; navigations: string[]; blocked: string[] };

const test = base.extend<{ watchedPerson: () => Promise<{ page: Page; watch: Watch }> }>({
	watchedPerson: async ({ browser }: { browser: Browser }, use) => {
		const contexts: BrowserContext[] = [];
		await use(async () => {
			// context.route also sees the service worker's requests (Chromium).
			const context = await browser.newContext();
			contexts.push(context);
			const watch: Watch = { dialogs: [], loads: 0, navigations: [], blocked: [] };
			// Nothing leaves the app's origin (pictures in the payloads point elsewhere).
			await context.route('**/*', (route) => {
				const url = route.request().url();
				if (url.startsWith(`${ORIGIN}/`)) return route.continue();
				watch.blocked.push(url);
				return route.abort();
			});
			const page = await context.newPage();
			page.on('dialog', (dialog) => {
				watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
				dialog.dismiss().catch(() => {});
			});
			page.on('load', () => (watch.loads += 1));
			page.on('framenavigated', (frame) => {
				if (frame === page.mainFrame()) watch.navigations.push(frame.url());
			});
			page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
			return { page, watch };
		});
		await Promise.all(contexts.map((c) => c.close()));
	}
});

/** A one-line text of at most `max` UTF-16 units, as the title and name fields take it. */
function line(text: string, max: number, fallback: string): string {
	// eslint-disable-next-line no-control-regex -- reason: control characters are what this replaces
	const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').normalize('NFC');
	let out = '';
	for (const point of flat) {
		if (out.length + point.length > max) break;
		out += point;
	}
	return out.trim() || fallback;
}

/**
 * Everything on the page is inert: no event-handler attribute, no link or form to a script
 * scheme, no frame, object, base or refresh, no script but the app's own, and inside rendered
 * Markdown only the renderer's allowed elements and attributes. Returns the problems.
 */
function inertProblems(page: Page): Promise<string[]> {
	return page.evaluate(
		(allowed) => {
			const problems: string[] = [];
			if ((window as { __xss?: unknown }).__xss !== undefined)
				problems.push('window.__xss was set');
			const safe = ['http:', 'https:', 'mailto:'];
			for (const el of Array.from(document.querySelectorAll('*'))) {
				const tag = el.localName;
				for (const { name, value } of Array.from(el.attributes)) {
					if (/^on/i.test(name)) problems.push(`<${tag} ${name}="${value}">`);
					if (['srcdoc', 'formaction', 'action', 'xlink:href'].includes(name)) {
						problems.push(`<${tag} ${name}>`);
					}
				}
				if (['iframe', 'frame', 'object', 'embed', 'base', 'math'].includes(tag)) {
					problems.push(`<${tag}>`);
				}
				if (tag === 'meta' && el.hasAttribute('http-equiv')) problems.push('<meta http-equiv>');
				if (
					el instanceof HTMLAnchorElement &&
					el.hasAttribute('href') &&
					!safe.includes(el.protocol)
				) {
					problems.push(`link to ${el.protocol}`);
				}
				if (el instanceof HTMLScriptElement) {
					const own = el.src
						? el.src.startsWith(`${location.origin}/`)
						: el.textContent?.includes('__sveltekit');
					if (!own) problems.push(`a foreign script: ${el.outerHTML.slice(0, 80)}`);
				}
			}
			for (const prose of Array.from(document.querySelectorAll('.prose'))) {
				for (const el of Array.from(prose.querySelectorAll('*'))) {
					const names = Object.hasOwn(allowed, el.localName) ? allowed[el.localName] : undefined;
					if (!names || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
						problems.push(`rendered <${el.localName}>`);
						continue;
					}
					for (const { name } of Array.from(el.attributes)) {
						if (!names.includes(name)) problems.push(`rendered <${el.localName} ${name}>`);
					}
				}
			}
			return problems;
		},
		ALLOWED_TAGS as Record<string, string[]>
	);
}

/** Settle (two frames, pending images) and check the page; `where` names it in failures. */
async function checkInert(page: Page, where: string, failures: string[]) {
	await page.evaluate(async () => {
		await Promise.all(
			Array.from(document.images, (img) =>
				img.complete
					? null
					: new Promise((done) => {
							img.addEventListener('load', done);
							img.addEventListener('error', done);
						})
			)
		);
		for (let i = 0; i < 2; i++) await new Promise((frame) => requestAnimationFrame(frame));
	});
	for (const problem of await inertProblems(page)) failures.push(`${where}: ${problem}`);
}

/** The exact text of an element, whitespace and all. */
const textOf = async (page: Page, selector: string) =>
	(await page.locator(selector).first().textContent()) ?? '';

test('every payload stays inert as a name, title, tags and body, for author and reader', async ({
	watchedPerson
}) => {
	test.setTimeout(600_000);
	expect(PAYLOADS.length).toBeGreaterThanOrEqual(30);
	const { page: ada, watch: adaWatch } = await watchedPerson();
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Inertia');
	const { page: bob, watch: bobWatch } = await watchedPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');
	await expect(ada.getByTestId('citizens')).toContainText('Bob');
	// From here on nobody loads a page: everything happens inside the app.
	const loadsAtStart = [adaWatch.loads, bobWatch.loads];
	const navigationsAtStart = [adaWatch.navigations.length, bobWatch.navigations.length];
	const failures: string[] = [];
	const posts: { id: string; title: string; name: string; tags: string[] }[] = [];

	for (const [i, { name: label, payload }] of PAYLOADS.entries()) {
		const name = line(payload, 64, `name ${i}`);
		const title = line(payload, 200, `title ${i}`);
		const typedTags = line(payload, 10_000, '');
		await rename(ada, name);
		await openSection(ada, 'Front page');
		await ada.getByRole('link', { name: 'Write a post' }).click();
		const form = ada.getByRole('form', { name: 'Write a post' });
		await form.getByLabel('Title', { exact: true }).fill(title);
		await form.getByLabel('Tags', { exact: true }).fill(typedTags);
		await form.getByLabel('Text (Markdown)').fill(payload);
		await expect(ada.getByRole('region', { name: 'Preview' })).toHaveAttribute(
			'aria-busy',
			'false'
		);
		await checkInert(ada, `${label}: live preview`, failures);
		// Tags that are not tags are refused with a message that quotes them, as text.
		const draft = checkPostDraft(
			{ title, body: payload, tags: typedTags },
			{ country: countryId, author: 'a'.repeat(40), at: 0, replaces: null }
		);
		const tagsRefused = !draft.ok && draft.problems.some((p) => p.field === 'tags');
		await form.getByRole('button', { name: 'Publish', exact: true }).click();
		let tags = draft.ok ? draft.record.body.tags : [];
		if (tagsRefused) {
			await expect(form.getByTestId('tags-error')).toContainText(/not (a tag|tags)/);
			await checkInert(ada, `${label}: tag message`, failures);
			await form.getByLabel('Tags', { exact: true }).fill(FALLBACK_TAG);
			await form.getByRole('button', { name: 'Publish', exact: true }).click();
			tags = [FALLBACK_TAG];
		}
		const post = ada.getByTestId('post');
		await expect(post).toBeVisible();
		const id = (await post.getAttribute('data-post'))!;
		posts.push({ id, title, name, tags: [...tags] });
		expect(await textOf(ada, '[data-testid="post"] h1'), label).toBe(title);
		expect(await textOf(ada, '[data-testid="post"] [data-testid="author-name"]'), label).toBe(name);
		await checkInert(ada, `${label}: Ada's post page`, failures);

		// Bob, on his front page, receives the post and Ada's new name.
		const summary = bob.locator(`[data-testid="latest-posts"] [data-post="${id}"]`);
		await expect(summary).toBeVisible();
		expect(await summary.getByTestId('post-title').textContent(), label).toBe(title);
		await expect
			.poll(() => summary.getByTestId('author-name').textContent(), { message: label })
			.toBe(name);
		await checkInert(bob, `${label}: Bob's front page`, failures);
	}

	// Every page where the posts appear, for both.
	const last = posts.at(-1)!;
	for (const [who, page] of [
		['Ada', ada],
		['Bob', bob]
	] as const) {
		await openSection(page, 'Front page');
		await expect(page.getByTestId('latest-posts').getByTestId('post-summary')).toHaveCount(20);
		await checkInert(page, `${who}: front page`, failures);
		await page.getByTestId('citizens').getByRole('link', { name: last.name }).click();
		const listed = page.getByTestId('blog-posts').getByTestId('post-title');
		await expect(listed).toHaveCount(posts.length);
		expect(await listed.allTextContents()).toEqual(posts.map((p) => p.title).reverse());
		expect(await textOf(page, '[data-testid="blog-name"]')).toBe(last.name);
		await checkInert(page, `${who}: blog`, failures);
		for (const tag of new Set(posts.flatMap((p) => p.tags))) {
			await openSection(page, 'Blogs');
			await page.getByRole('link', { name: 'Browse by tag' }).click();
			await page
				.getByTestId('tags')
				.getByRole('link', { name: `#${tag}`, exact: true })
				.click();
			const tagged = posts.filter((p) => p.tags.includes(tag));
			await expect(page.getByTestId('tag-posts').getByTestId('post-summary')).toHaveCount(
				tagged.length
			);
			await checkInert(page, `${who}: tag page #${tag}`, failures);
		}
	}
	// Bob opens every post from Ada's blog.
	await openSection(bob, 'Front page');
	await bob.getByTestId('citizens').getByRole('link', { name: last.name }).click();
	for (const [i, post] of posts.entries()) {
		await bob.locator(`[data-testid="blog-posts"] [data-post="${post.id}"] h3 a`).click();
		await expect(bob.getByTestId('post')).toHaveAttribute('data-post', post.id);
		expect(await textOf(bob, '[data-testid="post"] h1')).toBe(post.title);
		await checkInert(bob, `${PAYLOADS[i]!.name}: Bob's post page`, failures);
		await bob.goBack();
		await expect(bob.getByTestId('blog-posts')).toBeVisible();
	}

	expect(failures).toEqual([]);
	for (const [i, watch] of [adaWatch, bobWatch].entries()) {
		expect(watch.dialogs).toEqual([]);
		// Every navigation since the country was set up stayed in the country's own pages.
		const inCountry = new RegExp(`^${ORIGIN}/c/${countryId}(/[^:]*)?$`);
		const outside = watch.navigations
			.slice(navigationsAtStart[i])
			.filter((url) => !inCountry.test(url));
		expect(outside).toEqual([]);
		expect(watch.blocked.filter((url) => !url.startsWith('https://example.'))).toEqual([]);
	}
	expect([adaWatch.loads, bobWatch.loads]).toEqual(loadsAtStart);
});

test('the checks see a script that ran, a handler, a javascript: link and a frame', async ({
	watchedPerson
}) => {
	const { page, watch } = await watchedPerson();
	await page.goto('/');
	await page.evaluate(() => {
		const prose = document.createElement('div');
		prose.className = 'prose';
		prose.innerHTML =
			'<img src="/nothing.png" onerror="window.__xss=1"><a href="javascript:void 0">x</a><iframe></iframe><span title="t">s</span>';
		document.body.append(prose);
		setTimeout(() => alert('caught'));
	});
	const failures: string[] = [];
	await checkInert(page, 'planted', failures);
	await expect.poll(() => watch.dialogs).toEqual(['alert: caught']);
	expect(failures).toEqual(
		expect.arrayContaining([
			'planted: window.__xss was set',
			'planted: <img onerror="window.__xss=1">',
			'planted: link to javascript:',
			'planted: <iframe>',
			'planted: rendered <span>',
			'planted: rendered <iframe>'
		])
	);
});
