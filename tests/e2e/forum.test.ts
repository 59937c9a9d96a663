/**
 * The citizens' area across separate browser contexts: threads and replies, a draft two
 * citizens type into at once and one publishes, XSS in every forum field, and peers
 * without the citizens' secret (Node peers in the public room) that must never see any of it.
 */
import type { Page } from '@playwright/test';
import { decodeInvitation, makeCitizen, makePage, makeThread } from '../../src/lib/model';
import { xssPayloads } from '../../src/lib/render/test-fixtures';
import {
	createIdentity,
	expect,
	fillNewIdentity,
	foundCountry,
	invite,
	navigate,
	openSection,
	test,
	twoCitizens
} from './fixtures';
import { makeFounder, NodePeer, signWith } from './support/node-peer';

const AREA = 'Citizens’ area';

async function openThread(page: Page, title: string, body: string) {
	await openSection(page, AREA);
	const form = page.getByRole('form', { name: 'New thread' });
	await form.getByLabel('Title', { exact: true }).fill(title);
	await form.getByLabel('Text', { exact: true }).fill(body);
	await form.getByRole('button', { name: 'Open the thread' }).click();
	await expect(page.getByTestId('thread-title')).toHaveText(title);
}

async function reply(page: Page, body: string) {
	const form = page.getByRole('form', { name: 'Reply' });
	await form.getByLabel('Your reply', { exact: true }).fill(body);
	await form.getByRole('button', { name: 'Reply' }).click();
	await expect(form.getByLabel('Your reply', { exact: true })).toHaveValue('');
	await expect(form.getByLabel('Your reply', { exact: true })).toBeFocused();
}

test('a thread and its replies reach every citizen, and no peer without the citizens’ secret', async ({
	newPerson
}) => {
	const { ada, bob, countryId, link } = await twoCitizens(newPerson, 'Forumland');
	const invitation = decodeInvitation(new URL(link).hash);
	if (!invitation.ok) throw new Error(invitation.message);
	const { signaling, secret } = invitation.value;

	await openThread(ada, 'Where shall we meet?', 'I propose **the old mill**.');
	const adaKey = ada.getByTestId('provenance').first().locator('[data-fingerprint]');
	const adaFingerprint = await adaKey.textContent();
	expect(adaFingerprint).toMatch(/^[0-9a-f]{16}…$/);

	await openSection(bob, AREA);
	const row = bob.getByTestId('thread-row');
	await expect(row).toContainText('Where shall we meet?');
	await expect(row).toContainText('Ada');
	await row.getByRole('link', { name: 'Where shall we meet?' }).click();
	const opening = bob.getByTestId('forum-message').first();
	await expect(opening.locator('strong', { hasText: 'the old mill' })).toBeVisible();
	await expect(opening.getByTestId('provenance')).toContainText('Ada');
	await expect(opening.getByTestId('provenance')).toContainText(adaFingerprint!);
	await reply(bob, 'The mill suits me. *Bring bread.*');

	// Ada, still on the thread page, sees the reply arrive, signed by Bob.
	const messages = ada.getByTestId('forum-message');
	await expect(messages).toHaveCount(2);
	await expect(messages.nth(1)).toContainText('The mill suits me.');
	await expect(messages.nth(1).locator('em')).toHaveText('Bring bread.');
	await expect(messages.nth(1).getByTestId('provenance')).toContainText('Bob');
	await ada.getByRole('link', { name: '← All threads' }).click();
	const listed = ada.getByTestId('thread-row');
	await expect(listed).toContainText('Where shall we meet?');
	await expect(listed.locator('td').nth(2)).toHaveText('1'); // replies

	// Citizens search their area: a word of Bob's reply finds it, labelled as a thread.
	await openSection(ada, 'Search');
	await ada.getByRole('combobox', { name: 'Search this country' }).fill('bread');
	const hit = ada.getByRole('listbox', { name: 'Search results' }).getByRole('option');
	await expect(hit).toHaveCount(1);
	await expect(hit).toContainText('thread');
	await expect(hit).toContainText('Where shall we meet?');

	// Bob received Ada's thread through the citizens' room, so it carries data. A Node peer
	// with a wrong secret joins both rooms: it gets every public record, but no channel in the
	// citizens' room, so nothing of the citizens' area. (A peer with no secret at all does not
	// even join that room.)
	const outsider = new NodePeer(countryId, { signaling, secret: 'not-the-secret-0123456789ab' });
	try {
		await outsider.waitForRecords(4); // genesis, Ada's citizen record, the invite, Bob's
		// Records came through the public room; the citizens' room may still be deriving its key.
		const [publicRoom, citizensRoom] = await outsider.rooms();
		expect(publicRoom!.webrtcConns.size).toBeGreaterThan(0);
		expect(citizensRoom!.webrtcConns.size).toBe(0);
		expect(outsider.docs.citizensRecords.size).toBe(0);
		expect(outsider.docs.drafts.size).toBe(0);
	} finally {
		await outsider.close();
	}
	expect(secret).not.toBe('not-the-secret-0123456789ab');
});

