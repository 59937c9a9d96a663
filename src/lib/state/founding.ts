/** Founding a country: the founder signs the genesis, then their own citizen record. */
import { signRecord } from '../identity';
import {
	err,
	makeCitizen,
	makeGenesis,
	ok,
	type Constitution,
	type GenesisBody,
	type Result,
	type SignedEntry
} from '../model';
import type { AppState } from './app.svelte';
import { randomToken } from './random';

export type FoundInput = {
	name: string;
	constitution: Constitution;
	/** For a secession: the parent country and the record set the new one starts from. */
	parent?: GenesisBody['parent'];
};

type SignedRecord = { id: string; entry: SignedEntry };

/**
 * Found a country: the founder signs the genesis (its hash is the country id), then their
 * own citizen record; `inherited` records (a secession's) are published with them.
 */
export async function foundCountry(
	app: AppState,
	input: FoundInput,
	inherited: SignedRecord[] = []
): Promise<Result<string, string>> {
	const unlocked = app.identity.unlocked;
	if (!unlocked) return err('locked', 'Unlock your identity first.');
	const { fingerprint, publicKey, name: displayName } = unlocked.key;
	const at = Date.now();
	const genesis = await signRecord(
		unlocked,
		makeGenesis({
			author: fingerprint,
			at,
			name: input.name,
			constitution: input.constitution,
			founderKey: publicKey,
			parent: input.parent ?? null
		})
	);
	if (!genesis.ok) return genesis;
	const id = genesis.value.id;
	const citizen = await signRecord(
		unlocked,
		makeCitizen({
			country: id,
			author: fingerprint,
			at,
			name: displayName,
			publicKey,
			admission: { type: 'founder' }
		})
	);
	if (!citizen.ok) return citizen;
	// Remember first, so the country opens with its own secret and rooms.
	app.remember({ id, name: input.name, addedAt: at, secret: randomToken(32), signaling: [] });
	const country = app.country(id);
	const published = await country.publish([genesis.value, citizen.value, ...inherited]);
	if (!published.ok) return published;
	const refused = published.value.find((v) => v.status === 'invalid');
	if (refused && refused.status === 'invalid') return err(refused.code, refused.message);
	app.remember({ ...app.heldCountry(id)!, name: country.view.name });
	return ok(id);
}
