import { readFile } from 'node:fs/promises';
import {
	createIdentity,
	expect,
	fillNewIdentity,
	foundCountry,
	invite,
	openSection,
	joinAsNewcomer,
	PASSPHRASE,
	rename,
	test,
	twoCitizens
} from './fixtures';
import { PENDING_CONNECTION_MS } from '../../src/lib/sync/peers';

/** Whether a message to the signaling server carries an offer or answer in a public room. */
function isPublicOfferOrAnswer(message: string | Buffer): boolean {
	try {
		const m = JSON.parse(String(message)) as {
			type?: string;
			topic?: string;
			data?: { type?: string; signal?: { type?: string } };
		};
		return (
			m.type === 'publish' &&
			m.topic?.endsWith('/public') === true &&
			m.data?.type === 'signal' &&
			(m.data.signal?.type === 'offer' || m.data.signal?.type === 'answer')
		);
	} catch {
		return false;
	}
}

test('invite → join over WebRTC: both see each other as citizens', async ({ newPerson }) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Syncland');
	const link = await invite(ada);

	const bob = await newPerson();
	await joinAsNewcomer(bob, link, 'Bob');

	await expect(bob.getByTestId('citizens')).toContainText('Ada');
	await expect(bob.getByTestId('citizens')).toContainText('Bob');
	await expect(ada.getByTestId('citizens')).toContainText('Bob');
	await expect(ada.getByTestId('connection')).toHaveAttribute('data-peers', '1');
	await expect(ada.getByTestId('connection')).toContainText(/Connected to 1 peer · last synced/);

	// The peers panel: Bob runs the same build and holds the same records.
	await openSection(ada, 'Country');
	await ada.getByText('Peers and signaling').click();
	const row = ada.getByTestId('peer-row');
	await expect(row).toContainText('Bob');
	await expect(row).toContainText('same version');
	await expect(row).toContainText('in sync');
	await expect(ada.getByTestId('peers-panel')).toContainText('/signal — connected');
});

test('partition: both write offline, reconnect, converge', async ({ newPerson }) => {
	const { ada, bob } = await twoCitizens(newPerson, 'Partitionia');

	await ada.context().setOffline(true);
	await bob.context().setOffline(true);
	await expect(ada.getByTestId('connection')).toHaveAttribute('data-state', 'offline');
	await expect(bob.getByTestId('connection')).toHaveAttribute('data-state', 'offline');

	await rename(ada, 'Ada Lovelace');
	await rename(bob, 'Bob Kahn');
	// Still apart: neither has seen the other's change.
	await expect(ada.getByTestId('citizens')).not.toContainText('Bob Kahn');
	await expect(bob.getByTestId('citizens')).not.toContainText('Ada Lovelace');

	await ada.context().setOffline(false);
	await bob.context().setOffline(false);
	for (const page of [ada, bob]) {
		await expect(page.getByTestId('citizens')).toContainText('Ada Lovelace');
		await expect(page.getByTestId('citizens')).toContainText('Bob Kahn');
	}
});

test('a lost offer or answer does not keep two people apart: the connection is tried again', async ({
	newPerson
}) => {
	const { ada, bob } = await twoCitizens(newPerson, 'Lostland');

	await bob.context().setOffline(true);
	await expect(bob.getByTestId('connection')).toHaveAttribute('data-state', 'offline');
	// From now on, the first offer or answer Bob sends in the public room never reaches the
	// signaling server (as when a peer drops off mid-handshake).
	let lost = 0;
	await bob.context().routeWebSocket(/\/signal/, (socket) => {
		const server = socket.connectToServer();
		socket.onMessage((message) => {
			if (lost === 0 && isPublicOfferOrAnswer(message)) lost++;
			else server.send(message);
		});
		server.onMessage((message) => socket.send(message));
	});
	await rename(ada, 'Ada Lovelace');

	await bob.context().setOffline(false);
	// The half-made connection is given up after PENDING_CONNECTION_MS, and tried again.
	await expect(bob.getByTestId('citizens')).toContainText('Ada Lovelace', {
		timeout: PENDING_CONNECTION_MS + 10_000
	});
	expect(lost).toBe(1);
});

test('three people: a chain of invites, everyone sees everyone', async ({ newPerson }) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Trinity');
	const bob = await newPerson();
	await joinAsNewcomer(bob, await invite(ada), 'Bob');
	const cy = await newPerson();
	await joinAsNewcomer(cy, await invite(bob), 'Cy');
	for (const page of [ada, bob, cy]) {
		for (const name of ['Ada', 'Bob', 'Cy']) {
			await expect(page.getByTestId('citizens')).toContainText(name);
		}
	}
	await expect(ada.getByTestId('connection')).toHaveAttribute('data-peers', '2');
});

test('an invite link works once; a damaged one says so', async ({ newPerson }) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Onceland');
	const link = await invite(ada);
	const bob = await newPerson();
	await joinAsNewcomer(bob, link, 'Bob');

	const eve = await newPerson();
	await eve.goto(link);
	await eve.getByRole('link', { name: 'Create or import one' }).click();
	await fillNewIdentity(eve, 'Eve');
	await eve.getByRole('button', { name: 'Become a citizen as Eve' }).click();
	await expect(eve.getByRole('alert')).toHaveText(
		'This invite was already used. Ask for a new one.'
	);
	await expect(ada.getByTestId('citizens')).not.toContainText('Eve');

	await eve.goto(link.slice(0, -10));
	await expect(eve.getByRole('alert')).toContainText('damaged');
	await eve.goto(link.replace('/join#join=', '/join#join=x'));
	await expect(eve.getByRole('alert')).toContainText('damaged');
});

test('a key exported in one context signs, in another, records the first verifies', async ({
	newPerson
}) => {
	const laptop = await newPerson();
	await createIdentity(laptop, 'Ada');
	await foundCountry(laptop, 'Keyland');
	const link = await invite(laptop);
	await laptop
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Identity' })
		.click();
	const [download] = await Promise.all([
		laptop.waitForEvent('download'),
		laptop.getByRole('button', { name: 'Export private key' }).click()
	]);
	const armored = await readFile((await download.path())!, 'utf8');
	await laptop.goBack();
	await expect(laptop.getByTestId('citizens')).toContainText('Ada');

	const phone = await newPerson();
	await phone.goto(link);
	await phone.getByRole('link', { name: 'Create or import one' }).click();
	await phone.getByLabel('…or paste it').fill(armored);
	await phone.getByLabel("The key's passphrase").fill(PASSPHRASE);
	await phone.getByRole('button', { name: 'Import key' }).click();
	await phone.getByRole('button', { name: 'Become a citizen as Ada' }).click();
	await expect(phone.getByTestId('citizens')).toContainText('Ada');
	await rename(phone, 'Ada on the phone');
	await expect(laptop.getByTestId('citizens')).toContainText('Ada on the phone');
	// One citizen, not two: the same key is the same person on every device.
	await expect(laptop.getByTestId('citizens').getByRole('listitem')).toHaveCount(1);
});