test('a thread and a page dated past what a Date can hold show the time as out of range', async ({
	newPerson
}) => {
	const ada = await newPerson();
	const errors: string[] = [];
	ada.on('pageerror', (error) => errors.push(error.message));
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Farland', { admission: 'open' });
	const invitation = decodeInvitation(new URL(await invite(ada)).hash);
	if (!invitation.ok) throw new Error(invitation.message);

	// Zed, a citizen with a real key, signs a thread and a page at the largest safe integer.
	const zed = await makeFounder('Zed');
	const me = { country: countryId, author: zed.key.fingerprint };
	const far = { ...me, at: Number.MAX_SAFE_INTEGER };
	const peer = new NodePeer(countryId, {
		signaling: invitation.value.signaling,
		secret: invitation.value.secret
	});
	try {
		const citizen = makeCitizen({
			...me,
			at: Date.now(),
			name: 'Zed',
			publicKey: zed.key.publicKey,
			admission: { type: 'open' }
		});
		peer.write([
			await signWith(zed, citizen),
			await signWith(zed, makePage({ ...far, slug: 'tomorrow', title: 'Tomorrow', body: '' }))
		]);
		const thread = makeThread({ ...far, title: 'From the far future', body: 'Zeppelins.' });
		peer.write([await signWith(zed, thread)], 'citizens');

		const outOfRange = 'time out of range (at = 9007199254740991)';
		await openSection(ada, AREA);
		const row = ada.getByTestId('thread-row');
		await expect(row).toContainText(outOfRange);
		await row.getByRole('link', { name: 'From the far future' }).click();
		await expect(ada.getByTestId('provenance')).toContainText('Zed');
		await expect(ada.getByTestId('provenance')).toContainText(outOfRange);
		await openSection(ada, 'Search');
		await ada.getByRole('combobox', { name: 'Search this country' }).fill('zeppelins');
		const hit = ada.getByRole('listbox', { name: 'Search results' }).getByRole('option');
		await expect(hit).toContainText(outOfRange);
		await openSection(ada, 'Pages');
		await expect(ada.getByTestId('page-row').getByTestId('byline')).toContainText(outOfRange);
		await expect(ada.getByText('Invalid Date')).toHaveCount(0);
		expect(errors).toEqual([]);
	} finally {
		await peer.close();
	}
});

test('an identity that is not a citizen is told why it cannot come in', async ({ newPerson }) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Closedland');
	await openThread(ada, 'Only for us', 'Citizens only.');
	await navigate(ada, 'Identity');
	await fillNewIdentity(ada, 'Eve');
	await expect(ada.getByTestId('identity-badge')).toContainText('Eve');
	await navigate(ada, 'Countries');
	await ada.getByRole('link', { name: 'Closedland' }).click();
	await openSection(ada, AREA);
	await expect(ada.getByTestId('forum-closed')).toContainText('Eve is not one of them');
	await expect(ada.getByText('Only for us')).toHaveCount(0);
});

test('two citizens type into one draft at the same time, then one publishes it as a post', async ({
	newPerson
}) => {
	const { ada, bob } = await twoCitizens(newPerson, 'Draftland');
	await openSection(ada, AREA);
	await ada.getByRole('button', { name: 'Start a shared draft' }).click();
	await expect(ada.getByRole('heading', { level: 1 })).toHaveText('Shared draft');
	const adaTitle = ada.getByLabel('Title');
	const adaText = ada.getByLabel('Text', { exact: true });
	await adaTitle.pressSequentially('Our manifesto');
	await adaText.pressSequentially('We meet at the mill.');

	await openSection(bob, AREA);
	await bob.getByTestId('draft-list').getByRole('link', { name: 'Our manifesto' }).click();
	const bobText = bob.getByLabel('Text', { exact: true });
	await expect(bobText).toHaveValue('We meet at the mill.');

	// At the same time: Ada goes on at the end, Bob writes at the start.
	await adaText.focus();
	await ada.keyboard.press('End');
	await bobText.focus();
	await bob.keyboard.press('Home');
	await Promise.all([
		adaText.pressSequentially(' Bring bread.', { delay: 40 }),
		bobText.pressSequentially('Friends! ', { delay: 40 })
	]);
	const merged = 'Friends! We meet at the mill. Bring bread.';
	await expect(adaText).toHaveValue(merged);
	await expect(bobText).toHaveValue(merged);
	await expect(bob.getByRole('region', { name: 'Draft preview' })).toContainText(merged);

	await bob.getByLabel(/Tags/).fill('manifesto, mill');
	await bob.getByRole('button', { name: 'Publish as my post' }).click();
	// Each side shows the post only once it is a valid record of its public document.
	for (const page of [bob, ada]) {
		const published = page.getByTestId('draft-published');
		await expect(published).toContainText('Published as a post: Our manifesto');
		await expect(published.getByTestId('provenance')).toContainText('Bob');
		await expect(page.getByLabel('Text', { exact: true })).toHaveJSProperty('readOnly', true);
	}
	await openSection(ada, 'Diagnostics');
	await expect(
		ada.getByTestId('diagnostic-row').filter({ hasText: 'post' }).filter({ hasText: 'valid' })
	).toHaveCount(1);
});

