/**
 * Shared pages across separate browser contexts: write → seen by the other; edit → history
 * with a diff naming the editor; a vandal's edit reverted from the history; concurrent edits
 * while apart → two versions on both → merged into one; hostile text stays inert.
 */
import type { Page } from '@playwright/test';
import { makePage } from '../../src/lib/model';
import { expect, joinAsNewcomer, openSection, test, unlock, twoCitizens } from './fixtures';
import { inviteUrl, makeFounder, NodePeer, seedCountry, signWith } from './support/node-peer';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const SIGNAL = BASE.replace('http', 'ws') + '/signal';
const SECRET = 'test-secret-pages-0123456789';

const ABOUT = 'About our country';
const ORIGINAL = 'We are a small country.\nWe drink tea.\nWe vote on Sundays.';

/** Write a new page from the Pages section; ends on the page itself. */
async function writePage(page: Page, title: string, body: string) {
	await openSection(page, 'Pages');
	const form = page.getByRole('form', { name: 'New page' });
	await form.getByLabel('Title').fill(title);
	await form.getByLabel('Text (Markdown)').fill(body);
	await form.getByRole('button', { name: 'Publish page' }).click();
	await expect(page.getByTestId('page-title')).toHaveText(title);
}

/** Open a page from the list of pages by its title. */
async function openPage(page: Page, title: string) {
	await openSection(page, 'Pages');
	await page.getByTestId('page-list').getByRole('link', { name: title }).click();
}

const pageTab = (page: Page, tab: 'Read' | 'Edit' | 'History') =>
	page.getByRole('navigation', { name: 'Page' }).getByRole('link', { name: tab }).click();

/** Edit the open page's text and publish; ends on the page. */
async function editPage(page: Page, body: string, button = 'Publish changes') {
	await pageTab(page, 'Edit');
	await page.getByLabel('Text (Markdown)').fill(body);
	await page.getByRole('button', { name: button }).click();
	await expect(page.getByTestId('page-body')).toBeVisible();
}

