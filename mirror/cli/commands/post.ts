import * as Y from 'yjs';
import { deriveCountry, makePost, parseEntry } from '../../../src/lib/model';
import { RECORDS_MAP } from '../../../src/lib/sync';
import { readInput } from '../../files';
import { openKeyFile } from '../../keys';
import { nodeVerifier, readWorld, writeWorld } from '../../world';
import { required, text, type Command } from '../args';
import { CliError, EXIT } from '../exit';
import { signOrFail } from './found';

/** A post body is at most 200,000 characters (POST_BODY_MAX); a UTF-8 file of it, 4 bytes each at worst. */
const MAX_BODY_FILE_BYTES = 800_000;

export const post: Command = {
	name: 'post',
	summary: 'sign a blog post and add it to a state file',
	usage:
		'webocracy post --key key.asc --world world.webocracy --title TITLE --file post.md [--tags a,b]',
	help: `Signs a post (Markdown) with the key, checks it against the country's rules as the app
does before publishing (the author must be a citizen), and adds it to the state file, which is
rewritten atomically. Import the file in the app, or let a mirror carry it.

  --key FILE       the author's armored private key
  --world FILE     the country's state file (.webocracy), updated in place
  --title TITLE    the post's title
  --file FILE      the post's body, Markdown (UTF-8)
  --tags a,b       up to 10 tags: lowercase words or numbers joined by -`,
	options: {
		key: { type: 'string' },
		world: { type: 'string' },
		title: { type: 'string' },
		file: { type: 'string' },
		tags: { type: 'string' }
	},
	positionals: 0,
	async run(values) {
		const keyPath = required(values, 'key', 'post');
		const worldPath = required(values, 'world', 'post');
		const title = required(values, 'title', 'post');
		const bodyPath = required(values, 'file', 'post');
		const tags = (text(values, 'tags') ?? '')
			.split(',')
			.map((t) => t.trim())
			.filter(Boolean);
		const bodyBytes = await readInput(bodyPath, 'a post', MAX_BODY_FILE_BYTES);
		let body: string;
		try {
			body = new TextDecoder('utf-8', { fatal: true }).decode(bodyBytes);
		} catch {
			throw new CliError(EXIT.input, `${bodyPath} is not UTF-8 text.`);
		}
		const world = await readWorld(worldPath);
		const countryId = world.content.header.country;
		if (!world.country.genesis) {
			throw new CliError(EXIT.invalid, `${worldPath} holds no valid founding record.`);
		}
		const unlocked = await openKeyFile(keyPath);
		const author = unlocked.key.fingerprint;
		if (!world.country.citizenByKey.has(author)) {
			throw new CliError(
				EXIT.invalid,
				`${unlocked.key.name} (${author}) is not a citizen of ${world.country.name}: only citizens post.`
			);
		}
		const signed = await signOrFail(
			unlocked,
			makePost({ country: countryId, author, at: Date.now(), title, body, tags })
		);
		unlocked.lock();
		// The same check as the app's publishChecked: a record every peer would reject is never written.
		const parsed = parseEntry(signed.id, signed.entry);
		if (!parsed.ok) throw new CliError(EXIT.invalid, `${parsed.message} (${parsed.code})`);
		const [verified] = await nodeVerifier().verifyMany([
			{ parsed: parsed.value, publicKey: unlocked.key.publicKey }
		]);
		if (!verified?.ok) {
			throw new CliError(EXIT.invalid, `The signature does not verify (${verified?.code}).`);
		}
		const preview = deriveCountry(countryId, [...world.country.valid.values(), verified.value]);
		const rejection = preview.rejected.find((r) => r.id === signed.id);
		if (rejection) {
			throw new CliError(
				EXIT.invalid,
				`The country refuses the post: ${rejection.message} (${rejection.code}).`
			);
		}
		const doc = new Y.Doc();
		Y.applyUpdate(doc, world.content.publicUpdate);
		doc.getMap(RECORDS_MAP).set(signed.id, { ...signed.entry });
		const { header, citizensUpdate } = world.content;
		await writeWorld(worldPath, {
			country: countryId,
			name: header.name,
			genesis: header.genesis,
			publicUpdate: Y.encodeStateAsUpdate(doc),
			citizensUpdate,
			secret: header.secret,
			signaling: header.signaling
		});
		console.log(`Posted ${signed.id} to ${worldPath}`);
		return EXIT.ok;
	}
};
