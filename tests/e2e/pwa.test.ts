/**
 * The installed app (issue 8): it starts with no network from its service worker, keeps
 * writes made offline and syncs them later, is installable, updates only when asked
 * without losing data, and says what is wrong when storage is not there.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
	createIdentity,
	createIdentityAt,
	expect,
	fillNewIdentity,
	foundCountry,
	invite,
	joinAsNewcomer,
	openSection,
	rename,
	test,
	unlock
} from './fixtures';
import { buildVariant, serveBuild } from './support/app-builds';

/** The service worker installed, activated and claimed this page: it now works offline. */
async function controlledByServiceWorker(page: Page) {
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** What the network says to a request that bypasses every cache. */
const reachServer = (page: Page) =>
	page.evaluate(() =>
		fetch('/health', { cache: 'no-store' }).then(
			() => 'reached',
			() => 'refused'
		)
	);

test('offline: the app reloads with no network, keeps a write, and syncs it once back', async ({
	newPerson
}) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	const id = await foundCountry(ada, 'Offlinia');
	await controlledByServiceWorker(ada);
	const bob = await newPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');
	await expect(ada.getByTestId('citizens')).toContainText('Bob');
	await expect(ada.getByTestId('offline-notice')).toHaveText('');

	await ada.context().setOffline(true);
	expect(await reachServer(ada)).toBe('refused');
	const started = Date.now();
	const response = await ada.reload();
	// The page came from the service worker's precache, not from the server.
	expect(response?.fromServiceWorker()).toBe(true);
	await expect(ada.getByTestId('country-name')).toHaveText('Offlinia');
	console.log(`offline reload → country shown: ${Date.now() - started} ms`);
	expect(new URL(ada.url()).pathname).toBe(`/c/${id}`);
	await expect(ada.getByTestId('offline-notice')).toContainText(
		'Offline — everything you do is kept on this device and syncs when you are back'
	);
	await expect(ada.getByTestId('connection')).toHaveAttribute('data-state', 'offline');

	// A full page load locks the key, by design; unlocking loads openpgp, precached too.
	await openSection(ada, 'Country');
	await unlock(ada);
	await rename(ada, 'Ada in the air');
	await expect(bob.getByTestId('citizens')).not.toContainText('Ada in the air');

	await ada.context().setOffline(false);
	await expect(ada.getByTestId('offline-notice')).toHaveText('Back online — syncing');
	await expect(bob.getByTestId('citizens')).toContainText('Ada in the air');
});

