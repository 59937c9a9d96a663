import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { ADMISSION, makeCitizen, makeGenesis, type Admission } from '../../../src/lib/model';
import { RECORDS_MAP } from '../../../src/lib/sync';
import { refuseOverwrite } from '../../files';
import { writeWorld } from '../../world';
import { required, signalingUrls, text, type Command } from '../args';
import { CliError, EXIT } from '../exit';
import { signOrFail, withKey } from '../signing';

/** The app's defaults (src/lib/ui/country-form.svelte). */
const DEFAULT_SEATS = 3;
const DEFAULT_TERM_DAYS = 90;

const integer = (value: string | undefined, name: string, fallback: number): number => {
	if (value === undefined) return fallback;
	if (!/^\d+$/.test(value)) throw new CliError(EXIT.usage, `--${name} must be a whole number.`);
	return Number(value);
};

export const found: Command = {
	name: 'found',
	summary: 'found a country: its genesis and your citizen record, in a new state file',
	usage:
		'webocracy found --key key.asc --name NAME [--admission open|invite] [--seats N] [--term-days N] [--signal URL…] --out world.webocracy [--force]',
	help: `Signs the country's genesis and the founder's citizen record with the key and writes
them to a new state file, with the citizens' area (empty) and a new citizens' secret, so the
app can import it and invite people.

  --key FILE           the founder's armored private key
  --name NAME          the country's name
  --admission MODE     open (anyone may join) or invite (one-time codes); default invite
  --seats N            seats in the government; default ${DEFAULT_SEATS}
  --term-days N        length of a term in days; default ${DEFAULT_TERM_DAYS}
  --signal URL         a signaling server for the country (ws: or wss:), repeatable
  --out FILE           the state file to write
  --force              replace FILE if it exists`,
	options: {
		key: { type: 'string' },
		name: { type: 'string' },
		admission: { type: 'string' },
		seats: { type: 'string' },
		'term-days': { type: 'string' },
		signal: { type: 'string', multiple: true },
		out: { type: 'string' },
		force: { type: 'boolean' }
	},
	positionals: 0,
	async run(values) {
		const keyPath = required(values, 'key', 'found');
		const name = required(values, 'name', 'found');
		const out = required(values, 'out', 'found');
		const admission = (text(values, 'admission') ?? 'invite') as Admission;
		if (!ADMISSION.includes(admission)) {
			throw new CliError(EXIT.usage, '--admission must be "open" or "invite".');
		}
		const seats = integer(text(values, 'seats'), 'seats', DEFAULT_SEATS);
		const termDays = integer(text(values, 'term-days'), 'term-days', DEFAULT_TERM_DAYS);
		await refuseOverwrite(out, values.force === true);
		const [genesis, citizen] = await withKey(keyPath, async (unlocked) => {
			const { fingerprint, publicKey } = unlocked.key;
			const at = Date.now();
			const genesis = await signOrFail(
				unlocked,
				makeGenesis({
					author: fingerprint,
					at,
					name,
					constitution: { admission, seats, termDays },
					founderKey: publicKey
				})
			);
			const citizen = await signOrFail(
				unlocked,
				makeCitizen({
					country: genesis.id,
					author: fingerprint,
					at,
					name: unlocked.key.name,
					publicKey,
					admission: { type: 'founder' }
				})
			);
			return [genesis, citizen];
		});
		const publicDoc = new Y.Doc();
		publicDoc.transact(() => {
			const records = publicDoc.getMap(RECORDS_MAP);
			for (const { id, entry } of [genesis, citizen]) records.set(id, { ...entry });
		});
		const genesisRecord = JSON.parse(genesis.entry.record) as { body: { name: string } };
		await writeWorld(out, {
			country: genesis.id,
			name: genesisRecord.body.name,
			genesis: genesis.entry,
			publicUpdate: Y.encodeStateAsUpdate(publicDoc),
			citizensUpdate: Y.encodeStateAsUpdate(new Y.Doc()),
			// The same alphabet and length as the app's secrets (32 random bytes, base64url).
			secret: randomBytes(32).toString('base64url'),
			signaling: signalingUrls(values)
		});
		console.log(`Founded ${genesisRecord.body.name} (${genesis.id}); wrote ${out}`);
		return EXIT.ok;
	}
};
