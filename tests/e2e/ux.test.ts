/**
 * What a citizen sees once they muted someone, and when two people share one browser:
 * empty lists say the mutes hide them, reply counts agree with the thread, and each
 * identity on the device keeps its own mutes.
 */
import type { Page } from '@playwright/test';
import {
	createIdentity,
	expect,
	fillNewIdentity,
	foundCountry,
	invite,
	joinAsNewcomer,
	navigate,
	openSection,
	PASSPHRASE,
	test
} from './fixtures';

const AREA = 'Citizens’ area';

async function reply(page: Page, body: string) {
	const form = page.getByRole('form', { name: 'Reply' });
	await form.getByLabel('Your reply', { exact: true }).fill(body);
	await form.getByRole('button', { name: 'Reply' }).click();
	await expect(form.getByLabel('Your reply', { exact: true })).toHaveValue('');
}

/** Open a citizen's blog from the Blogs tab and mute or unmute them there. */
async function toggleMute(page: Page, name: string, action: 'Mute' | 'Unmute') {
	await openSection(page, 'Blogs');
	await page.getByTestId('blogs').getByRole('link', { name }).click();
	await page
		.getByRole('button', { name: `${action} ${name}`, exact: true })
		.first()
		.click();
}

test('muting: empty lists say why, reply counts leave muted replies out, mutes are per identity', async ({
	newPerson
}) => {
	test.setTimeout(120_000);
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Mutania');
	const bob = await newPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');

	// Bob writes the only post; Ada opens a thread where both reply.
	await bob.getByRole('link', { name: 'Write a post' }).click();
	const editor = bob.getByRole('form', { name: 'Write a post' });
	await editor.getByLabel('Title', { exact: true }).fill('Market day');
	await editor.getByLabel('Text (Markdown)').fill('On Saturday.');
	await editor.getByRole('button', { name: 'Publish', exact: true }).click();
	await expect(bob.getByTestId('post').getByTestId('post-title')).toHaveText('Market day');

	await openSection(ada, AREA);
	const open = ada.getByRole('form', { name: 'New thread' });
	await open.getByLabel('Title', { exact: true }).fill('Where shall we meet?');
	await open.getByLabel('Text', { exact: true }).fill('At the mill.');
	await open.getByRole('button', { name: 'Open the thread' }).click();
	await expect(ada.getByTestId('thread-title')).toHaveText('Where shall we meet?');
	await reply(ada, 'Or the harbour.');
	await openSection(bob, AREA);
	await bob.getByRole('link', { name: 'Where shall we meet?' }).click();
	await reply(bob, 'The mill.');
	await reply(bob, 'Definitely the mill.');
	await expect(ada.getByTestId('forum-message')).toHaveCount(4);
	await openSection(ada, AREA);
	await expect(ada.getByTestId('reply-count')).toHaveText('3');
	await openSection(ada, 'Front page');
	await expect(ada.getByTestId('latest-posts')).toContainText('Market day');

	await toggleMute(ada, 'Bob', 'Mute');
	// The sidebar and the front page say the post is hidden by Ada's mutes, not that none exist.
	const sidebar = ada.getByRole('region', { name: 'Latest' });
	await expect(sidebar).toContainText('The only post is by citizens you muted.');
	await expect(sidebar).not.toContainText('No posts yet');
	await sidebar.getByRole('link', { name: 'Your personal filters' }).click();
	await expect(ada.getByTestId('muted-list')).toContainText('Bob');
	await openSection(ada, 'Front page');
	await expect(ada.getByTestId('latest-posts-empty')).toHaveText(
		'Every post here is by a citizen you muted.'
	);
	// The thread list counts what the thread page shows.
	await openSection(ada, AREA);
	await expect(ada.getByTestId('reply-count')).toHaveText('1 (2 hidden)');
	await ada.getByRole('link', { name: 'Where shall we meet?' }).click();
	await expect(ada.getByTestId('forum-message')).toHaveCount(2);
	await expect(ada.getByTestId('muted-messages')).toContainText('2 replies');

	// Ann, another identity in Ada's browser, has muted nobody; Ada's list is still hers.
	await navigate(ada, 'Identity');
	await fillNewIdentity(ada, 'Ann');
	await expect(ada.getByTestId('identity-badge')).toContainText('Ann');
	await ada.goto(`/c/${countryId}`);
	await expect(ada.getByTestId('latest-posts')).toContainText('Market day');
	await expect(ada.getByTestId('muted-summary')).toHaveCount(0);
	await openSection(ada, 'Government');
	await expect(ada.getByTestId('muted-empty')).toBeVisible();
	await navigate(ada, 'Identity');
	await ada
		.getByRole('listitem')
		.filter({ hasText: 'Ada' })
		.getByRole('button', { name: 'Use this one' })
		.click();
	await expect(ada.getByTestId('identity-badge')).toContainText('Ada');
	await ada.goto(`/c/${countryId}/government`);
	await expect(ada.getByTestId('muted-list')).toContainText('Bob');
});

