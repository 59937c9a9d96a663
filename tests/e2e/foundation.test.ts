import { readFile } from 'node:fs/promises';
import {
	createIdentity,
	expect,
	fillNewIdentity,
	foundCountry,
	navigate,
	openSection,
	PASSPHRASE,
	test,
	unlock
} from './fixtures';

test('create an identity, found a country, reload: everything is still there', async ({
	newPerson
}) => {
	const page = await newPerson();
	await createIdentity(page, 'Ada');
	// Made: the page says so, with what to do next.
	const ready = page.getByTestId('identity-ready');
	await expect(ready).toBeFocused();
	await expect(ready).toContainText('Your identity Ada is ready.');
	for (const next of [
		'Found a country',
		'Import a country file',
		'Export your private key as a backup'
	]) {
		await expect(ready.getByRole('link', { name: next })).toBeVisible();
	}
	const id = await foundCountry(page, 'First Webocratic Republic');

	await expect(page.getByTestId('citizens')).toContainText('Ada');
	await expect(page.getByTestId('citizens')).toContainText('founder');

	await page.reload();
	await expect(page.getByTestId('country-name')).toHaveText('First Webocratic Republic');
	await expect(page.getByTestId('citizens')).toContainText('Ada');
	// After a reload the key is locked again until the passphrase is given.
	await expect(page.getByTestId('identity-badge')).toContainText('locked');

	await page.goto('/');
	await expect(page.getByTestId('held-countries')).toContainText('First Webocratic Republic');

	await page.goto(`/c/${id}/diagnostics`);
	await expect(page.getByTestId('diagnostics-summary')).toContainText('2 valid · 0 invalid');
});

test('a damaged stored update: the country opens with the rest and says what happened', async ({
	newPerson
}) => {
	const page = await newPerson();
	await createIdentity(page, 'Ada');
	const id = await foundCountry(page, 'Republic of Scratches');
	// What a failing disk or a half-written row leaves: bytes that are no Yjs update.
	await page.evaluate(
		(name) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction('updates', 'readwrite');
					tx.objectStore('updates').add(new Uint8Array([0xff, 0xff, 0xff, 0x07, 0x01]));
					tx.oncomplete = () => {
						open.result.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			}),
		`webocracy/${id}/public`
	);
	await page.reload();
	await expect(page.getByTestId('country-name')).toHaveText('Republic of Scratches');
	await expect(page.getByTestId('citizens')).toContainText('Ada');
	await expect(page.getByTestId('storage-read-problem')).toContainText(
		'1 stored update was unreadable (kept aside)'
	);
});

test('a wrong passphrase is refused and nothing is lost', async ({ newPerson }) => {
	const page = await newPerson();
	await createIdentity(page, 'Grace');
	await page.reload();
	await page.goto('/identity');
	await unlock(page, 'not the passphrase');
	await expect(page.getByRole('alert')).toContainText(/passphrase/i);
	await expect(page.getByTestId('identity-badge')).toContainText('locked');
	await unlock(page, PASSPHRASE);
	await expect(page.getByTestId('identity-badge')).toContainText('unlocked');
});

test('founding refuses an empty or overlong name with a clear message', async ({ newPerson }) => {
	const page = await newPerson();
	await createIdentity(page, 'Linus');
	await navigate(page, 'Countries');
	await page.getByRole('link', { name: 'Found a country' }).click();
	await page.getByLabel('Country name').fill('   ');
	await page.getByRole('button', { name: 'Found the country' }).click();
	await expect(page.getByRole('alert')).toContainText('Country name: must not be empty');
	await page.getByLabel('Country name').fill('x'.repeat(10_000));
	await page.getByRole('button', { name: 'Found the country' }).click();
	await expect(page.getByRole('alert')).toContainText('Country name: must be at most 80');
	await page.goto('/');
	await expect(page.getByText('You hold no country yet.')).toBeVisible();
});

