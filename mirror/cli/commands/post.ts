import {
	makePage,
	makePost,
	makeRetraction,
	PAGE_PARENTS_MAX,
	PAGE_SLUG,
	pagesOf,
	postsOf,
	type AnyRecord,
	type BlogPost
} from '../../../src/lib/model';
import type { UnlockedIdentity } from '../../../src/lib/identity';
import { readInput } from '../../files';
import type { World } from '../../world';
import { required, text, type Command } from '../args';
import { CliError, EXIT } from '../exit';
import { citizenOf, publishToWorld, readFoundedWorld, withKey } from '../signing';

/** A body is at most 200,000 characters (POST_BODY_MAX, PAGE_BODY_MAX); 4 UTF-8 bytes each at worst. */
const MAX_BODY_FILE_BYTES = 800_000;
const RECORD_ID = /^[0-9a-f]{64}$/;

async function readBody(path: string): Promise<string> {
	const bytes = await readInput(path, 'a Markdown file', MAX_BODY_FILE_BYTES);
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new CliError(EXIT.input, `${path} is not UTF-8 text.`);
	}
}

const tagList = (value: string): string[] =>
	value
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean);

function recordIdOption(values: Record<string, unknown>, name: string): string {
	const id = text(values, name)!.trim().toLowerCase();
	if (!RECORD_ID.test(id)) {
		throw new CliError(EXIT.usage, `--${name} takes a post's id: 64 hexadecimal digits.`);
	}
	return id;
}

/** The author's own post that `id` names (any revision of it), or exit 4 saying why not. */
function ownPost(world: World, id: string, author: string, doing: string): BlogPost {
	const post = postsOf(world.country).find((p) => p.revisions.some((r) => r.id === id));
	if (!post) {
		throw new CliError(
			EXIT.invalid,
			`${world.path} has no post ${id} to ${doing} (never published here, or retracted).`
		);
	}
	if (post.author !== author) {
		throw new CliError(
			EXIT.invalid,
			`Post ${post.id} is not yours: only its author may ${doing} it.`
		);
	}
	return post;
}

type Mode = 'new' | 'edit' | 'retract' | 'page';

/** Which of the four things this command line asks for, and that its options fit it. */
function modeOf(values: Record<string, unknown>): Mode {
	const modes = (['edit', 'retract', 'page'] as const).filter((m) => text(values, m) !== undefined);
	if (modes.length > 1) {
		throw new CliError(
			EXIT.usage,
			`--${modes[0]} and --${modes[1]} do not go together. See: webocracy post --help`
		);
	}
	const mode = modes[0] ?? 'new';
	if (mode === 'retract') {
		const extra = ['title', 'file', 'tags'].find((o) => values[o] !== undefined);
		if (extra) throw new CliError(EXIT.usage, `--retract takes no --${extra}: nothing is written.`);
	}
	if (mode === 'page' && values.tags !== undefined) {
		throw new CliError(EXIT.usage, 'Pages have no tags: leave out --tags with --page.');
	}
	if (mode === 'edit' && ['title', 'file', 'tags'].every((o) => values[o] === undefined)) {
		throw new CliError(EXIT.usage, '--edit needs a new --title, --file or --tags.');
	}
	return mode;
}

