/** Sync against peers that are not browsers: a large seeded country, and a vandal. */
import type { Page } from '@playwright/test';
import { expect, fillNewIdentity, test } from './fixtures';
import { makePost } from '../../src/lib/model';
import { inviteUrl, makeFounder, NodePeer, seedCountry, signWith } from './support/node-peer';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const SIGNAL = BASE.replace('http', 'ws') + '/signal';
const SECRET = 'test-secret-0123456789abcdef';

async function joinOpenCountry(page: Page, link: string, name: string) {
	await page.goto(link);
	await page.getByRole('link', { name: 'Create or import one' }).click();
	await fillNewIdentity(page, name);
	await page.getByRole('button', { name: `Become a citizen as ${name}` }).click();
	await expect(page.getByTestId('country-name')).toBeVisible();
}

test('a new peer joins a 10 MB country and receives every record', async ({ newPerson }) => {
	test.setTimeout(180_000);
	const founder = await makeFounder();
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Bigland',
		posts: 10_000,
		postBytes: 620
	});
	const bytes = records.reduce((n, r) => n + r.entry.record.length + r.entry.signature.length, 0);
	expect(bytes).toBeGreaterThan(10_000_000);
	const seeder = new NodePeer(countryId, { signaling: [SIGNAL], secret: SECRET });
	seeder.write(records);

	const page = await newPerson();
	const started = Date.now();
	await joinOpenCountry(
		page,
		inviteUrl(BASE, { country: countryId, name: 'Bigland', secret: SECRET, signaling: [SIGNAL] }),
		'Newcomer'
	);
	await page.getByRole('link', { name: /Diagnostics/ }).click();
	// Every seeded record plus the newcomer's own citizen record, all verified.
	await expect(page.getByTestId('diagnostics-summary')).toContainText(
		`${records.length + 1} valid · 0 invalid`,
		{ timeout: 60_000 }
	);
	console.log(
		`10 MB join: ${(bytes / 1e6).toFixed(1)} MB, ${records.length} records, ` +
			`link opened → all verified in ${Date.now() - started} ms (includes making an identity)`
	);
	// The seeder received the newcomer's record back over the same path.
	await seeder.waitForRecords(records.length + 1);
	await seeder.close();
});

test('records a vandal deletes or alters are healed by honest peers', async ({ newPerson }) => {
	const founder = await makeFounder('Founder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Healthy',
		posts: 3,
		postBytes: 200
	});
	const honest = new NodePeer(countryId, { signaling: [SIGNAL], secret: SECRET });
	honest.write(records);

	const alice = await newPerson();
	await joinOpenCountry(
		alice,
		inviteUrl(BASE, { country: countryId, name: 'Healthy', secret: SECRET, signaling: [SIGNAL] }),
		'Alice'
	);
	await honest.close(); // from now on, only the browser holds the verified copy
	await expect(alice.getByTestId('citizens')).toContainText('Founder');

	// Anyone can join the public room without the citizens' secret and write anything.
	const vandal = new NodePeer(countryId, { signaling: [SIGNAL], secret: null });
	await vandal.waitForRecords(records.length + 1);
	const [genesis, founderCitizen, firstPost] = records;
	vandal.docs.publicDoc.transact(() => {
		vandal.records.delete(founderCitizen!.id);
		vandal.records.delete(genesis!.id);
		vandal.records.set(firstPost!.id, {
			record: firstPost!.entry.record.replace('Post number 0', 'Vandalised'),
			signature: firstPost!.entry.signature
		});
		// Junk under new ids: not an entry at all, and a text under an id that is not its hash.
		vandal.records.set('junk-number', 42);
		vandal.records.set('0'.repeat(64), { ...firstPost!.entry });
	});

	// The browser restores all three, and the vandal's own copy is healed back.
	await expect
		.poll(() => [vandal.records.has(genesis!.id), vandal.records.has(founderCitizen!.id)])
		.toEqual([true, true]);
	await expect
		.poll(() => (vandal.records.get(firstPost!.id) as { record: string }).record)
		.toBe(firstPost!.entry.record);
	// The junk is removed from every copy, the vandal's included.
	await expect
		.poll(() => [vandal.records.has('junk-number'), vandal.records.has('0'.repeat(64))])
		.toEqual([false, false]);
	await expect(alice.getByTestId('citizens')).toContainText('Founder');
	await alice.getByRole('link', { name: /Diagnostics/ }).click();
	await expect(alice.getByTestId('diagnostics-summary')).toContainText(
		`${records.length + 1} valid · 0 invalid`
	);
	await expect(alice.getByTestId('diagnostics-summary')).toContainText('3 restored');
	await expect(alice.getByTestId('diagnostics-summary')).toContainText(
		'2 junk entries removed (no version of the app could accept them)'
	);
	await vandal.close();
});

