import { generateIdentity } from '../../../src/lib/identity';
import { refuseOverwrite, writeFileAtomic } from '../../files';
import { identityError } from '../../keys';
import { required, type Command } from '../args';
import { EXIT } from '../exit';
import { askNewPassphrase } from '../passphrase';

export const keygen: Command = {
	name: 'keygen',
	summary: 'make a new OpenPGP key (armored, passphrase-protected)',
	usage: 'webocracy keygen --name NAME --out key.asc [--force]',
	help: `Makes a v4 Ed25519 OpenPGP key, the kind the app makes, that GnuPG imports too.
The passphrase comes from WEBOCRACY_PASSPHRASE or is asked for twice (8 characters or more).

  --name NAME   the display name (the key's user ID)
  --out FILE    where to write the armored private key (mode 600)
  --force       replace FILE if it exists`,
	options: { name: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
	positionals: 0,
	async run(values) {
		const name = required(values, 'name', 'keygen');
		const out = required(values, 'out', 'keygen');
		await refuseOverwrite(out, values.force === true);
		const passphrase = await askNewPassphrase(out);
		const made = await generateIdentity({ name, passphrase });
		if (!made.ok) throw identityError('The new key', made);
		// Readable by its owner only, from the first byte (it is passphrase-protected too).
		await writeFileAtomic(out, made.value.privateKey, 0o600);
		console.log(`Wrote ${out}: ${made.value.name}, fingerprint ${made.value.fingerprint}`);
		return EXIT.ok;
	}
};