test('Chromium reports the app installable, with its manifest and icons', async ({
	playwright,
	launchOptions,
	baseURL
}) => {
	// Chromium never offers to install from an incognito profile, which is what browser
	// contexts are: this test gets a profile on disk of its own.
	const profile = await mkdtemp(join(tmpdir(), 'webocracy-profile-'));
	const context = await playwright.chromium.launchPersistentContext(profile, {
		...launchOptions,
		baseURL
	});
	try {
		const page = await context.newPage();
		await page.goto('/');
		await controlledByServiceWorker(page);
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
		const { errors, url } = await cdp.send('Page.getAppManifest');
		expect(errors).toEqual([]);
		expect(new URL(url).pathname).toBe('/manifest.webmanifest');

		const manifest = await page.evaluate(() =>
			fetch('/manifest.webmanifest').then((r) => r.json())
		);
		expect(manifest).toMatchObject({
			name: 'Webocracy',
			short_name: 'Webocracy',
			start_url: '/',
			scope: '/',
			display: 'standalone',
			theme_color: '#1d4e5f',
			background_color: '#fbf9f4'
		});
		const icons = manifest.icons as { src: string; sizes: string; purpose: string }[];
		expect(icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual([
			'192x192 any',
			'512x512 any',
			'512x512 maskable'
		]);
		// Each icon is served, and is the size it claims.
		for (const icon of icons) {
			const size = await page.evaluate(async (src) => {
				const bitmap = await createImageBitmap(await (await fetch(src)).blob());
				return `${bitmap.width}x${bitmap.height}`;
			}, icon.src);
			expect(size).toBe(icon.sizes);
		}
	} finally {
		await context.close();
		await rm(profile, { recursive: true, force: true });
	}
});

test('update: build B replaces build A, the banner offers it, reloading runs B with data intact', async ({
	newPerson
}) => {
	test.setTimeout(240_000);
	const a = join(import.meta.dirname, '../../build');
	const b = await buildVariant(`update-test-b-${Date.now()}`);
	let served = await serveBuild(a);
	try {
		const entryOf = async (dir: string) =>
			/entry\/start\.[^"]+\.js/.exec(await readFile(join(dir, 'index.html'), 'utf8'))?.[0];
		const [entryA, entryB] = [await entryOf(a), await entryOf(b.dir)];
		expect(entryA).toBeTruthy();
		expect(entryB).toBeTruthy();
		expect(entryB).not.toBe(entryA);
		const runs = (page: Page) =>
			page.evaluate(() => document.documentElement.innerHTML.match(/entry\/start\.[^"]+\.js/)?.[0]);

		const page = await newPerson();
		await createIdentityAt(page, served.origin, 'Ada');
		await foundCountry(page, 'Versionia');
		await controlledByServiceWorker(page);
		expect(await runs(page)).toBe(entryA);
		await expect(page.getByTestId('update-banner')).toHaveText('');

		// B is published on the same origin: A's server goes, B's takes its port.
		const { port } = served;
		await served.close();
		served = await serveBuild(b.dir, port);
		// Opening the app again (a navigation) makes the browser look for a new worker.
		await page.reload();
		await expect(page.getByTestId('country-name')).toHaveText('Versionia');
		const banner = page.getByTestId('update-banner');
		await expect(banner).toContainText('A new version is ready — reload');
		// Nothing switched on its own: still A until the person says so.
		expect(await runs(page)).toBe(entryA);

		await Promise.all([
			page.waitForEvent('load'),
			banner.getByRole('button', { name: 'Reload' }).click()
		]);
		await expect.poll(() => runs(page)).toBe(entryB);
		await expect(page.getByTestId('update-banner')).toHaveText('');
		await expect(page.getByTestId('country-name')).toHaveText('Versionia');
		await expect(page.getByTestId('citizens')).toContainText('Ada');
		await expect(page.getByTestId('identity-badge')).toContainText('Ada');
		await page.getByRole('link', { name: /Diagnostics/ }).click();
		await expect(page.getByTestId('diagnostics-summary')).toContainText('2 valid · 0 invalid');
		// No mix of versions: the offline copy now holds B's files, and A's are gone.
		const cached = await page.evaluate(async () => {
			const urls: string[] = [];
			for (const name of await caches.keys()) {
				for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
			}
			return urls.join('\n');
		});
		expect(cached).toContain(entryB!);
		expect(cached).not.toContain(entryA!);
	} finally {
		await served.close();
		await b.remove();
	}
});

test('a cleared offline copy is noticed and downloaded again; data stays', async ({
	newPerson
}) => {
	const page = await newPerson();
	await createIdentity(page, 'Ada');
	await foundCountry(page, 'Cacheland');
	await controlledByServiceWorker(page);
	await page.evaluate(async () => {
		for (const name of await caches.keys()) await caches.delete(name);
	});
	await page.reload();
	const banner = page.getByTestId('update-banner');
	await expect(banner).toContainText('The browser cleared the offline copy of this app');
	await Promise.all([
		page.waitForEvent('load'),
		banner.getByRole('button', { name: 'Download it again' }).click()
	]);
	await controlledByServiceWorker(page);
	await expect(banner).toHaveText('');

	await page.context().setOffline(true);
	const response = await page.reload();
	expect(response?.fromServiceWorker()).toBe(true);
	await expect(page.getByTestId('country-name')).toHaveText('Cacheland');
	await expect(page.getByTestId('citizens')).toContainText('Ada');
});

test('storage blocked (private mode): the app says what happened and what cannot work', async ({
	newPerson
}) => {
	const page = await newPerson();
	// What Chromium does when site data is blocked: opening a database throws.
	await page.addInitScript(() => {
		IDBFactory.prototype.open = () => {
			throw new DOMException(
				'Access to the Indexed Database API is denied in this context.',
				'SecurityError'
			);
		};
	});
	await page.goto('/');
	const notice = page.getByTestId('storage-notice');
	await expect(notice).toHaveAttribute('data-code', 'blocked');
	await expect(notice).toHaveAttribute('role', 'alert');
	await expect(notice).toContainText('does not let Webocracy store anything on this device');
	await expect(notice).toContainText('Open it in a normal window');
	// As it says: making an identity fails, with a reason, and nothing pretends to be saved.
	await page.goto('/identity');
	await expect(notice).toHaveAttribute('data-code', 'blocked');
	await fillNewIdentity(page, 'Ada');
	await expect(page.getByRole('alert').filter({ hasText: /IndexedDB/ })).toBeVisible();
	await expect(page.getByTestId('identity-badge')).toHaveCount(0);
});

test('storage nearly full: the app says so before writes fail', async ({ newPerson }) => {
	const page = await newPerson();
	// Chromium 156 accepts CDP's Storage.overrideQuotaForOrigin but applies it neither to
	// estimate() nor to writes (checked), so the estimate is what this test sets.
	await page.addInitScript(() => {
		const megabyte = 1024 * 1024;
		navigator.storage.estimate = async () => ({ usage: 95 * megabyte, quota: 100 * megabyte });
	});
	await page.goto('/');
	const notice = page.getByTestId('storage-notice');
	await expect(notice).toHaveAttribute('data-code', 'nearly_full');
	await expect(notice).toHaveText(
		'Storage for Webocracy is almost full (95.0 MB of 100.0 MB). New changes may soon fail to save: free some space on this device.'
	);
});

test('storage full: a refused write is explained, what was saved before stays', async ({
	newPerson
}) => {
	const page = await newPerson();
	await createIdentity(page, 'Ada');
	// Fill this origin's local storage to the last byte (Chromium's real per-origin limit),
	// so founding a country fails where it remembers the country.
	const filled = await page.evaluate(() => {
		let size = 1024 * 1024;
		let total = 0;
		for (let i = 0; size >= 1; i++) {
			try {
				localStorage.setItem(`filler-${i}`, 'x'.repeat(size));
				total += size;
			} catch {
				size = Math.floor(size / 2);
			}
		}
		return total;
	});
	expect(filled).toBeGreaterThan(1024 * 1024);
	await expect(page.getByTestId('storage-notice')).toHaveCount(0);
	await foundCountryAttempt(page, 'Fullland');
	const notice = page.getByTestId('storage-notice');
	await expect(notice).toHaveAttribute('data-code', 'full');
	await expect(notice).toHaveAttribute('role', 'alert');
	await expect(notice).toContainText('This device refused to store more for Webocracy');
	// What was saved before is still there after a reload.
	await page.reload();
	await expect(page.getByTestId('identity-badge')).toContainText('Ada');
});

/** Submit the founding form without expecting it to succeed. */
async function foundCountryAttempt(page: Page, name: string) {
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Countries' })
		.click();
	await page.getByRole('link', { name: 'Found a country' }).click();
	await page.getByLabel('Country name').fill(name);
	await page.getByRole('button', { name: 'Found the country' }).click();
}
