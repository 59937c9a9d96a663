/**
 * The installed app (issue 8): it starts with no network from its service worker, keeps
 * writes made offline and syncs them later, is installable, updates only when asked
 * without losing data, and says what is wrong when storage is not there.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
	createIdentity,
	createIdentityAt,
	expect,
	foundCountry,
	invite,
	joinAsNewcomer,
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
	await unlock(ada);
	await rename(ada, 'Ada in the air');
	await expect(bob.getByTestId('citizens')).not.toContainText('Ada in the air');

	await ada.context().setOffline(false);
	await expect(ada.getByTestId('offline-notice')).toHaveText('');
	await expect(bob.getByTestId('citizens')).toContainText('Ada in the air');
});

test('Chromium reports the app installable, with its manifest and icons', async ({
	newPerson
}) => {
	const page = await newPerson();
	await page.goto('/');
	await controlledByServiceWorker(page);
	const cdp = await page.context().newCDPSession(page);
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
	const purposes = (manifest.icons as { sizes: string; purpose: string }[]).map(
		(i) => `${i.sizes} ${i.purpose}`
	);
	expect(purposes).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
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

test('storage blocked (private mode): the app says nothing can be kept', async ({
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
	await expect(notice).toContainText('cannot be saved');
	await expect(notice).toContainText('Open Webocracy in a normal window');
});

test('storage nearly full, then full: the app says so', async ({ newPerson }) => {
	const page = await newPerson();
	await createIdentity(page, 'Ada');
	await controlledByServiceWorker(page);
	await expect(page.getByTestId('storage-notice')).toHaveCount(0);
	const cdp = await page.context().newCDPSession(page);
	const origin = new URL(page.url()).origin;
	const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
	expect(usage).toBeGreaterThan(0);

	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.ceil(usage * 1.05) });
	await page.reload();
	const notice = page.getByTestId('storage-notice');
	await expect(notice).toHaveAttribute('data-code', 'nearly_full');
	await expect(notice).toContainText('Storage for Webocracy is almost full');

	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
	await page.reload();
	await expect(notice).toHaveAttribute('data-code', 'full');
	await expect(notice).toContainText('What was saved before is safe');
	// What was saved before is still there.
	await expect(page.getByTestId('identity-badge')).toContainText('Ada');
	await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});