test('bad input gets a clear message; script in titles and bodies stays inert', async ({
	newPerson
}) => {
	const { ada, bob } = await twoCitizens(newPerson, 'Inertia');
	const dialogs: string[] = [];
	for (const page of [ada, bob]) {
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss().catch(() => {});
		});
	}

	await openSection(ada, AREA);
	const form = ada.getByRole('form', { name: 'New thread' });
	await form.getByRole('button', { name: 'Open the thread' }).click();
	await expect(form.getByRole('alert')).toHaveText('Title: must not be empty.');

	const title = '<img src=x onerror=window.__xss=1> "><script>window.__xss=1</script>';
	const payloads = xssPayloads().map((p) => p.payload);
	expect(payloads.length).toBeGreaterThanOrEqual(30);
	await openThread(ada, title, payloads.join('\n\n'));

	await openSection(bob, AREA);
	await bob.getByTestId('thread-row').getByRole('link').click();
	await expect(bob.getByTestId('thread-title')).toHaveText(title);
	const replyForm = bob.getByRole('form', { name: 'Reply' });
	await replyForm.getByLabel('Your reply', { exact: true }).fill('   ');
	await replyForm.getByRole('button', { name: 'Reply' }).click();
	await expect(replyForm.getByRole('alert')).toHaveText('Write something to reply.');
	await reply(bob, payloads.join('\n\n'));

	await expect(ada.getByTestId('forum-message')).toHaveCount(2);
	for (const page of [ada, bob]) {
		await expect(page.getByTestId('thread-title')).toHaveText(title);
		const thread = page.locator('article');
		await expect(thread.locator('script, iframe, object, embed, svg, math, form')).toHaveCount(0);
		await expect(thread.locator('[onerror], [onload], [onclick], [onmouseover]')).toHaveCount(0);
		await expect(thread.locator('a[href^="javascript:" i], a[href^="data:" i]')).toHaveCount(0);
		expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
		await page.getByRole('link', { name: '← All threads' }).click();
		await expect(page.getByTestId('thread-row').getByRole('link')).toHaveText(title);
	}
	expect(dialogs).toEqual([]);
});

test('removing a shared draft asks first and says so; a bad tag gets the post editor’s words', async ({
	newPerson
}) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Scrapland');
	await openSection(ada, AREA);
	await ada.getByRole('button', { name: 'Start a shared draft' }).click();
	await ada.getByLabel('Title').pressSequentially('Old idea');
	await ada.getByLabel(/Tags/).fill('Bad Tag');
	await ada.getByRole('button', { name: 'Publish as my post' }).click();
	await expect(ada.getByRole('alert')).toContainText('This is not a tag: “Bad Tag”');
	await expect(ada.getByRole('alert')).not.toContainText('body.tags');

	await ada.getByRole('button', { name: 'Remove the draft' }).click();
	const confirm = ada.getByRole('group', { name: 'Confirm removal' });
	await expect(confirm).toContainText('Remove this draft for every citizen?');
	await expect(confirm.getByRole('button', { name: 'Yes, remove it' })).toBeFocused();
	await confirm.getByRole('button', { name: 'Cancel' }).click();
	await expect(confirm).toHaveCount(0);
	await ada.getByRole('button', { name: 'Remove the draft' }).click();
	await confirm.getByRole('button', { name: 'Yes, remove it' }).click();
	await expect(ada.getByRole('status').filter({ hasText: 'Removed the draft' })).toHaveText(
		'Removed the draft “Old idea” for every citizen.'
	);
	await expect(ada.getByTestId('draft-list')).toHaveCount(0);
});
