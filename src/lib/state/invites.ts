/** Inviting people into a country, and accepting an invitation. */
import {
	encodeInvitation,
	err,
	makeCitizen,
	makeInvite,
	ok,
	sha256Hex,
	type Invitation,
	type Result
} from '../model';
import type { AppState } from './app.svelte';
import { publishChecked } from './publishing';
import { randomToken } from './random';

/** An invite link for a held country; for `invite` countries it publishes a one-time code. */
export async function createInvite(
	app: AppState,
	countryId: string
): Promise<Result<string, string>> {
	const held = app.heldCountry(countryId);
	const key = app.identity.unlocked?.key;
	if (!held) return err('not_held', 'This device does not hold that country.');
	if (!key) return err('locked', 'Unlock your identity first.');
	if (!held.secret) {
		return err(
			'no_secret',
			'This device does not hold the key to the citizens’ area (it came from a public-only file), so it cannot invite. Invite from a device of a citizen who has it.'
		);
	}
	const country = app.country(countryId);
	if (!country.view.citizenByKey.has(key.fingerprint)) {
		return err('not_citizen', 'Only citizens can invite.');
	}
	let invite: Invitation['invite'] = null;
	if (country.view.constitution?.admission === 'invite') {
		const code = randomToken(24);
		const published = await publishChecked(
			app,
			country,
			makeInvite({
				country: countryId,
				author: key.fingerprint,
				at: Date.now(),
				codeHash: sha256Hex(code)
			})
		);
		if (!published.ok) return published;
		invite = { id: published.value, code };
	}
	const fragment = encodeInvitation({
		country: countryId,
		name: country.view.name,
		secret: held.secret,
		signaling: app.signalingFor(held),
		invite
	});
	return ok(`${window.location.origin}/join#${fragment}`);
}

/** Become a citizen with an invitation (or just take up a country one already belongs to). */
export async function acceptInvitation(
	app: AppState,
	invitation: Invitation
): Promise<Result<'joined' | 'already', string>> {
	const key = app.identity.unlocked?.key;
	if (!key) return err('locked', 'Unlock your identity first.');
	const country = app.country(invitation.country, invitation);
	const { view } = country;
	if (!view.genesis) return err('genesis_missing', 'The country has not arrived yet.');
	const remember = () =>
		app.remember({
			id: invitation.country,
			name: view.name,
			addedAt: Date.now(),
			secret: invitation.secret,
			signaling: invitation.signaling
		});
	if (view.citizenByKey.has(key.fingerprint)) {
		remember();
		return ok('already');
	}
	const admission = invitation.invite
		? ({ type: 'invite', invite: invitation.invite.id, code: invitation.invite.code } as const)
		: ({ type: 'open' } as const);
	const published = await publishChecked(
		app,
		country,
		makeCitizen({
			country: invitation.country,
			author: key.fingerprint,
			at: Date.now(),
			name: key.name,
			publicKey: key.publicKey,
			admission
		})
	);
	if (!published.ok) return published;
	remember();
	return ok('joined');
}

/** Change how the local citizen is named in a country (a signed profile update). */
export async function rename(
	app: AppState,
	countryId: string,
	name: string
): Promise<Result<string, string>> {
	const key = app.identity.unlocked?.key;
	if (!key) return err('locked', 'Unlock your identity first.');
	return publishChecked(
		app,
		app.country(countryId),
		makeCitizen({
			country: countryId,
			author: key.fingerprint,
			at: Date.now(),
			name,
			publicKey: key.publicKey,
			admission: { type: 'update' }
		})
	);
}