test('a corrupt key file is refused on import', async ({ newPerson }) => {
	const page = await newPerson();
	await page.goto('/identity');
	// A short passphrase is refused in the form's own style.
	await fillNewIdentity(page, 'Shorty', 'short');
	await expect(page.getByRole('alert')).toHaveText(
		'The passphrase is too short: use at least 8 characters.'
	);
	await page.getByLabel('…or paste it').fill('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\ngarbage\n');
	await page.getByLabel("The key's passphrase").fill(PASSPHRASE);
	await page.getByRole('button', { name: 'Import key' }).click();
	await expect(page.getByRole('region', { name: 'Import a key' }).getByRole('alert')).toHaveText(
		'This is not a readable OpenPGP key: it may be cut short, or not a key at all.'
	);
	await expect(page.getByTestId('identity-badge')).toHaveCount(0);
});

test('a key exported in one context imports in another', async ({ newPerson }) => {
	const first = await newPerson();
	await createIdentity(first, 'Hedy');
	const fingerprint = await first.getByTestId('fingerprint').textContent();
	const [download] = await Promise.all([
		first.waitForEvent('download'),
		first.getByRole('button', { name: 'Export private key' }).click()
	]);
	const armored = await readFile((await download.path())!, 'utf8');
	expect(armored).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');

	const second = await newPerson();
	await second.goto('/identity');
	// A damaged copy and a wrong passphrase are each said in plain words.
	const lines = armored.split('\n');
	const line = lines[3]!;
	const at = line.length >> 1;
	lines[3] = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
	await second.getByLabel('…or paste it').fill(lines.join('\n'));
	await second.getByLabel("The key's passphrase").fill(PASSPHRASE);
	await second.getByRole('button', { name: 'Import key' }).click();
	await expect(second.getByRole('alert')).toHaveText(
		'This key file is damaged: part of it changed on the way. Export the key again and import the new file.'
	);
	await second.getByLabel('…or paste it').fill(armored);
	await second.getByLabel("The key's passphrase").fill('not the passphrase');
	await second.getByRole('button', { name: 'Import key' }).click();
	await expect(second.getByRole('alert')).toHaveText(
		'That passphrase does not unlock this key. Check it (and Caps Lock) and try again.'
	);
	await second.getByLabel("The key's passphrase").fill(PASSPHRASE);
	await second.getByRole('button', { name: 'Import key' }).click();
	await expect(second.getByTestId('fingerprint')).toHaveText(fingerprint!);
	await expect(second.getByTestId('identity-ready')).toContainText(
		'Imported Hedy: your identity is ready.'
	);
	await expect(second.getByTestId('identity-badge')).toContainText('unlocked');
});

test('the invite link is focused and copies (or is selected to copy); a new name is confirmed', async ({
	newPerson
}) => {
	const page = await newPerson();
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
	await createIdentity(page, 'Ada');
	await foundCountry(page, 'Copyland');
	await openSection(page, 'Country');
	await page.getByRole('button', { name: 'Create an invite link' }).click();
	const link = page.getByTestId('invite-link');
	await expect(link).toBeFocused();
	await page.getByRole('button', { name: 'Copy' }).click();
	await expect(page.getByTestId('copy-status')).toHaveText('Copied.');
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await link.inputValue());
	// Without a clipboard (plain http), the link is left selected for a manual copy.
	await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
	await page.getByRole('button', { name: 'Copy' }).click();
	await expect(page.getByTestId('copy-status')).toContainText('the link is selected');
	await expect(link).toBeFocused();
	expect(await link.evaluate((input: HTMLInputElement) => input.selectionEnd)).toBe(
		(await link.inputValue()).length
	);

	await expect(page.getByTestId('my-name')).toHaveText('Your name in this country: Ada');
	const form = page.getByRole('form', { name: 'Change your name' });
	await form.getByLabel('New display name').fill('Ada King');
	await form.getByRole('button', { name: 'Change name' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Name changed' })).toHaveText(
		'Name changed to Ada King.'
	);
	await expect(page.getByTestId('my-name')).toHaveText('Your name in this country: Ada King');
});