/** The record this command line signs, from the file as it is and the author's key. */
function recordFor(
	mode: Mode,
	values: Record<string, unknown>,
	body: string | undefined,
	world: World,
	unlocked: UnlockedIdentity
): { record: AnyRecord; what: string; done: (id: string) => string } {
	const country = world.content.header.country;
	const author = citizenOf(world, unlocked, mode === 'page' ? 'write pages' : 'post');
	const common = { country, author, at: Date.now() };
	switch (mode) {
		case 'new': {
			const title = required(values, 'title', 'post');
			const tags = tagList(text(values, 'tags') ?? '');
			return {
				record: makePost({ ...common, title, body: body!, tags }),
				what: 'post',
				done: (id) => `Posted ${id}`
			};
		}
		case 'edit': {
			const post = ownPost(world, recordIdOption(values, 'edit'), author, 'edit');
			const { current } = post;
			const tags = text(values, 'tags');
			// An edit replaces the revision shown; it joins the branches when edits branched.
			return {
				record: makePost({
					...common,
					title: text(values, 'title') ?? current.title,
					body: body ?? current.body,
					tags: tags === undefined ? [...current.tags] : tagList(tags),
					replaces: current.id
				}),
				what: 'edit',
				done: (id) => `Edited post ${post.id}: revision ${id}`
			};
		}
		case 'retract': {
			const post = ownPost(world, recordIdOption(values, 'retract'), author, 'retract');
			return {
				record: makeRetraction({ ...common, post: post.id }),
				what: 'retraction',
				done: (id) => `Retracted post ${post.id} with ${id}`
			};
		}
		case 'page': {
			const slug = text(values, 'page')!;
			if (!PAGE_SLUG.test(slug)) {
				throw new CliError(
					EXIT.usage,
					`--page ${slug}: a page's address is lowercase letters a–z and digits, words joined by -.`
				);
			}
			const title = required(values, 'title', 'post');
			// A new revision replaces every version there is now: written over them, a merge.
			const heads = pagesOf(world.country).get(slug)?.heads ?? [];
			if (heads.length > PAGE_PARENTS_MAX) {
				throw new CliError(
					EXIT.invalid,
					`The page ${slug} has ${heads.length} versions, more than one revision may join (${PAGE_PARENTS_MAX}): merge some in the app first.`
				);
			}
			return {
				record: makePage({ ...common, slug, title, body: body!, replaces: heads.map((h) => h.id) }),
				what: 'page revision',
				done: (id) =>
					`Wrote the page ${slug}: revision ${id}${heads.length ? ` (replacing ${heads.length})` : ' (a new page)'}`
			};
		}
	}
}

export const post: Command = {
	name: 'post',
	summary: 'sign a blog post, an edit of one, its retraction, or a shared page',
	usage: `webocracy post --key key.asc --world FILE --title TITLE --file post.md [--tags a,b]
       webocracy post --key key.asc --world FILE --edit POST_ID [--title T] [--file F] [--tags a,b]
       webocracy post --key key.asc --world FILE --retract POST_ID
       webocracy post --key key.asc --world FILE --page SLUG --title TITLE --file page.md`,
	help: `Signs a record with the key, checks it against the country's rules as the app does
before publishing (the author must be a citizen; an edit or a retraction must be of the
author's own post), and adds it to the state file, which is rewritten atomically. Import the
file in the app, or let a mirror carry it.

A new post:
  --title TITLE      the post's title
  --file FILE        the post's body, Markdown (UTF-8)
  --tags a,b         up to 10 tags: lowercase words or numbers joined by -

An edit (a new revision of your post; what you leave out stays as it is):
  --edit POST_ID     the post (its id, or the id of any revision of it)
  --title, --file, --tags as above, at least one ("--tags ''" removes every tag)

A retraction (the post and every revision leave every view; no text is written):
  --retract POST_ID  the post (its id, or the id of any revision of it)

A shared page (any citizen may write one; a revision replaces every version there is):
  --page SLUG        the page's address: lowercase words a–z and digits joined by -
  --title, --file    its title and Markdown body

Always:
  --key FILE         your armored private key
  --world FILE       the country's state file (.webocracy), updated in place`,
	options: {
		key: { type: 'string' },
		world: { type: 'string' },
		title: { type: 'string' },
		file: { type: 'string' },
		tags: { type: 'string' },
		edit: { type: 'string' },
		retract: { type: 'string' },
		page: { type: 'string' }
	},
	positionals: 0,
	async run(values) {
		const keyPath = required(values, 'key', 'post');
		const worldPath = required(values, 'world', 'post');
		const mode = modeOf(values);
		if (mode === 'new' || mode === 'page') {
			required(values, 'title', 'post');
			required(values, 'file', 'post');
		}
		// The cheap checks first: a bad body file never costs a passphrase.
		const file = text(values, 'file');
		const body = file === undefined ? undefined : await readBody(file);
		const world = await readFoundedWorld(worldPath);
		const message = await withKey(keyPath, async (unlocked) => {
			const { record, what, done } = recordFor(mode, values, body, world, unlocked);
			return done(await publishToWorld(world, unlocked, record, what));
		});
		console.log(`${message} in ${worldPath}`);
		return EXIT.ok;
	}
};
