/** Shared steps for end-to-end tests: what a person does, in the words of the UI. */
import { expect, test as base, type Browser, type Page } from '@playwright/test';

export const PASSPHRASE = 'correct horse battery';

export async function createIdentity(page: Page, name: string, passphrase = PASSPHRASE) {
	await createIdentityAt(page, '', name, passphrase);
}

/** Create an identity in the app served at `origin` ('' for the default test server). */
export async function createIdentityAt(
	page: Page,
	origin: string,
	name: string,
	passphrase = PASSPHRASE
) {
	await page.goto(`${origin}/identity`);
	await fillNewIdentity(page, name, passphrase);
	await expect(page.getByTestId('identity-badge')).toContainText(`${name}`);
	await expect(page.getByTestId('identity-badge')).toContainText('unlocked');
}

/** Fill and submit the "create identity" form on the identity page. */
export async function fillNewIdentity(page: Page, name: string, passphrase = PASSPHRASE) {
	const form = page.getByRole('region', { name: /Create (your|another) identity/ });
	await form.getByLabel('Display name').fill(name);
	await form.getByLabel('Passphrase', { exact: true }).fill(passphrase);
	await form.getByLabel('Passphrase again').fill(passphrase);
	await form.getByRole('button', { name: 'Create identity' }).click();
}

/** Open a page of the app the way a person does: by its link in the main navigation. */
export async function navigate(page: Page, link: 'Countries' | 'Identity') {
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
}

/** Open a section of the current country by its tab (navigating inside the app). */
export async function openSection(page: Page, section: string) {
	await page
		.getByRole('navigation', { name: 'Country' })
		.getByRole('link', { name: section })
		.click();
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

export async function unlock(page: Page, passphrase = PASSPHRASE) {
	const form = page.getByRole('form', { name: 'Unlock identity' });
	await form.getByLabel('Passphrase').fill(passphrase);
	await form.getByRole('button', { name: 'Unlock' }).click();
}

export async function foundCountry(
	page: Page,
	name: string,
	{ admission = 'invite' as 'invite' | 'open' } = {}
): Promise<string> {
	// Navigate inside the app: a full page load locks the key again, by design.
	await navigate(page, 'Countries');
	await page.getByRole('link', { name: 'Found a country' }).click();
	await page.getByLabel('Country name').fill(name);
	await page.getByLabel('Admission').selectOption(admission);
	await page.getByRole('button', { name: 'Found the country' }).click();
	await expect(page.getByTestId('country-name')).toHaveText(name);
	const id = new URL(page.url()).pathname.split('/')[2];
	expect(id).toMatch(/^[0-9a-f]{64}$/);
	return id!;
}

/** Create an invite link on the country page (the identity must be unlocked). */
export async function invite(page: Page): Promise<string> {
	await openSection(page, 'Country');
	await page.getByRole('button', { name: 'Create an invite link' }).click();
	const link = await page.getByTestId('invite-link').inputValue();
	expect(link).toContain('/join#join=');
	await openSection(page, 'Front page');
	return link;
}

/** A newcomer opens the link, makes an identity on the way, and becomes a citizen. */
export async function joinAsNewcomer(page: Page, link: string, name: string) {
	await page.goto(link);
	await page.getByRole('link', { name: 'Create or import one' }).click();
	await fillNewIdentity(page, name);
	await expect(page).toHaveURL(/\/join#join=/);
	await page.getByRole('button', { name: `Become a citizen as ${name}` }).click();
	await expect(page.getByTestId('country-name')).toBeVisible();
}

/** Ada founds a country and Bob joins it by invite; both end on the front page, unlocked. */
export async function twoCitizens(newPerson: () => Promise<Page>, name: string) {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, name);
	const link = await invite(ada);
	const bob = await newPerson();
	await joinAsNewcomer(bob, link, 'Bob');
	await expect(ada.getByTestId('citizens')).toContainText('Bob');
	return { ada, bob, countryId, link };
}

/** Change one's display name on the country page: a signed write, visible to everyone. */
export async function rename(page: Page, name: string) {
	await openSection(page, 'Country');
	const form = page.getByRole('form', { name: 'Change your name' });
	await form.getByLabel('New display name').fill(name);
	await form.getByRole('button', { name: 'Change name' }).click();
	await openSection(page, 'Front page');
	await expect(page.getByTestId('citizens')).toContainText(name);
}

type Fixtures = {
	/** A page in a browser context of its own: its own IndexedDB, no shared channels. */
	newPerson: () => Promise<Page>;
};

/** Console lines kept per page, printed only when a test fails. */
const CONSOLE_KEPT = 300;

export const test = base.extend<Fixtures>({
	newPerson: async ({ browser }: { browser: Browser }, use, testInfo) => {
		const contexts: Awaited<ReturnType<Browser['newContext']>>[] = [];
		const people: { page: Page; lines: string[] }[] = [];
		const started = Date.now();
		await use(async () => {
			const context = await browser.newContext();
			contexts.push(context);
			// y-webrtc's own log (connections, offers, glare), for the report of a failed test.
			await context.addInitScript(() => {
				try {
					localStorage.setItem('log', 'y-webrtc');
				} catch {
					// storage refused (a test that fills it): no log, nothing else changes
				}
			});
			const page = await context.newPage();
			const lines: string[] = [];
			people.push({ page, lines });
			page.on('console', (message) => {
				lines.push(`${Date.now() - started} ms ${message.type()}: ${message.text()}`);
				if (lines.length > CONSOLE_KEPT) lines.shift();
			});
			page.on('pageerror', (error) =>
				console.error(`[page error] ${error.message}\n${error.stack}`)
			);
			return page;
		});
		if (testInfo.status !== testInfo.expectedStatus) {
			for (const [index, { page, lines }] of people.entries()) {
				console.error(`--- person ${index + 1}: ${await whereThePersonIs(page)}`);
				console.error(lines.join('\n'));
			}
		}
		await Promise.all(contexts.map((c) => c.close()));
	}
});

/** The page's address and its connection badge, for a failed test's report. Never throws. */
async function whereThePersonIs(page: Page): Promise<string> {
	if (page.isClosed()) return 'page closed';
	// A crashed or navigating page must not hold up (or break) the report.
	const quick = { timeout: 1000 };
	try {
		const badge = page.getByTestId('connection');
		const state =
			(await badge.count()) === 1
				? `${await badge.getAttribute('data-state', quick)}: ${await badge.innerText(quick)}`
				: 'no connection badge';
		return `${page.url()} (${state})`;
	} catch (error) {
		return `${page.url()} (badge unreadable: ${error instanceof Error ? error.message : error})`;
	}
}

export { expect };
