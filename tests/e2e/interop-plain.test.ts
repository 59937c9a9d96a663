/**
 * A plain y-webrtc peer (stock WebrtcProvider, no Webocracy code, a browser context of its own)
 * in a country's public room with the app's peers, over real WebRTC through our signaling
 * server. The app speaks y-webrtc's protocol plus extras between its own peers (HELLO on open,
 * deflate only to peers that said it, large syncs cut into update pieces): the plain peer must
 * get every record, never a deflated byte, and nothing it writes may harm the app.
 */
import type { Page } from '@playwright/test';
import {
	createIdentity,
	expect,
	foundCountry,
	invite,
	joinAsNewcomer,
	openSection,
	rename,
	test
} from './fixtures';
import { RECORDS_MAP } from '../../src/lib/sync/docs';
import { roomName } from '../../src/lib/sync/peers';
import { inviteUrl, makeFounder, NodePeer, seedCountry } from './support/node-peer';
import { openPlainPeer, type PlainPeer } from './support/plain-peer';
import { installWireTap, readWireCounts } from './support/wire-tap';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const SIGNAL = BASE.replace('http', 'ws') + '/signal';
const SECRET = 'test-secret-0123456789abcdef';

type Entry = { record: string; signature: string };

/** A person in the app whose data channels are watched, and whose page errors are kept. */
async function tappedPerson(newPerson: () => Promise<Page>, errors: string[]): Promise<Page> {
	const page = await newPerson();
	await page.addInitScript(installWireTap);
	page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
	return page;
}

function plainPeerIn(page: Page, countryId: string): Promise<PlainPeer> {
	return openPlainPeer(page, {
		room: roomName(countryId, 'public'),
		signaling: SIGNAL,
		map: RECORDS_MAP
	});
}

/**
 * The ids of the records a person's app holds as valid, read from its diagnostics page once it
 * has checked everything and counts what is expected; back to the front page after.
 */
async function validIds(page: Page, counts: { valid: number; invalid?: number }) {
	await openSection(page, 'Diagnostics');
	const summary = page.getByTestId('diagnostics-summary');
	await expect(summary).toHaveAttribute('data-loading', 'false');
	await expect(summary).toContainText(`${counts.valid} valid · ${counts.invalid ?? 0} invalid`);
	const ids = await page
		.locator('[data-testid="diagnostic-row"][data-status="valid"] td:first-child')
		.evaluateAll((cells) => cells.map((cell) => cell.getAttribute('title') ?? ''));
	await openSection(page, 'Front page');
	return ids.sort();
}

/** Every message the plain peer (or anyone) sent this person passed the app's checks. */
async function expectNothingDropped(page: Page) {
	await openSection(page, 'Diagnostics');
	await expect(page.getByTestId('diagnostics-summary')).toHaveAttribute('data-loading', 'false');
	await expect(page.getByTestId('diagnostics-dropped')).toHaveCount(0);
	await openSection(page, 'Front page');
}

test('a plain y-webrtc peer syncs with the app’s peers, and its junk harms nothing', async ({
	newPerson
}) => {
	const errors: string[] = [];
	const ada = await tappedPerson(newPerson, errors);
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Plainfield');
	const founded = await validIds(ada, { valid: 2 });

	// 1. It joins the public room and receives the public document's records.
	const plain = await plainPeerIn(await newPerson(), countryId);
	await expect.poll(() => plain.ids()).toEqual(founded);
	// Ada said HELLO and sent only plain messages (it logs no error: it read them all, HELLO as
	// an empty awareness message).
	const toPlain = await plain.wire();
	expect(toPlain.hello).toBeGreaterThan(0);
	expect(toPlain).toMatchObject({ frames: 0, deflated: 0 });

	// 3. With the plain peer in the room, Bob joins by invite and syncs with Ada as usual.
	const link = await invite(ada);
	const bob = await tappedPerson(newPerson, errors);
	await joinAsNewcomer(bob, link, 'Bob');
	await expect(bob.getByTestId('citizens')).toContainText('Ada');
	await expect(ada.getByTestId('citizens')).toContainText('Bob');
	expect((await bob.evaluate(readWireCounts)).hello).toBeGreaterThan(0);
	await rename(ada, 'Ada Lovelace');
	await expect(bob.getByTestId('citizens')).toContainText('Ada Lovelace');
	// The invite, Bob's citizen record and Ada's new name reached the plain peer too.
	const renamed = await validIds(ada, { valid: founded.length + 3 });
	await expect.poll(() => plain.ids()).toEqual(renamed);
	const fresh = renamed.filter((id) => !founded.includes(id));
	const texts = await Promise.all(fresh.map(async (id) => (await plain.entry(id)) as Entry));
	expect(texts.some((entry) => entry.record.includes('"name":"Ada Lovelace"'))).toBe(true);

	// 4. It writes junk, alters the genesis record and deletes Bob's citizen record.
	const genesis = (await plain.entry(countryId)) as Entry;
	const bobCitizen = await plain.evaluate(
		(peer) =>
			[...peer.records.entries()].find(([, value]) => {
				const text = (value as Partial<Entry>).record ?? '';
				return text.includes('"kind":"citizen"') && text.includes('"name":"Bob"');
			})?.[0],
		null
	);
	expect(bobCitizen).toBeDefined();
	await plain.evaluate(
		(peer, { genesisId, genesis, bobCitizen }) => {
			peer.doc.transact(() => {
				peer.records.set(genesisId, {
					record: genesis.record.replace('Plainfield', 'Vandalia'),
					signature: genesis.signature
				});
				peer.records.delete(bobCitizen);
				peer.records.set('0'.repeat(64), { record: '{"kind":"post"}', signature: 'none' });
				peer.records.set('not-an-id', 42);
				const nested = new peer.Y.Map<unknown>();
				nested.set('record', 'inside a nested type');
				peer.records.set('nested', nested);
			});
		},
		{ genesisId: countryId, genesis, bobCitizen: bobCitizen! }
	);
	// The app's peers put back what was theirs, in their own copies and in the plain peer's.
	await expect.poll(() => plain.entry(countryId)).toEqual(genesis);
	await expect.poll(async () => (await plain.ids()).includes(bobCitizen!)).toBe(true);
	for (const person of [ada, bob]) {
		await expect(person.getByTestId('country-name')).toHaveText('Plainfield');
		await expect(person.getByTestId('citizens')).toContainText('Ada Lovelace');
		await expect(person.getByTestId('citizens')).toContainText('Bob');
	}
	// The junk is no entry, or not under its text's hash: removed from every copy, P's too.
	await expect.poll(() => plain.ids()).toEqual(renamed);
	expect(await validIds(ada, { valid: renamed.length })).toEqual(renamed);
	expect(await validIds(bob, { valid: renamed.length })).toEqual(renamed);
	await openSection(ada, 'Diagnostics');
	await expect(ada.getByTestId('diagnostics-summary')).toContainText('restored');
	await openSection(ada, 'Front page');

	// And everything still flows: Ada's next record reaches Bob and the plain peer.
	await rename(ada, 'Ada King');
	await expect(bob.getByTestId('citizens')).toContainText('Ada King');
	await expect.poll(async () => (await plain.ids()).length).toBe(renamed.length + 1);
	for (const person of [ada, bob]) await expectNothingDropped(person);
	expect(errors).toEqual([]);
	expect(plain.errors).toEqual([]);
});

