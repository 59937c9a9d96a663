/** Export, import and secession: every citizen holds the whole world. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import {
	createIdentity,
	expect,
	foundCountry,
	invite,
	joinAsNewcomer,
	navigate,
	openSection,
	rename,
	test
} from './fixtures';

async function exportFile(page: Page, path: string): Promise<Buffer> {
	await openSection(page, 'Country');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export this country' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/\.webocracy$/);
	await download.saveAs(path);
	await openSection(page, 'Front page');
	return readFile(path);
}

async function openImport(page: Page, path: string) {
	await navigate(page, 'Countries');
	await page.getByRole('link', { name: 'Import a country file' }).click();
	await page.getByLabel('Country file').setInputFiles(path);
}

test('export in one context, import in a fresh one: the same country, idempotently', async ({
	newPerson
}, testInfo) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	const id = await foundCountry(ada, 'Motherland');
	const bob = await newPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');
	await expect(ada.getByTestId('citizens')).toContainText('Bob');
	const path = testInfo.outputPath('motherland.webocracy');
	await exportFile(ada, path);

	const carol = await newPerson();
	await carol.goto('/');
	await openImport(carol, path);
	// genesis, 2 citizens, 1 invite
	await expect(carol.getByTestId('import-valid')).toHaveText('4 (4 new to this device)');
	await expect(carol.getByTestId('import-invalid')).toContainText('0');
	await carol.getByRole('button', { name: 'Import 4 valid records' }).click();
	await expect(carol.getByTestId('country-name')).toHaveText('Motherland');
	expect(new URL(carol.url()).pathname).toBe(`/c/${id}`);
	await expect(carol.getByTestId('citizens')).toContainText('Ada');
	await expect(carol.getByTestId('citizens')).toContainText('Bob');

	// The same file again: nothing new.
	await openImport(carol, path);
	await expect(carol.getByTestId('import-valid')).toHaveText('4 (0 new to this device)');
});

test('a damaged or foreign file is refused and nothing changes', async ({
	newPerson
}, testInfo) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Fragile');
	const path = testInfo.outputPath('fragile.webocracy');
	const bytes = await exportFile(ada, path);

	const cases: [string, Buffer, RegExp][] = [
		['truncated', bytes.subarray(0, bytes.length - 40), /cut short|damaged/],
		[
			'flipped',
			Buffer.from(bytes.map((b, i) => (i === bytes.length - 20 ? b ^ 0xff : b))),
			/damaged/
		],
		['not ours', Buffer.from('{"hello": "world"}'), /not a Webocracy country file/],
		['newer', Buffer.from(bytes.map((b, i) => (i === 9 ? 9 : b))), /newer Webocracy/]
	];
	const other = await newPerson();
	await other.goto('/');
	for (const [name, content, message] of cases) {
		const bad = testInfo.outputPath(`${name}.webocracy`);
		await writeFile(bad, content);
		await openImport(other, bad);
		await expect(other.getByRole('alert')).toContainText(message);
		await expect(other.getByRole('alert')).toContainText('Nothing was changed');
	}
	await navigate(other, 'Countries');
	await expect(other.getByText('You hold no country yet.')).toBeVisible();
});

test('secession: a new country from a file keeps the parent’s records, verified, and goes its own way', async ({
	newPerson
}, testInfo) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	const parentId = await foundCountry(ada, 'Oldland');
	const bob = await newPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');
	const path = testInfo.outputPath('oldland.webocracy');
	await exportFile(ada, path);

	const carol = await newPerson();
	await createIdentity(carol, 'Carol');
	await openImport(carol, path);
	await carol.getByLabel('Country name').fill('Newland');
	await carol.getByRole('button', { name: 'Found the new country' }).click();
	await expect(carol.getByTestId('country-name')).toHaveText('Newland');
	const childId = new URL(carol.url()).pathname.split('/')[2];
	expect(childId).not.toBe(parentId);
	await expect(carol.getByTestId('lineage')).toContainText('Seceded from Oldland');
	await expect(carol.getByTestId('lineage')).toContainText('with 4 records');
	for (const name of ['Ada', 'Bob', 'Carol']) {
		await expect(carol.getByTestId('citizens')).toContainText(name);
	}
	await carol.getByRole('link', { name: /Diagnostics/ }).click();
	// The parent's 4 records plus the new genesis and Carol's founder record, all verified.
	await expect(carol.getByTestId('diagnostics-summary')).toContainText('6 valid · 0 invalid');
	await carol.goBack();

	// A newcomer joins the new country by invite.
	const dave = await newPerson();
	await joinAsNewcomer(dave, await invite(carol), 'Dave');
	await expect(dave.getByTestId('lineage')).toContainText('Seceded from Oldland');
	await expect(carol.getByTestId('citizens')).toContainText('Dave');

	// The parent goes on, unaffected: its rooms and records are its own.
	await rename(ada, 'Ada of Oldland');
	await expect(bob.getByTestId('citizens')).toContainText('Ada of Oldland');
	await expect(ada.getByTestId('citizens')).not.toContainText('Dave');
	await expect(carol.getByTestId('citizens')).not.toContainText('Ada of Oldland');
});