test('a newcomer on a phone: forms fit the screen, a wrong link says so and leads on, the closing time reads as a date', async ({
	newPerson
}) => {
	const ada = await newPerson();
	await ada.setViewportSize({ width: 375, height: 800 });
	await ada.goto('/identity');
	await expect(ada.getByRole('heading', { name: 'Import a key' })).toBeVisible();
	// Nothing is wider than the screen (a file input used to push the import form out).
	const overflow = () =>
		ada.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(await overflow()).toBe(0);

	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Phonia');
	// Diagnostics, a table of every record, fits as well.
	await openSection(ada, 'Diagnostics');
	await expect(ada.getByTestId('diagnostics-summary')).toHaveAttribute('data-loading', 'false');
	await expect(ada.getByTestId('diagnostic-row').first()).toBeVisible();
	expect
		.soft(await ada.evaluate(() => document.documentElement.scrollWidth))
		.toBeLessThanOrEqual(375);

	await openSection(ada, 'Government');
	const open = ada.getByRole('form', { name: 'Open an election' });
	await open.getByLabel('Voting closes in (minutes)').fill('1440');
	const tomorrow = await ada.evaluate(() => new Date(Date.now() + 86_400_000).toLocaleDateString());
	await expect(open.getByTestId('closes-at')).toContainText(tomorrow);
	// Once term 1's result is certified, the form proposes term 2, not the settled term 1.
	await expect(open.getByLabel('For term')).toHaveValue('1');
	await open.getByLabel('Voting closes in (minutes)').fill('0.2');
	await open.getByRole('button', { name: 'Open the election now' }).click();
	const election = ada.getByTestId('election');
	// The new election is at the top of the list, far from the form: it says it is open, and
	// the focus goes there, just before the form to stand in it.
	const done = election.getByTestId('election-done');
	await expect.soft(done).toContainText('You opened this election for term 1.');
	await expect.soft(done).toBeFocused();
	// Each step says it worked, where the focus is.
	const stand = ada.getByRole('form', { name: 'Stand in this election' });
	await stand.getByLabel('Your statement to the voters').fill('Steady.');
	await stand.getByRole('button', { name: 'Stand as a candidate' }).click();
	await expect(done).toHaveText('You are a candidate in this election.');
	await expect(done).toBeFocused();
	const vote = ada.getByRole('form', { name: 'Vote' });
	await vote.getByLabel('Ada').check();
	await vote.getByRole('button', { name: 'Cast my ballot' }).click();
	await expect(done).toContainText('Your ballot is recorded.');
	await expect(done).toBeFocused();
	// One of a thing is said in the singular.
	await expect(election.getByTestId('live-count')).toHaveText('Live count: 1 ballot so far.');
	await expect(election).toHaveAttribute('data-phase', 'counting', { timeout: 30_000 });
	await ada.getByRole('button', { name: 'Certify the result (1 ballot)', exact: true }).click();
	await expect(election).toHaveAttribute('data-phase', 'certified');
	await expect(done).toHaveText('The result is certified.');
	await expect(done).toBeFocused();
	await expect(election.getByTestId('certification')).toContainText(
		'1 ballot counted; my own count agrees.'
	);
	await expect(open.getByLabel('For term')).toHaveValue('2');
	// "You opened…" invites to stand and vote: gone once voting has closed.
	await open.getByLabel('Voting closes in (minutes)').fill('0.1');
	await open.getByRole('button', { name: 'Open the election now' }).click();
	const second = ada.getByTestId('election').first();
	await expect(second.getByTestId('election-done')).toContainText('You opened this election');
	await expect(second).toHaveAttribute('data-phase', 'counting', { timeout: 30_000 });
	await expect(second.getByTestId('election-done')).toHaveCount(0);

	// A cut-short post link, inside the country: the tabs and a way back stay.
	await ada.goto(`/c/${countryId}/posts/12345`);
	await expect(ada).toHaveTitle('Nothing here · Webocracy');
	await expect(ada.getByRole('heading', { level: 1 })).toHaveText('Nothing here');
	await expect(ada.getByTestId('error-message')).toContainText('That is not a post id.');
	await expect(ada.getByRole('navigation', { name: 'Country' })).toBeVisible();
	await ada.getByRole('link', { name: 'Back to the front page' }).click();
	await expect(ada.getByTestId('country-name')).toHaveText('Phonia');
	// A link to no country at all.
	await ada.goto('/c/not-a-country');
	await expect(ada.getByTestId('error-message')).toContainText('That is not a country id.');
	await ada.getByRole('link', { name: 'Your countries' }).click();
	await expect(ada.getByRole('link', { name: 'Phonia' })).toBeVisible();

	// Locked (the full loads above lock the key), a leader is offered one unlock form for the
	// election and ban forms, not nothing.
	await ada.goto(`/c/${countryId}/government`);
	await expect(ada.getByTestId('government-unlock')).toContainText(
		'Unlock your identity to open an election, stand, vote or certify, and to ban an author'
	);
	await expect(ada.getByRole('form', { name: 'Unlock identity' })).toHaveCount(1);
	await expect(ada.getByTestId('ban-locked')).toContainText('unlock your identity to ban');

	// A mistyped passphrase: said plainly, ready to retype.
	await ada.goto(`/c/${countryId}/forum`);
	const unlockForm = ada.getByRole('form', { name: 'Unlock identity' });
	await unlockForm.getByLabel('Passphrase').fill('not my passphrase');
	await unlockForm.getByRole('button', { name: 'Unlock' }).click();
	await expect(unlockForm.getByRole('alert')).toHaveText(
		'That passphrase does not unlock this identity. Check it (and Caps Lock) and try again.'
	);
	await expect(unlockForm.getByLabel('Passphrase')).toBeFocused();
	await ada.keyboard.type(PASSPHRASE);
	await ada.keyboard.press('Enter');
	await expect(ada.getByTestId('identity-badge')).toContainText('unlocked');

	// Locked again after a reload: the header offers the way to unlock, from any page.
	await ada.reload();
	const badge = ada.getByTestId('identity-badge');
	await expect(badge).toContainText(/· locked/);
	await badge.getByRole('link', { name: 'Unlock' }).click();
	await expect(ada).toHaveURL(/\/identity\?next=[^#]*forum#unlock$/);
	// Ready to type, and back to the forum once unlocked.
	await expect(
		ada.getByRole('form', { name: 'Unlock identity' }).getByLabel('Passphrase')
	).toBeFocused();
	await ada.keyboard.type(PASSPHRASE);
	await ada.keyboard.press('Enter');
	await expect(ada).toHaveURL(new RegExp(`/c/${countryId}/forum$`));
	await expect(badge).toContainText('unlocked');
	await expect(badge.getByRole('link', { name: 'Unlock' })).toHaveCount(0);
});

test('a post that starts with a heading has one h1 and sits under Blogs; going offline is said once', async ({
	newPerson
}) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Headland');
	await ada.getByRole('link', { name: 'Write a post' }).click();
	const editor = ada.getByRole('form', { name: 'Write a post' });
	await editor.getByLabel('Title', { exact: true }).fill('Minutes of the first meeting');
	await editor
		.getByLabel('Text (Markdown)')
		.fill('# Agenda\n\nBread.\n\n## Decisions\n\nMore bread.');
	await editor.getByRole('button', { name: 'Publish', exact: true }).click();
	const post = ada.getByTestId('post');
	await expect(post.getByTestId('post-title')).toHaveText('Minutes of the first meeting');

	// The title is the page's one h1; the headings the author wrote sit below it.
	await expect
		.soft(ada.getByRole('heading', { level: 1 }))
		.toHaveText(['Minutes of the first meeting']);
	const body = post.getByTestId('post-body');
	await expect.soft(body.getByRole('heading', { level: 2 })).toHaveText(['Agenda']);
	await expect.soft(body.getByRole('heading', { level: 3 })).toHaveText(['Decisions']);
	// A post is in its author's blog: that tab is the current one, not the front page.
	const tabs = ada.getByRole('navigation', { name: 'Country' });
	await expect.soft(tabs.locator('[aria-current="true"]')).toHaveText(['Blogs']);
	await expect.soft(tabs.locator('[aria-current="page"]')).toHaveCount(0);

	// Offline: shown in the header and in the country's badge, announced by one live region.
	await ada.context().setOffline(true);
	await expect(ada.getByTestId('connection')).toHaveAttribute('data-state', 'offline');
	await expect(ada.getByTestId('offline-notice')).toContainText(
		'Offline — everything you do is kept on this device'
	);
	const live = ada.locator('[role="status"], [role="alert"], [aria-live]:not([aria-live="off"])');
	await expect(live.filter({ hasText: /offline/i })).toHaveCount(1);
	await ada.context().setOffline(false);
	// Coming back is announced in the same region (what leaves a page is never read out).
	await expect(ada.getByTestId('offline-notice')).toHaveText('Back online — syncing');
	await expect(ada.getByTestId('connection')).not.toHaveAttribute('data-state', 'offline');
});