test('a malformed Yjs update from a peer is dropped and shown on diagnostics', async ({
	newPerson
}) => {
	const founder = await makeFounder('Founder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Sturdy',
		posts: 1,
		postBytes: 100
	});
	const seeder = new NodePeer(countryId, { signaling: [SIGNAL], secret: SECRET });
	seeder.write(records);
	const alice = await newPerson();
	await joinOpenCountry(
		alice,
		inviteUrl(BASE, { country: countryId, name: 'Sturdy', secret: SECRET, signaling: [SIGNAL] }),
		'Alice'
	);
	await seeder.waitForRecords(records.length + 1);

	// A sync "update" message (type 0, step 2) whose payload is not a Yjs update, sent raw on
	// the data channel, small and large (framed).
	const garbage = (size: number) => {
		const payload = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
		const header = [0, 2, ...varUint(payload.length)];
		return Uint8Array.from([...header, ...payload]);
	};
	seeder.sendRaw(garbage(100));
	seeder.sendRaw(garbage(100_000));
	await alice.getByRole('link', { name: /Diagnostics/ }).click();
	await expect(alice.getByTestId('diagnostics-dropped')).toContainText('2 malformed');
	await expect(alice.getByTestId('diagnostics-summary')).toContainText(
		`${records.length + 1} valid · 0 invalid`
	);
	// The document still syncs afterwards.
	const later = await signWith(
		founder,
		makePost({
			country: countryId,
			author: founder.key.fingerprint,
			at: Date.now(),
			title: 'After the garbage',
			body: 'Still here.',
			tags: []
		})
	);
	seeder.write([later]);
	await expect(alice.getByTestId('diagnostics-summary')).toContainText(
		`${records.length + 2} valid · 0 invalid`
	);
	await seeder.close();
});

test('a peer with another citizens’ secret in the room is ignored, counted, and throws nothing', async ({
	newPerson
}) => {
	const founder = await makeFounder('Founder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Keyed',
		posts: 1,
		postBytes: 100
	});
	// This peer holds the country's public records, but an old or foreign citizens' secret:
	// everything it publishes in the citizens room is sealed with another key. (One Node peer
	// per country at a time: y-webrtc allows one room of a name per process.)
	const WRONG = 'another-secret-0000';
	const stranger = new NodePeer(countryId, { signaling: [SIGNAL], secret: WRONG });
	stranger.write(records);
	await stranger.rooms();
	const alice = await newPerson();
	const errors: string[] = [];
	alice.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
	await joinOpenCountry(
		alice,
		inviteUrl(BASE, { country: countryId, name: 'Keyed', secret: SECRET, signaling: [SIGNAL] }),
		'Alice'
	);
	// The public room works both ways; Alice's announcements in the citizens room reached the
	// stranger, whose side drops them the same way.
	await stranger.waitForRecords(records.length + 1);
	await expect.poll(() => stranger.connection.status.signalingDropped).toBeGreaterThan(0);
	await stranger.close();
	// It comes back: announcing itself, it publishes to Alice what her key cannot open.
	const again = new NodePeer(countryId, { signaling: [SIGNAL], secret: WRONG });
	await again.rooms();
	await alice.getByRole('link', { name: /Diagnostics/ }).click();
	// However many there were, counted in words that agree with the number.
	await expect(alice.getByTestId('diagnostics-signaling-dropped')).toContainText(
		/^\s*(1\s+signaling\s+message\s+was|([02-9]|[1-9]\d+)\s+signaling\s+messages\s+were)\s+ignored:/
	);
	await expect(alice.getByTestId('diagnostics-summary')).toContainText(
		`${records.length + 1} valid · 0 invalid`
	);
	expect(errors).toEqual([]);
	await again.close();
});

function varUint(n: number): number[] {
	const out: number[] = [];
	while (n > 0x7f) {
		out.push((n & 0x7f) | 0x80);
		n >>>= 7;
	}
	out.push(n);
	return out;
}