test('a page written by one citizen, edited by another: history shows who changed what', async ({
	newPerson
}) => {
	const { ada, bob } = await twoCitizens(newPerson, 'Wikiland');

	// Writing: the preview follows the text; a missing title is refused in words.
	await openSection(ada, 'Pages');
	await expect(ada.getByTestId('no-pages')).toBeVisible();
	const form = ada.getByRole('form', { name: 'New page' });
	await form.getByLabel('Text (Markdown)').fill('# Welcome\n\nHello **there**');
	await expect(form.getByTestId('preview').getByRole('heading', { name: 'Welcome' })).toBeVisible();
	await expect(form.getByTestId('preview').locator('strong')).toHaveText('there');
	await form.getByRole('button', { name: 'Publish page' }).click();
	await expect(form.getByText('Give the page a title.')).toBeVisible();
	await expect(form.getByLabel('Title')).toBeFocused();
	await expect(form.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
	await form.getByLabel('Title').fill(ABOUT);
	await expect(form.getByLabel('Address')).toHaveValue('about-our-country');
	await form.getByLabel('Text (Markdown)').fill(ORIGINAL);
	await form.getByRole('button', { name: 'Publish page' }).click();
	await expect(ada.getByTestId('page-title')).toHaveText(ABOUT);
	await expect(ada.getByTestId('page-provenance')).toContainText('Written by Ada');

	// An address in use is refused: a second first revision would split the page.
	await openSection(ada, 'Pages');
	await ada.getByRole('form', { name: 'New page' }).getByLabel('Title').fill(ABOUT);
	await ada
		.getByRole('form', { name: 'New page' })
		.getByRole('button', { name: 'Publish page' })
		.click();
	await expect(ada.getByText('A page at this address already exists.')).toBeVisible();
	await openPage(ada, ABOUT);

	await openPage(bob, ABOUT);
	await expect(bob.getByTestId('page-body')).toContainText('We drink tea.');
	const key = bob.getByTestId('byline').locator('[data-fingerprint]');
	const fingerprint = await key.getAttribute('data-fingerprint');
	expect(fingerprint).toMatch(/^[0-9a-f]{40,64}$/);
	// A key reads the same way everywhere: four upper-case groups, as on the forum.
	// (Spaced by CSS: a copy takes the plain hex.)
	const groups = fingerprint!.slice(0, 16).toUpperCase().match(/.{4}/g);
	expect(await key.locator('span').allInnerTexts()).toEqual(groups);
	expect(await key.innerText()).toBe(`${groups!.join('')}…`);

	await editPage(bob, ORIGINAL.replace('We drink tea.', 'We drink coffee.'));
	await expect(bob.getByTestId('page-body')).toContainText('We drink coffee.');

	// Ada sees the change arrive, and who made it.
	await expect(ada.getByTestId('page-body')).toContainText('We drink coffee.');
	await expect(ada.getByTestId('page-provenance')).toContainText('Last changed by Bob');
	await pageTab(ada, 'History');
	const revisions = ada.getByTestId('revision');
	await expect(revisions).toHaveCount(2);
	const latest = revisions.first();
	await expect(latest.getByTestId('byline')).toContainText('Changed by Bob');
	await expect(latest.locator('del.diff-line')).toHaveText(/We drink tea\./);
	await expect(latest.locator('ins.diff-line')).toHaveText(/We drink coffee\./);
	// Marked in words as well as colour.
	await expect(latest.locator('del.diff-line')).toContainText('removed:');
	await expect(latest.locator('ins.diff-line')).toContainText('added:');
	await expect(latest.getByTestId('diff-summary')).toHaveText('1 line added, 1 line removed');
	await expect(revisions.last().getByTestId('byline')).toContainText('Written by Ada');
});

test('a vandal’s edit is reverted from the history, for everyone', async ({ newPerson }) => {
	const { ada, bob } = await twoCitizens(newPerson, 'Revertia');
	await writePage(ada, ABOUT, ORIGINAL);
	await openPage(bob, ABOUT);
	await editPage(bob, 'LOL this country is gone');
	await expect(ada.getByTestId('page-body')).toHaveText('LOL this country is gone');

	await pageTab(ada, 'History');
	const original = ada.getByTestId('revision').last();
	await original.getByRole('button', { name: 'Revert to this' }).click();
	// It asks first; cancelling changes nothing.
	await original.getByRole('button', { name: 'Cancel' }).click();
	await expect(ada.getByTestId('revision')).toHaveCount(2);
	await original.getByRole('button', { name: 'Revert to this' }).click();
	// The focus follows: to the confirm, then to the outcome (far above the revision).
	await expect(original.getByRole('button', { name: 'Yes, revert' })).toBeFocused();
	await original.getByRole('button', { name: 'Yes, revert' }).click();
	await expect(ada.getByTestId('revert-outcome')).toContainText('Reverted');
	await expect(ada.getByTestId('revert-outcome')).toBeFocused();
	await expect(ada.getByTestId('revision')).toHaveCount(3);
	await expect(ada.getByTestId('revision').first().locator('del.diff-line')).toContainText(
		'LOL this country is gone'
	);

	await pageTab(ada, 'Read');
	for (const page of [ada, bob]) {
		await expect(page.getByTestId('page-body')).toContainText('We drink tea.');
		await expect(page.getByTestId('page-body')).not.toContainText('LOL');
		await expect(page.getByTestId('page-provenance')).toContainText('Last changed by Ada');
	}
});

/** Ada writes the about page and both she and Bob have it open. */
async function bothReading(newPerson: () => Promise<Page>, country: string) {
	const { ada, bob } = await twoCitizens(newPerson, country);
	await writePage(ada, ABOUT, ORIGINAL);
	await openPage(bob, ABOUT);
	await expect(bob.getByTestId('page-body')).toContainText('We drink tea.');
	return { ada, bob };
}

/**
 * Ada and Bob, both reading the page, go offline, each publishes an edit, and come back:
 * both then see that the page has two versions, by Ada and by Bob.
 */
async function editApart(ada: Page, bob: Page, adaText: string, bobText: string) {
	await ada.context().setOffline(true);
	await bob.context().setOffline(true);
	await expect(ada.getByTestId('connection')).toHaveAttribute('data-state', 'offline');
	await expect(bob.getByTestId('connection')).toHaveAttribute('data-state', 'offline');
	await editPage(ada, adaText);
	await editPage(bob, bobText);
	await expect(ada.getByTestId('page-versions')).toHaveCount(0);
	await expect(bob.getByTestId('page-versions')).toHaveCount(0);

	await ada.context().setOffline(false);
	await bob.context().setOffline(false);
	for (const page of [ada, bob]) {
		await expect(page.getByTestId('page-versions')).toContainText('This page has 2 versions');
		const versions = page.getByTestId('page-version');
		await expect(versions).toHaveCount(2);
		expect((await versions.getByTestId('byline-name').allTextContents()).sort()).toEqual([
			'Ada',
			'Bob'
		]);
		// The second version is shown as what differs from the first.
		await expect(versions.nth(1).getByTestId('diff')).toBeVisible();
	}
}

test('edits made apart become two versions on both; a merge makes one again', async ({
	newPerson
}) => {
	const { ada, bob } = await bothReading(newPerson, 'Splitland');

	await editApart(
		ada,
		bob,
		ORIGINAL.replace('We are a small country.', 'We are a tiny country.'),
		ORIGINAL.replace('We vote on Sundays.', 'We vote on Mondays.')
	);
	await bob.getByRole('link', { name: 'Merge them into one' }).click();
	await expect(bob.getByRole('heading', { level: 1 })).toHaveText('Merge versions');
	// The changes touched different lines: the proposed text already holds both.
	const merged = 'We are a tiny country.\nWe drink tea.\nWe vote on Mondays.';
	await expect(bob.getByLabel('Text (Markdown)')).toHaveValue(merged);
	await expect(bob.getByTestId('merge-conflicts')).toHaveCount(0);
	await bob.getByRole('button', { name: 'Publish the merge' }).click();

	for (const page of [ada, bob]) {
		await expect(page.getByTestId('page-versions')).toHaveCount(0);
		await expect(page.getByTestId('page-body')).toContainText('We are a tiny country.');
		await expect(page.getByTestId('page-body')).toContainText('We vote on Mondays.');
		await expect(page.getByTestId('page-provenance')).toContainText('Last changed by Bob');
	}
	await pageTab(ada, 'History');
	await expect(ada.getByTestId('revision')).toHaveCount(4);
	await expect(ada.getByTestId('revision').first()).toContainText('merge of 2 versions');
	await expect(ada.getByTestId('revision').first().getByTestId('diff')).toHaveCount(2);
});

test('HTML and script in a page title and body stay inert text', async ({ newPerson }) => {
	const { ada, bob } = await twoCitizens(newPerson, 'Inertia');
	const dialogs: string[] = [];
	for (const page of [ada, bob])
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss();
		});
	const title = '<img src=x onerror=alert(1)> "><script>alert(2)</script>';
	const body = [
		'<script>window.__xss = 1; alert(3)</script>',
		'<img src=x onerror="window.__xss = 2">',
		'[click me](javascript:window.__xss=3)',
		'<a href="javascript:alert(4)">raw link</a>',
		'<svg onload=alert(5)>',
		'[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)'
	].join('\n\n');
	await writePage(ada, title, body);
	await openPage(bob, title);

	for (const page of [ada, bob]) {
		await expect(page.getByTestId('page-title')).toHaveText(title);
		const rendered = page.getByTestId('page-body');
		await expect(rendered).toContainText('<script>window.__xss = 1; alert(3)</script>');
		await expect(rendered).toContainText('<svg onload=alert(5)>');
		await expect(rendered.locator('script, img, svg, iframe, [onerror], [onload]')).toHaveCount(0);
		await expect(rendered.locator('a[href^="javascript:"], a[href^="data:"]')).toHaveCount(0);
		expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
	}
	// The history shows the same text as text.
	await pageTab(bob, 'History');
	await expect(bob.getByTestId('revision').first()).toContainText(title);
	await expect(bob.getByTestId('revision').locator('script, img, svg')).toHaveCount(0);
	expect(dialogs).toEqual([]);
});

