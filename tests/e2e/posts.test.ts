/**
 * Blog posts across separate browser contexts: publish → the other sees it on the front
 * page and in Latest; edit → the other sees the edit; only the author edits or retracts
 * (no buttons for others, and forged records from a Node peer are rejected); retraction
 * removes the post for everyone; bad input gets clear messages and loses no draft.
 */
import type { Page } from '@playwright/test';
import { encodeRecord, makeCitizen, makePost, makeRetraction } from '../../src/lib/model';
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
import { makeFounder, NodePeer, signWith, type SignedRecord } from './support/node-peer';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const SIGNAL = BASE.replace('http', 'ws') + '/signal';

type Draft = { title: string; tags?: string; body?: string };

/** Open the editor from the front page, the way a citizen does. */
async function openEditor(page: Page) {
	await openSection(page, 'Front page');
	await page.getByRole('link', { name: 'Write a post' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Write a post');
	return page.getByRole('form', { name: 'Write a post' });
}

async function fillDraft(page: Page, name: 'Write a post' | 'Edit the post', draft: Draft) {
	const form = page.getByRole('form', { name });
	await form.getByLabel('Title', { exact: true }).fill(draft.title);
	await form.getByLabel('Tags', { exact: true }).fill(draft.tags ?? '');
	await form.getByLabel('Text (Markdown)').fill(draft.body ?? '');
	return form;
}

/** Write and publish a post; resolves on its page with the post's id. */
async function publish(page: Page, draft: Draft): Promise<string> {
	await openEditor(page);
	const form = await fillDraft(page, 'Write a post', draft);
	await form.getByRole('button', { name: 'Publish', exact: true }).click();
	await expect(page.getByTestId('post').getByTestId('post-title')).toHaveText(draft.title);
	const id = new URL(page.url()).pathname.split('/')[4];
	expect(id).toMatch(/^[0-9a-f]{64}$/);
	return id!;
}

/** The records a Node peer holds, parsed, by id. */
function recordsHeld(peer: NodePeer) {
	return [...peer.records.entries()].map(([id, entry]) => ({
		id,
		record: JSON.parse((entry as { record: string }).record) as {
			kind: string;
			author: string;
			body: Record<string, unknown>;
		}
	}));
}

test('publish, read elsewhere, edit, forgeries refused, retract', async ({ newPerson }) => {
	test.setTimeout(120_000);
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Postland', { admission: 'open' });
	const bob = await newPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');
	await expect(ada.getByTestId('citizens')).toContainText('Bob');
	await expect(bob.getByTestId('latest-posts-empty')).toHaveText('No posts yet.');

	// Ada writes, with a live preview rendered as readers will see it.
	await openEditor(ada);
	await fillDraft(ada, 'Write a post', {
		title: 'Harbour reopens',
		tags: 'News, town-hall',
		body: 'The harbour is **open** again.\n\n- boats\n- ferries'
	});
	const preview = ada.getByTestId('post-preview');
	await expect(preview.locator('strong')).toHaveText('open');
	await expect(preview.locator('li')).toHaveText(['boats', 'ferries']);
	await ada.getByRole('button', { name: 'Publish', exact: true }).click();
	const post = ada.getByTestId('post');
	await expect(post.getByTestId('post-title')).toHaveText('Harbour reopens');
	await expect(post.getByTestId('post-body').locator('strong')).toHaveText('open');
	await expect(post.getByTestId('post-tags').locator('li')).toHaveText(['#news', '#town-hall']);
	const postId = new URL(ada.url()).pathname.split('/')[4]!;
	const adaKey = await post.getByTestId('author-fingerprint').textContent();
	expect(adaKey).toMatch(/^[0-9a-f]{40}([0-9a-f]{24})?$/);
	await expect(post.getByTestId('author-name')).toHaveText('Ada');
	await expect(post.getByTestId('post-edited')).toHaveCount(0);

	// Bob sees it on the front page, opens it, and sees who signed it and the Latest list.
	const bobLatest = bob.getByTestId('latest-posts');
	await expect(bobLatest.getByTestId('post-title')).toHaveText(['Harbour reopens']);
	await expect(bobLatest.getByTestId('author-name')).toHaveText('Ada');
	await expect(bobLatest.getByTestId('post-excerpt')).toHaveText(
		'The harbour is open again. boats ferries'
	);
	await bobLatest.getByRole('link', { name: 'Harbour reopens' }).click();
	const bobPost = bob.getByTestId('post');
	await expect(bobPost.getByTestId('author-name')).toHaveText('Ada');
	await expect(bobPost.getByTestId('author-fingerprint')).toHaveText(adaKey!);
	await expect(bob.getByTestId('latest-sidebar')).toContainText('Harbour reopens');
	// Not his post: no Edit, no Retract.
	await expect(bob.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
	await expect(bob.getByRole('button', { name: 'Retract', exact: true })).toHaveCount(0);
	// Nor does the edit page let him in (a fresh load: Bob only reads from here on).
	await bob.goto(`/c/${countryId}/posts/${postId}/edit`);
	await expect(bob.getByTestId('edit-forbidden')).toContainText('Only the author');
	await expect(bob.getByRole('form', { name: 'Edit the post' })).toHaveCount(0);
	await bob.getByRole('link', { name: 'Back to the post' }).click();
	// Tags lead to tag pages, the author's name to her blog.
	await bobPost.getByRole('link', { name: '#town-hall' }).click();
	await expect(bob.getByTestId('tag-posts')).toContainText('Harbour reopens');
	await bob.getByTestId('tag-posts').getByRole('link', { name: 'Harbour reopens' }).click();
	await bob.getByTestId('post').getByTestId('author-name').click();
	await expect(bob.getByTestId('blog-name')).toHaveText('Ada');
	await expect(bob.getByTestId('profile-fingerprint')).toHaveText(adaKey!);
	await expect(bob.getByTestId('profile')).toContainText('Founder since');
	await expect(bob.getByTestId('blog-posts').getByTestId('post-title')).toHaveText([
		'Harbour reopens'
	]);

	// Ada edits: a new signed revision. Bob, on her blog, sees it without doing anything.
	await ada.getByRole('link', { name: 'Edit', exact: true }).click();
	const edit = ada.getByRole('form', { name: 'Edit the post' });
	await expect(edit.getByLabel('Title', { exact: true })).toHaveValue('Harbour reopens');
	await expect(edit.getByLabel('Tags', { exact: true })).toHaveValue('news, town-hall');
	await edit.getByLabel('Title', { exact: true }).fill('Harbour reopens on Monday');
	await edit.getByLabel('Tags', { exact: true }).fill('news');
	await edit.getByLabel('Text (Markdown)').fill('From *Monday*, boats sail again.');
	await edit.getByRole('button', { name: 'Publish the edit' }).click();
	await expect(post.getByTestId('post-title')).toHaveText('Harbour reopens on Monday');
	await expect(post.getByTestId('post-edited')).toContainText('(1 edit)');
	expect(new URL(ada.url()).pathname).toBe(`/c/${countryId}/posts/${postId}`);
	await expect(bob.getByTestId('blog-posts').getByTestId('post-title')).toHaveText([
		'Harbour reopens on Monday'
	]);
	await bob.getByRole('link', { name: 'Harbour reopens on Monday' }).first().click();
	await expect(bobPost.getByTestId('post-body').locator('em')).toHaveText('Monday');
	await expect(bobPost.getByTestId('post-edited')).toBeVisible();
	await expect(bobPost.getByTestId('post-tags')).toHaveText('#news');

	// A Node peer joins the public room as a citizen and forges an edit and a retraction of
	// Ada's post under its own key, and an edit claiming to be Ada's, signed with its key.
	const mallory = await makeFounder('Mallory');
	const vandal = new NodePeer(countryId, { signaling: [SIGNAL], secret: null });
	try {
		await vandal.waitForRecords(5); // genesis, two citizens, the post and its edit
		const held = recordsHeld(vandal);
		const current = held.find(
			(r) => r.record.kind === 'post' && r.record.body.title === 'Harbour reopens on Monday'
		)!;
		const base = { country: countryId, at: Date.now() };
		const me = { ...base, author: mallory.key.fingerprint };
		const forged: SignedRecord[] = [
			await signWith(
				mallory,
				makeCitizen({
					...me,
					name: 'Mallory',
					publicKey: mallory.key.publicKey,
					admission: { type: 'open' }
				})
			),
			await signWith(
				mallory,
				makePost({ ...me, title: 'Forged by Mallory', body: 'Mine now.', replaces: current.id })
			),
			await signWith(mallory, makeRetraction({ ...me, post: postId }))
		];
		// The same edit naming Ada as author: Mallory's key cannot sign for her.
		const claimed = encodeRecord(
			makePost({ ...base, author: adaKey!, title: 'Forged as Ada', body: '', replaces: current.id })
		);
		if (!claimed.ok) throw new Error(claimed.message);
		forged.push({
			id: claimed.value.id,
			entry: { record: claimed.value.text, signature: await mallory.signText(claimed.value.text) }
		});
		// A post from a key no citizen record carries, dated past what a Date can hold: it
		// waits for its author's key, and its time reads as out of range, not "Invalid Date".
		const stranger = await makeFounder('Stranger');
		forged.push(
			await signWith(
				stranger,
				makePost({
					country: countryId,
					author: stranger.key.fingerprint,
					at: Number.MAX_SAFE_INTEGER,
					title: 'From nowhere',
					body: ''
				})
			)
		);
		vandal.write(forged);
		for (const page of [ada, bob]) {
			await openSection(page, 'Front page');
			await expect(page.getByTestId('citizens')).toContainText('Mallory');
			await expect(page.getByTestId('latest-posts').getByTestId('post-title')).toHaveText([
				'Harbour reopens on Monday'
			]);
			await openSection(page, 'Diagnostics');
			const rows = page.getByTestId('diagnostic-row');
			await expect(rows.filter({ hasText: 'edit_forbidden' })).toHaveCount(2);
			await expect(rows.filter({ hasText: 'signature_invalid' })).toHaveCount(1);
			const stray = rows.filter({ hasText: 'time out of range (at = 9007199254740991)' });
			await expect(stray).toHaveAttribute('data-shown', 'waiting');
			await expect(stray).toContainText('key is not here yet');
			await expect(page.getByTestId('diagnostics-summary')).toContainText(
				"1 waiting for their author's key"
			);
			await expect(page.getByTestId('diagnostics-summary')).not.toContainText('being checked');
			await expect(page.getByText('Invalid Date')).toHaveCount(0);
		}
	} finally {
		await vandal.close();
	}

	// Ada retracts, after confirming; the post leaves every list on both devices.
	await openSection(ada, 'Front page');
	await ada
		.getByTestId('latest-posts')
		.getByRole('link', { name: 'Harbour reopens on Monday' })
		.click();
	await ada.getByRole('button', { name: 'Retract', exact: true }).click();
	const confirm = ada.getByRole('group', { name: 'Confirm retraction' });
	await confirm.getByRole('button', { name: 'Keep it' }).click();
	await expect(confirm).toHaveCount(0);
	await ada.getByRole('button', { name: 'Retract', exact: true }).click();
	await confirm.getByRole('button', { name: 'Yes, retract it' }).click();
	await expect(ada.getByTestId('blog-posts-empty')).toBeVisible();
	for (const page of [ada, bob]) {
		await openSection(page, 'Front page');
		await expect(page.getByTestId('latest-posts-empty')).toBeVisible();
		await openSection(page, 'Blogs');
		await expect(
			page.getByTestId('blog-entry').filter({ hasText: 'Ada' }).getByTestId('blog-count')
		).toHaveText('0 posts');
	}
});

test('bad input gets clear messages, and a refused or locked draft is kept', async ({
	newPerson
}) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Strictland');
	const form = await openEditor(ada);
	const publishButton = form.getByRole('button', { name: 'Publish', exact: true });

	await publishButton.click();
	await expect(form.getByTestId('title-error')).toHaveText('Give the post a title.');
	await expect(form.getByLabel('Title', { exact: true })).toBeFocused();
	await expect(form.getByRole('alert')).toContainText('Your text is kept.');

	const longBody = 'x'.repeat(200_001);
	await fillDraft(ada, 'Write a post', {
		title: 'A'.repeat(201),
		tags: 'news, Two Words, -x',
		body: longBody
	});
	await publishButton.click();
	await expect(form.getByTestId('title-error')).toHaveText(
		'The title is 201 characters long; at most 200 fit.'
	);
	await expect(form.getByTestId('tags-error')).toContainText(
		'These are not tags: “Two Words”, “-x”.'
	);
	await expect(form.getByTestId('body-error')).toHaveText(
		'The text is 200 001 characters long; at most 200 000 fit. Shorten it or split it into several posts.'
	);
	// Nothing was lost, and nothing was published.
	await expect(form.getByLabel('Tags', { exact: true })).toHaveValue('news, Two Words, -x');
	expect(await form.getByLabel('Text (Markdown)').inputValue()).toHaveLength(200_001);

	// Locking in the middle keeps the draft; publishing waits for the unlock.
	await form.getByLabel('Title', { exact: true }).fill('Rules of the road');
	await form.getByLabel('Tags', { exact: true }).fill('rules, 2026');
	await form.getByLabel('Text (Markdown)').fill('Drive on the *left*.');
	await ada.getByTestId('identity-badge').getByRole('button', { name: 'Lock' }).click();
	await expect(publishButton).toBeDisabled();
	await expect(form.getByLabel('Title', { exact: true })).toHaveValue('Rules of the road');
	await unlock(ada);
	await publishButton.click();
	await expect(ada.getByTestId('post').getByTestId('post-title')).toHaveText('Rules of the road');
	await expect(ada.getByTestId('post').getByTestId('post-tags').locator('li')).toHaveText([
		'#rules',
		'#2026'
	]);

	// The tag pages list it; the front page too.
	await openSection(ada, 'Blogs');
	await ada.getByRole('link', { name: 'Browse by tag' }).click();
	await expect(ada.getByTestId('tags')).toContainText('#2026 (1)');
	await ada.getByRole('link', { name: '#rules' }).click();
	await expect(ada.getByTestId('tag-posts').getByTestId('post-title')).toHaveText([
		'Rules of the road'
	]);
	await openSection(ada, 'Front page');
	await expect(ada.getByTestId('latest-posts').getByTestId('post-title')).toHaveText([
		'Rules of the road'
	]);
});

test('an unsent draft survives a reload, can be discarded, and is cleared by publishing', async ({
	newPerson
}) => {
	test.setTimeout(90_000);
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Draftland');
	const writing = { title: 'Half written', tags: 'news', body: 'The first *paragraph*.' };
	await openEditor(ada);
	await fillDraft(ada, 'Write a post', writing);
	// At once, before the pause that saves typing: leaving the page saves too.
	await ada.reload();
	const form = ada.getByRole('form', { name: 'Write a post' });
	const expectFields = async (draft: Required<Draft>) => {
		await expect(form.getByLabel('Title', { exact: true })).toHaveValue(draft.title);
		await expect(form.getByLabel('Tags', { exact: true })).toHaveValue(draft.tags);
		await expect(form.getByLabel('Text (Markdown)')).toHaveValue(draft.body);
	};
	await expectFields(writing);
	await expect(form.getByTestId('draft-restored')).toContainText(
		/^Restored your unsent draft from \d{1,2}:\d{2}/
	);
	// Kept on this device only: nothing of it reached the shared record set.
	await ada.goto(`/c/${countryId}/diagnostics`);
	await expect(ada.getByTestId('diagnostics-summary')).toContainText('2 valid · 0 invalid');
	await expect(ada.getByTestId('diagnostic-row').filter({ hasText: 'post' })).toHaveCount(0);

	// Discard empties the form, and a reload brings nothing back.
	await ada.goto(`/c/${countryId}/write`);
	await expectFields(writing);
	await form.getByRole('button', { name: 'Discard' }).click();
	await expectFields({ title: '', tags: '', body: '' });
	await expect(form.getByTestId('draft-restored')).toHaveCount(0);
	await ada.reload();
	await expect(form).toBeVisible();
	await expectFields({ title: '', tags: '', body: '' });
	await expect(form.getByTestId('draft-restored')).toHaveCount(0);

	// Typed again, then left alone (the tab could crash now): the pause saved it.
	await fillDraft(ada, 'Write a post', writing);
	await expect
		.poll(() =>
			ada.evaluate(() => Object.keys(localStorage).filter((k) => k.includes(':post:new')))
		)
		.toHaveLength(1);
	await ada.reload();
	await expectFields(writing);
	await unlock(ada);
	await form.getByRole('button', { name: 'Publish', exact: true }).click();
	await expect(ada.getByTestId('post').getByTestId('post-title')).toHaveText(writing.title);
	const postId = new URL(ada.url()).pathname.split('/')[4]!;
	// Published: the editor starts empty again, with nothing to restore.
	await ada.goto(`/c/${countryId}/write`);
	await expect(form).toBeVisible();
	await expectFields({ title: '', tags: '', body: '' });
	await expect(form.getByTestId('draft-restored')).toHaveCount(0);

	// An edit is kept per post, apart from new posts, and cleared when the edit is published.
	await ada.goto(`/c/${countryId}/posts/${postId}/edit`);
	const edit = ada.getByRole('form', { name: 'Edit the post' });
	await edit.getByLabel('Text (Markdown)').fill('The first *paragraph*, and a second.');
	await ada.reload();
	await expect(edit.getByLabel('Text (Markdown)')).toHaveValue(
		'The first *paragraph*, and a second.'
	);
	await expect(edit.getByLabel('Title', { exact: true })).toHaveValue(writing.title);
	await expect(edit.getByTestId('draft-restored')).toBeVisible();
	await unlock(ada);
	await edit.getByRole('button', { name: 'Publish the edit' }).click();
	await expect(ada.getByTestId('post').getByTestId('post-body')).toContainText('and a second.');
	await ada.goto(`/c/${countryId}/posts/${postId}/edit`);
	await expect(edit.getByLabel('Text (Markdown)')).toHaveValue(
		'The first *paragraph*, and a second.'
	);
	await expect(edit.getByTestId('draft-restored')).toHaveCount(0);
	expect(
		await ada.evaluate(() => Object.keys(localStorage).filter((k) => k.includes(':draft:')))
	).toEqual([]);
});

test('the front page shows the latest 20 posts, newest first', async ({ newPerson }) => {
	test.setTimeout(120_000);
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Busyland');
	for (let i = 1; i <= 21; i++) await publish(ada, { title: `Note ${i}` });
	await openSection(ada, 'Front page');
	const titles = ada.getByTestId('latest-posts').getByTestId('post-title');
	await expect(titles).toHaveText(Array.from({ length: 20 }, (_, i) => `Note ${21 - i}`));
	await openSection(ada, 'Blogs');
	await expect(ada.getByTestId('blog-count')).toHaveText('21 posts');
});
