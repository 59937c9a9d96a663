/** Key files: armored OpenPGP private keys, opened with the app's identity module. */
import {
	importIdentity,
	MAX_IMPORT_CHARS,
	unlockIdentity,
	type IdentityErrorCode,
	type UnlockedIdentity
} from '../src/lib/identity';
import type { Err } from '../src/lib/model';
import { CliError, EXIT, type ExitCode } from './cli/exit';
import { readInput } from './files';
import { askPassphrase } from './cli/passphrase';

/** Which exit code a key problem gets: the passphrase and the key itself are "key"; a file that is no key is "input". */
const EXIT_FOR: Record<IdentityErrorCode, ExitCode> = {
	passphrase_wrong: EXIT.key,
	passphrase_weak: EXIT.key,
	name_invalid: EXIT.usage,
	key_unreadable: EXIT.input,
	key_not_private: EXIT.key,
	key_unprotected: EXIT.key,
	key_unsupported: EXIT.key,
	key_conflict: EXIT.key,
	storage_failed: EXIT.storage,
	library_unavailable: EXIT.failure,
	crypto_failed: EXIT.failure
};

export function identityError(what: string, error: Err<IdentityErrorCode>): CliError {
	const text =
		error.code === 'passphrase_wrong'
			? `Wrong passphrase for ${what}.`
			: `${what}: ${error.message} (${error.code}).`;
	return new CliError(EXIT_FOR[error.code], text);
}

/** Read a key file, ask for its passphrase, and unlock it for signing. */
export async function openKeyFile(path: string): Promise<UnlockedIdentity> {
	const bytes = await readInput(path, 'a key file', MAX_IMPORT_CHARS);
	const armored = new TextDecoder().decode(bytes);
	const passphrase = await askPassphrase(path);
	const imported = await importIdentity({ armored, passphrase });
	if (!imported.ok) throw identityError(path, imported);
	const unlocked = await unlockIdentity(imported.value, passphrase);
	if (!unlocked.ok) throw identityError(path, unlocked);
	return unlocked.value;
}
