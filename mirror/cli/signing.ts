/**
 * What the commands that sign share: a key opened and unlocked for one command, records
 * signed with it, and a state file that gains records only after the app's own checks (the
 * signature verifies, the country's rules accept every record), written atomically.
 */
import * as Y from 'yjs';
import { signRecord, type UnlockedIdentity } from '../../src/lib/identity';
import { deriveCountry, parseEntry, type AnyRecord, type Verified } from '../../src/lib/model';
import { RECORDS_MAP } from '../../src/lib/sync';
import { openKeyFile } from '../keys';
import { nodeVerifier, readWorld, writeWorld, type World } from '../world';
import { CliError, EXIT } from './exit';

/** Sign one record; a record the schema refuses is exit 4 with the reason. */
export async function signOrFail(unlocked: UnlockedIdentity, record: AnyRecord) {
	const signed = await signRecord(unlocked, record);
	if (!signed.ok) {
		throw new CliError(
			EXIT.invalid,
			`The record is not valid: ${signed.message} (${signed.code}).`
		);
	}
	return signed.value;
}

/**
 * Open the key at `keyPath`, run `use` with it unlocked, and lock it again whatever happens:
 * the passphrase is asked once, the private key is in memory only while `use` runs.
 */
export async function withKey<T>(
	keyPath: string,
	use: (unlocked: UnlockedIdentity) => Promise<T>
): Promise<T> {
	const unlocked = await openKeyFile(keyPath);
	try {
		return await use(unlocked);
	} finally {
		unlocked.lock();
	}
}

/** A state file with a valid genesis, or exit 4. */
export async function readFoundedWorld(path: string): Promise<World> {
	const world = await readWorld(path);
	if (!world.country.genesis) {
		throw new CliError(EXIT.invalid, `${path} holds no valid founding record.`);
	}
	return world;
}

/** The key's holder as a citizen of the world, or exit 4: only citizens write. */
export function citizenOf(world: World, unlocked: UnlockedIdentity, what: string): string {
	const author = unlocked.key.fingerprint;
	if (!world.country.citizenByKey.has(author)) {
		throw new CliError(
			EXIT.invalid,
			`${unlocked.key.name} (${author}) is not a citizen of ${world.country.name}: only citizens ${what}.`
		);
	}
	return author;
}

/**
 * Sign `record`, check it as the app's publishChecked does (the signature verifies with the
 * key, the country's rules accept it beside every valid record), and add it to the state
 * file, rewritten atomically. A record every peer would reject is never written.
 */
export async function publishToWorld(
	world: World,
	unlocked: UnlockedIdentity,
	record: AnyRecord,
	what: string
): Promise<string> {
	const signed = await signOrFail(unlocked, record);
	const parsed = parseEntry(signed.id, signed.entry);
	if (!parsed.ok) throw new CliError(EXIT.invalid, `${parsed.message} (${parsed.code})`);
	const [verified] = await nodeVerifier().verifyMany([
		{ parsed: parsed.value, publicKey: unlocked.key.publicKey }
	]);
	if (!verified?.ok) {
		throw new CliError(EXIT.invalid, `The signature does not verify (${verified?.code}).`);
	}
	const countryId = world.content.header.country;
	const valid: Verified[] = [...world.country.valid.values(), verified.value];
	const rejection = deriveCountry(countryId, valid).rejected.find((r) => r.id === signed.id);
	if (rejection) {
		throw new CliError(
			EXIT.invalid,
			`The country refuses the ${what}: ${rejection.message} (${rejection.code}).`
		);
	}
	const doc = new Y.Doc();
	Y.applyUpdate(doc, world.content.publicUpdate);
	doc.getMap(RECORDS_MAP).set(signed.id, { ...signed.entry });
	const { header, citizensUpdate } = world.content;
	await writeWorld(world.path, {
		country: countryId,
		name: header.name,
		genesis: header.genesis,
		publicUpdate: Y.encodeStateAsUpdate(doc),
		citizensUpdate,
		secret: header.secret,
		signaling: header.signaling
	});
	return signed.id;
}