test('a revision naming a parent in another page is refused, and shown on diagnostics', async ({
	newPerson
}) => {
	// A citizen's own peer (not the app, which would refuse to sign it) writes the bad revision.
	const founder = await makeFounder('Founder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Graftia',
		posts: 0,
		postBytes: 0
	});
	const page = (slug: string, title: string, body: string, replaces: string[] = []) =>
		signWith(
			founder,
			makePage({
				country: countryId,
				author: founder.key.fingerprint,
				at: Date.now(),
				slug,
				title,
				body,
				replaces
			})
		);
	const about = await page('about', 'About', 'The real about page.');
	const rules = await page('rules', 'Rules', 'Be kind.');
	const graft = await page('rules', 'Rules', 'Grafted onto another page.', [about.id]);
	const peer = new NodePeer(countryId, { signaling: [SIGNAL], secret: SECRET });
	peer.write([...records, about, rules, graft]);

	const reader = await newPerson();
	await joinAsNewcomer(
		reader,
		inviteUrl(BASE, { country: countryId, name: 'Graftia', secret: SECRET, signaling: [SIGNAL] }),
		'Reader'
	);
	await expect(reader.getByTestId('country-name')).toHaveText('Graftia');

	await openSection(reader, 'Diagnostics');
	const row = reader.getByTestId('diagnostic-row').filter({ hasText: 'revision_foreign' });
	await expect(row).toHaveCount(1);
	await expect(row).toHaveAttribute('data-status', 'invalid');
	await expect(row).toContainText('it names a parent revision of another page');
	await expect(row).toContainText(graft.id.slice(0, 8));

	// Neither page takes it in: both keep their one revision.
	await openPage(reader, 'Rules');
	await expect(reader.getByTestId('page-body')).toHaveText('Be kind.');
	await pageTab(reader, 'History');
	await expect(reader.getByTestId('revision')).toHaveCount(1);
	await openPage(reader, 'About');
	await expect(reader.getByTestId('page-body')).toHaveText('The real about page.');
	await peer.close();
});

