import { type Page } from '@playwright/test';
import {
	createIdentity,
	expect,
	foundCountry,
	invite,
	joinAsNewcomer,
	openSection,
	test,
	unlock
} from './fixtures';

/** The election's card on the government page (there is one in this test). */
const electionCard = (page: Page) => page.getByTestId('election');

/** Search the country from its Search tab and expect `hits` results. */
async function searchFinds(page: Page, query: string, hits: number) {
	await openSection(page, 'Search');
	await page.getByRole('combobox', { name: 'Search this country' }).fill(query);
	await expect(page.getByRole('option')).toHaveCount(hits);
	if (hits === 0) await expect(page.getByText('Nothing found.')).toBeVisible();
}

async function vote(page: Page, names: string[]) {
	const form = page.getByRole('form', { name: 'Vote' });
	for (const name of names) await form.getByLabel(name).check();
	await form.getByRole('button', { name: 'Cast my ballot' }).click();
	await expect(form.getByRole('button', { name: 'Change my ballot' })).toBeVisible();
}

test('three citizens: an election, a personal mute, the winner features a post and bans its author', async ({
	newPerson
}) => {
	// Three people, three key generations, a 15-second voting window and sync between them.
	test.setTimeout(150_000);
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Electia');
	const bob = await newPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');
	const cy = await newPerson();
	await joinAsNewcomer(cy, await invite(ada), 'Cy');
	// Cy writes a post that everyone reads on the front page.
	await cy.getByRole('link', { name: 'Write a post' }).click();
	const editor = cy.getByRole('form', { name: 'Write a post' });
	await editor.getByLabel('Title', { exact: true }).fill('Cheap watches, best prices');
	await editor.getByLabel('Text (Markdown)').fill('Buy now.');
	await editor.getByRole('button', { name: 'Publish', exact: true }).click();
	await expect(cy.getByTestId('post').getByTestId('post-title')).toBeVisible();
	for (const page of [ada, bob, cy]) {
		await openSection(page, 'Front page');
		await expect(page.getByTestId('latest-posts')).toContainText('Cheap watches');
		await expect(page.getByTestId('citizens')).toContainText('Cy');
		await searchFinds(page, 'watches', 1);
		await openSection(page, 'Government');
		await expect(page.getByTestId('ballots-public')).toContainText('Secret ballots are not');
		await expect(page.getByTestId('leaders')).toContainText('Ada');
	}

	// Ada opens an election for term 1 (nobody is elected yet), voting for 15 seconds.
	const open = ada.getByRole('form', { name: 'Open an election' });
	await expect(open.getByLabel('For term')).toHaveValue('1');
	await open.getByLabel('Voting closes in (minutes)').fill('0.25');
	await open.getByRole('button', { name: 'Open the election now' }).click();
	for (const page of [ada, bob, cy]) {
		await expect(electionCard(page)).toHaveAttribute('data-phase', 'open');
	}

	// Bob and Ada stand; everyone approves Bob and nobody Ada, who therefore is not elected
	// although seats are left (the founding form gives five).
	const stand = bob.getByRole('form', { name: 'Stand in this election' });
	await stand.getByLabel('Your statement to the voters').fill('Longer library hours.');
	await stand.getByRole('button', { name: 'Stand as a candidate' }).click();
	const adaStands = ada.getByRole('form', { name: 'Stand in this election' });
	await adaStands.getByLabel('Your statement to the voters').fill('Steady as before.');
	await adaStands.getByRole('button', { name: 'Stand as a candidate' }).click();
	for (const page of [ada, bob, cy]) {
		await expect(electionCard(page).getByTestId('candidate')).toHaveCount(2);
	}
	await vote(ada, ['Bob']);
	await vote(bob, ['Bob']);
	await vote(cy, ['Bob']);
	// The live tally, the same on every peer.
	for (const page of [ada, bob, cy]) {
		await expect(electionCard(page).getByTestId('live-count')).toHaveText(
			'Live count: 3 ballots so far.'
		);
		const bobRow = electionCard(page).getByTestId('candidate').filter({ hasText: 'Bob' });
		await expect(bobRow.getByTestId('approvals')).toHaveText('3');
	}

	// While the vote runs, Ada mutes Cy for herself from Cy's post: Cy's writing leaves Ada's
	// views (front page, blog, search), and only hers.
	await openSection(ada, 'Front page');
	await ada.getByTestId('latest-posts').getByRole('link', { name: 'Cheap watches' }).click();
	await ada.getByRole('button', { name: 'Mute Cy' }).click();
	await expect(ada.getByTestId('muted-notice')).toContainText('You muted Cy');
	await expect(ada.getByTestId('post')).toHaveCount(0);
	await openSection(ada, 'Front page');
	await expect(ada.getByTestId('latest-posts-empty')).toBeVisible();
	await ada.getByTestId('citizens').getByRole('link', { name: 'Cy' }).click();
	await expect(ada.getByTestId('muted-notice')).toContainText('their blog');
	await expect(ada.getByTestId('blog-posts')).toHaveCount(0);
	await searchFinds(ada, 'watches', 0);
	await openSection(bob, 'Front page');
	await expect(bob.getByTestId('latest-posts')).toContainText('Cheap watches');
	await searchFinds(bob, 'watches', 1);
	await openSection(bob, 'Government');
	// The mute is kept on Ada's device: still there after a reload (which locks her key).
	await ada.reload();
	await openSection(ada, 'Front page');
	await expect(ada.getByTestId('muted-summary')).toBeVisible();
	await expect(ada.getByTestId('latest-posts-empty')).toBeVisible();
	// Unmuting from her personal filters brings Cy's post back.
	await openSection(ada, 'Government');
	const muted = ada.getByTestId('muted-list');
	await expect(muted).toContainText('Cy');
	await muted.getByRole('button', { name: 'Unmute Cy' }).click();
	await expect(ada.getByTestId('muted-empty')).toBeVisible();
	await searchFinds(ada, 'watches', 1);
	await openSection(ada, 'Front page');
	await expect(ada.getByTestId('latest-posts')).toContainText('Cheap watches');
	await openSection(ada, 'Government');
	await unlock(ada);

	// Voting closes; Ada, the founder, is the outgoing leader and certifies at once.
	await expect(electionCard(ada)).toHaveAttribute('data-phase', 'counting', { timeout: 30_000 });
	await ada.getByRole('button', { name: /Certify the result \(3 ballots\)/ }).click();
	for (const page of [ada, bob, cy]) {
		await expect(electionCard(page)).toHaveAttribute('data-phase', 'certified');
		await expect(page.getByTestId('certification')).toContainText(
			'3 ballots counted; my own count agrees'
		);
		await expect(page.getByTestId('leaders')).toContainText('Bob');
		await expect(page.getByTestId('leaders')).not.toContainText('Ada');
	}

	// Bob, now a leader, features Cy's post: it is in "Featured" on every front page. Ada, no
	// longer leading, has no such control.
	await openSection(bob, 'Front page');
	await bob.getByTestId('latest-posts').getByRole('link', { name: 'Cheap watches' }).click();
	await bob.getByRole('button', { name: 'Feature on the front page' }).click();
	await expect(bob.getByTestId('post-featured')).toBeVisible();
	await expect(bob.getByRole('button', { name: 'Unfeature' })).toBeVisible();
	for (const page of [ada, cy]) {
		await openSection(page, 'Front page');
		await expect(page.getByTestId('featured-posts')).toContainText('Cheap watches');
	}
	await ada.getByTestId('featured-posts').getByRole('link', { name: 'Cheap watches' }).click();
	await expect(ada.getByTestId('post-featured')).toBeVisible();
	await expect(ada.getByRole('button', { name: /Feature|Unfeature/ })).toHaveCount(0);
	for (const page of [ada, bob, cy]) await openSection(page, 'Government');

	// Bob bans Cy from the public site; everyone sees it in the public log.
	await expect(ada.getByRole('form', { name: 'Ban an author' })).toHaveCount(0);
	const ban = bob.getByRole('form', { name: 'Ban an author' });
	await ban.getByLabel('Author').selectOption({ label: 'Cy' });
	await ban.getByLabel('Reason (public)').fill('Advertising in every thread');
	await ban.getByRole('button', { name: 'Ban from the public site' }).click();
	for (const page of [ada, bob, cy]) {
		await expect(page.getByTestId('filter-log')).toContainText('banned Cy');
		await expect(page.getByTestId('filter-log')).toContainText('Advertising in every thread');
	}
	// Cy's post is gone from the public site on every peer, featured or not, and from search.
	for (const page of [ada, bob, cy]) {
		await openSection(page, 'Front page');
		await expect(page.getByTestId('latest-posts-empty')).toBeVisible();
		await expect(page.getByTestId('featured-posts')).toHaveCount(0);
		await searchFinds(page, 'watches', 0);
	}
});