test('a plain y-webrtc peer receives a state over 512 KiB from the app, never deflated', async ({
	newPerson
}) => {
	const founder = await makeFounder('Founder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Largeland',
		posts: 1_000,
		postBytes: 620
	});
	const bytes = records.reduce((n, r) => n + r.entry.record.length + r.entry.signature.length, 0);
	expect(bytes).toBeGreaterThan(1_000_000);
	const link = inviteUrl(BASE, {
		country: countryId,
		name: 'Largeland',
		secret: SECRET,
		signaling: [SIGNAL]
	});
	// The seeder hands the country to Ada and leaves: from then on, only Ada's app holds it.
	const seeder = new NodePeer(countryId, { signaling: [SIGNAL], secret: SECRET });
	seeder.write(records);
	const errors: string[] = [];
	const ada = await tappedPerson(newPerson, errors);
	await joinAsNewcomer(ada, link, 'Ada');
	await validIds(ada, { valid: records.length + 1 });
	await seeder.close();

	// 2. The plain peer joins; Ada's sync to it is cut into update pieces.
	const plain = await plainPeerIn(await newPerson(), countryId);
	await expect.poll(() => plain.connected()).toBe(1);

	// 3. With it in the room, Bob joins and gets the whole country from Ada, deflated.
	const bob = await tappedPerson(newPerson, errors);
	await joinAsNewcomer(bob, link, 'Bob');
	const all = await validIds(bob, { valid: records.length + 2 });
	expect((await bob.evaluate(readWireCounts)).deflated).toBeGreaterThan(0);
	expect(await validIds(ada, { valid: records.length + 2 })).toEqual(all);

	// The plain peer got every record, each as a plain y-webrtc message: no deflated frame
	// (it said no HELLO), and no frame of any kind (it cannot read them).
	const missing = async () => {
		const held = new Set(await plain.ids());
		return all.filter((id) => !held.has(id)).length;
	};
	await expect.poll(missing).toBe(0);
	expect(await plain.ids()).toEqual(all);
	expect(await plain.wire()).toMatchObject({ frames: 0, deflated: 0 });
	for (const person of [ada, bob]) await expectNothingDropped(person);
	expect(errors).toEqual([]);
	expect(plain.errors).toEqual([]);
});

test('a post over 16 KiB written in the app reaches a plain y-webrtc peer', async ({
	newPerson
}) => {
	const errors: string[] = [];
	const ada = await tappedPerson(newPerson, errors);
	await createIdentity(ada, 'Ada');
	const countryId = await foundCountry(ada, 'Longform');
	const plain = await plainPeerIn(await newPerson(), countryId);
	await expect.poll(async () => (await plain.ids()).length).toBe(2);

	// One record of about 40 KB: one update, far below what y-webrtc itself can send (256 KiB).
	const body = 'A long, plain paragraph about the harbour and its boats. '.repeat(700);
	await openSection(ada, 'Front page');
	await ada.getByRole('link', { name: 'Write a post' }).click();
	const form = ada.getByRole('form', { name: 'Write a post' });
	await form.getByLabel('Title', { exact: true }).fill('The long read');
	await form.getByLabel('Text (Markdown)').fill(body);
	await form.getByRole('button', { name: 'Publish', exact: true }).click();
	await expect(ada.getByTestId('post').getByTestId('post-title')).toHaveText('The long read');
	const postId = new URL(ada.url()).pathname.split('/')[4]!;
	expect(postId).toMatch(/^[0-9a-f]{64}$/);

	// A small record after it: a peer that missed one update of Ada's holds all her later ones.
	await rename(ada, 'Ada Lovelace');

	await expect.poll(async () => (await plain.ids()).includes(postId)).toBe(true);
	expect(((await plain.entry(postId)) as Entry).record).toContain(body);
	await expect.poll(async () => (await plain.ids()).length).toBe(4);
	expect(await plain.wire()).toMatchObject({ frames: 0, deflated: 0 });
	await expectNothingDropped(ada);
	expect(errors).toEqual([]);
	expect(plain.errors).toEqual([]);
});