test('edits of the same line made apart: the merge marks the conflict for a person to settle', async ({
	newPerson
}) => {
	const { ada, bob } = await bothReading(newPerson, 'Clashland');
	await editApart(
		ada,
		bob,
		ORIGINAL.replace('We drink tea.', 'We drink milk.'),
		ORIGINAL.replace('We drink tea.', 'We drink juice.')
	);

	await pageTab(ada, 'Edit');
	await expect(ada.getByTestId('merge-conflicts')).toContainText(
		'changed one passage in different ways'
	);
	const editor = ada.getByLabel('Text (Markdown)');
	// Both texts of the line, the newer version (Bob edited last) first, each named.
	await expect(editor).toHaveValue(
		[
			'We are a small country.',
			'<<<<<<< version by Bob',
			'We drink juice.',
			'=======',
			'We drink milk.',
			'>>>>>>> version by Ada',
			'We vote on Sundays.'
		].join('\n')
	);
	await expect(ada.getByText('The text still holds conflict markers.')).toBeVisible();
	await editor.fill(ORIGINAL.replace('We drink tea.', 'We drink milk and juice.'));
	await expect(ada.getByText('The text still holds conflict markers.')).toHaveCount(0);
	await ada.getByRole('button', { name: 'Publish the merge' }).click();

	for (const page of [ada, bob]) {
		await expect(page.getByTestId('page-versions')).toHaveCount(0);
		await expect(page.getByTestId('page-body')).toContainText('We drink milk and juice.');
	}
});

test('unsent page drafts survive a reload; a restored edit still replaces the version it began from', async ({
	newPerson
}) => {
	test.setTimeout(90_000);
	const { ada, bob } = await twoCitizens(newPerson, 'Draftpages');
	await openSection(ada, 'Pages');
	const form = ada.getByRole('form', { name: 'New page' });
	await form.getByLabel('Title').fill('Harbour rules');
	await form.getByLabel('Text (Markdown)').fill('No swimming.');
	await ada.reload();
	await unlock(ada);
	await expect(form.getByLabel('Title')).toHaveValue('Harbour rules');
	await expect(form.getByLabel('Address')).toHaveValue('harbour-rules');
	await expect(form.getByLabel('Text (Markdown)')).toHaveValue('No swimming.');
	await expect(ada.getByTestId('draft-restored')).toContainText('Restored your unsent draft');
	await form.getByRole('button', { name: 'Publish page' }).click();
	await expect(ada.getByTestId('page-title')).toHaveText('Harbour rules');
	await openSection(ada, 'Pages');
	await expect(form.getByLabel('Title')).toHaveValue('');
	await expect(ada.getByTestId('draft-restored')).toHaveCount(0);

	// Ada starts an edit; Bob publishes his meanwhile; Ada's tab reloads with her edit kept.
	await openPage(ada, 'Harbour rules');
	await pageTab(ada, 'Edit');
	await ada.getByLabel('Text (Markdown)').fill('No swimming.\nNo fishing.');
	await openPage(bob, 'Harbour rules');
	await editPage(bob, 'No swimming after dark.');
	await expect(ada.getByTestId('changed-meanwhile')).toBeVisible();
	await ada.reload();
	await unlock(ada);
	await expect(ada.getByLabel('Text (Markdown)')).toHaveValue('No swimming.\nNo fishing.');
	await expect(ada.getByTestId('draft-restored')).toBeVisible();
	// It still names the version Ada saw: publishing keeps Bob's change as a second version.
	await expect(ada.getByTestId('changed-meanwhile')).toBeVisible();
	await ada.getByRole('button', { name: 'Publish changes' }).click();
	await expect(ada.getByTestId('page-versions')).toContainText('This page has 2 versions');
	// Published: editing again starts from the page, with nothing restored.
	await pageTab(ada, 'Edit');
	await expect(ada.getByRole('heading', { level: 1, name: 'Merge versions' })).toBeVisible();
	await expect(ada.getByTestId('draft-restored')).toHaveCount(0);
	expect(
		await ada.evaluate(() => Object.keys(localStorage).filter((k) => k.includes(':draft:')))
	).toEqual([]);
});
