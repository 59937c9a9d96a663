/**
 * Search (issue 4, part 6): a post another peer publishes is found by a word in it, in two
 * separate browser contexts, with the keyboard. Until the post editor lands, the other peer
 * is a citizen running in Node (the country's founder), signing with its own key.
 */
import type { Page } from '@playwright/test';
import { expect, joinAsNewcomer, openSection, test } from './fixtures';
import { makePage, makePost } from '../../src/lib/model';
import { inviteUrl, makeFounder, NodePeer, seedCountry, signWith } from './support/node-peer';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const SIGNAL = BASE.replace('http', 'ws') + '/signal';
const SECRET = 'search-secret-0123456789abcdef';

const searchBox = (page: Page) => page.getByRole('combobox', { name: 'Search this country' });
const results = (page: Page) => page.getByRole('listbox', { name: 'Search results' });
const options = (page: Page) => results(page).getByRole('option');

test('a post published by another peer is found by a word in it, with the keyboard', async ({
	newPerson
}) => {
	test.setTimeout(120_000);
	const founder = await makeFounder('Founder Fiona');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Searchland',
		posts: 5,
		postBytes: 300
	});
	const seeder = new NodePeer(countryId, { signaling: [SIGNAL], secret: SECRET });
	seeder.write(records);
	const link = inviteUrl(BASE, {
		country: countryId,
		name: 'Searchland',
		secret: SECRET,
		signaling: [SIGNAL]
	});

	const ada = await newPerson();
	await joinAsNewcomer(ada, link, 'Ada');
	const bob = await newPerson();
	await joinAsNewcomer(bob, link, 'Bob');
	await expect(bob.getByTestId('citizens')).toContainText('Ada');

	await openSection(ada, 'Search');
	await searchBox(ada).fill('zeppelin');
	await expect(ada.getByTestId('search-status')).toContainText('Nothing found.');
	// The seeded posts are searchable; the query box is not stale.
	await searchBox(ada).fill('lorem numb');
	await expect(options(ada)).toHaveCount(5);

	// Written by the other peer while Ada waits on the search page.
	const at = Date.now();
	const post = await signWith(
		founder,
		makePost({
			country: countryId,
			author: founder.key.fingerprint,
			at,
			title: 'The zeppelin parade <img src=x onerror=window.__xss=1>',
			body: 'On Sunday the **zeppelins** fly over the harbour. <script>window.__xss=2</script>',
			tags: ['festival']
		})
	);
	const page = await signWith(
		founder,
		makePage({
			country: countryId,
			author: founder.key.fingerprint,
			at: at + 1,
			slug: 'airfield',
			title: 'Airfield',
			body: 'Where the zeppelin lands.'
		})
	);
	seeder.write([post, page]);

	await searchBox(ada).fill('zeppelin');
	await expect(options(ada)).toHaveCount(2);
	const first = options(ada).nth(0);
	await expect(first).toContainText('post');
	await expect(first).toContainText('The zeppelin parade <img src=x onerror=window.__xss=1>');
	await expect(first.locator('mark').first()).toHaveText('zeppelin');
	await expect(first).toContainText('by Founder Fiona');
	await expect(options(ada).nth(1)).toContainText('page');
	await expect(options(ada).nth(1)).toContainText('Airfield');

	// The same post is found from the other browser, by a prefix and with a typo.
	await openSection(bob, 'Search');
	await searchBox(bob).fill('harbo');
	await expect(options(bob)).toHaveCount(1);
	await expect(options(bob).first()).toContainText('The zeppelin parade');
	await searchBox(bob).fill('zepelin parade');
	await expect(options(bob)).toHaveCount(1);

	// Keyboard: arrows move the active result, Escape clears, Enter opens.
	const box = searchBox(ada);
	await expect(box).toBeFocused();
	await expect(box).toHaveAttribute('aria-expanded', 'true');
	await expect(box).not.toHaveAttribute('aria-activedescendant');
	await box.press('ArrowDown');
	await expect(first).toHaveAttribute('aria-selected', 'true');
	await expect(box).toHaveAttribute('aria-activedescendant', (await first.getAttribute('id'))!);
	await box.press('ArrowDown');
	await expect(options(ada).nth(1)).toHaveAttribute('aria-selected', 'true');
	await expect(first).toHaveAttribute('aria-selected', 'false');
	await box.press('ArrowDown'); // wraps around
	await expect(first).toHaveAttribute('aria-selected', 'true');
	await box.press('ArrowUp');
	await expect(options(ada).nth(1)).toHaveAttribute('aria-selected', 'true');
	await box.press('Escape');
	await expect(box).toHaveValue('');
	await expect(options(ada)).toHaveCount(0);
	await expect(box).toHaveAttribute('aria-expanded', 'false');

	await box.pressSequentially('zeppelin');
	await expect(options(ada)).toHaveCount(2);
	await box.press('ArrowDown');
	await box.press('ArrowDown');
	await box.press('Enter');
	await expect(ada).toHaveURL(`${BASE}/c/${countryId}/pages/airfield`);

	for (const person of [ada, bob]) {
		expect(await person.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
	}
	await seeder.close();
});
