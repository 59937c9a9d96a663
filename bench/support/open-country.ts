/**
 * The start the bench workloads share: an open country whose founder and citizens each hold
 * a fresh v4 Ed25519 key (from generateIdentity), every record signed by its own author, so
 * no signature is reused and verification does real work.
 */
import {
	generateIdentity,
	signRecord,
	unlockIdentity,
	type UnlockedIdentity
} from '../../src/lib/identity';
import { makeCitizen, makeGenesis, type AnyRecord, type SignedEntry } from '../../src/lib/model';

const PASSPHRASE = 'bench passphrase';

/** A new identity, unlocked. */
export async function benchPerson(name: string): Promise<UnlockedIdentity> {
	const made = await generateIdentity({ name, passphrase: PASSPHRASE });
	if (!made.ok) throw new Error(`generateIdentity: ${made.message}`);
	const unlocked = await unlockIdentity(made.value, PASSPHRASE);
	if (!unlocked.ok) throw new Error(`unlockIdentity: ${unlocked.message}`);
	return unlocked.value;
}

/** `record` signed by `by`; a bench cannot go on without it. */
export async function signedBy(
	by: UnlockedIdentity,
	record: AnyRecord
): Promise<{ id: string; entry: SignedEntry }> {
	const result = await signRecord(by, record);
	if (!result.ok) throw new Error(`signRecord: ${result.message}`);
	return result.value;
}

/**
 * `citizens` people (the first the founder), a genesis at `at` and one admission each after
 * it. `next` is the first time free for the records a workload adds.
 */
export async function openCountry(options: { citizens: number; name: string; at: number }) {
	const people = await Promise.all(
		Array.from({ length: options.citizens }, (_, i) => benchPerson(`Bench Citizen ${i}`))
	);
	const founder = people[0]!;
	const genesis = await signedBy(
		founder,
		makeGenesis({
			author: founder.key.fingerprint,
			at: options.at,
			name: options.name,
			constitution: { admission: 'open', seats: 7, termDays: 365 },
			founderKey: founder.key.publicKey
		})
	);
	const country = genesis.id;
	const records = [genesis];
	let at = options.at + 1;
	for (const [i, who] of people.entries()) {
		records.push(
			await signedBy(
				who,
				makeCitizen({
					country,
					author: who.key.fingerprint,
					at: at++,
					name: who.key.name,
					publicKey: who.key.publicKey,
					admission: { type: i === 0 ? 'founder' : 'open' }
				})
			)
		);
	}
	return { people, genesis, country, records, next: at };
}
