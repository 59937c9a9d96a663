/**
 * What a person typed into the post editor, checked field by field before anything is
 * signed, with messages that say what to change. The record rules themselves stay in
 * kinds/post.ts (every peer enforces them); this only explains them at the keyboard, and
 * falls back to them so nothing the editor lets through could be refused later.
 */
import * as v from 'valibot';
import type { BlogPost } from './content';
import type { CountryView, Citizen } from './country';
import {
	makePost,
	postBodySchema,
	POST_BODY_MAX,
	POST_TAGS_MAX,
	POST_TITLE_MAX
} from './kinds/post';
import { encodeRecord, type RecordOf } from './record';

/** The editor's fields as typed: tags as one line, separated by commas. */
export type PostDraft = { title: string; body: string; tags: string };

export type DraftField = 'title' | 'body' | 'tags';
export type DraftProblem = { field: DraftField; message: string };

export type DraftCheck =
	{ ok: true; record: RecordOf<'post'>; id: string } | { ok: false; problems: DraftProblem[] };

/** 200000 → "200 000": readable, and the same on every device (no locale). */
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

/** The tags a line of text names: split at commas, each trimmed; empty pieces dropped. */
export function splitTags(text: string): string[] {
	return text
		.split(/[,，、]/)
		.map((tag) => tag.trim())
		.filter(Boolean);
}

/** Whether one tag (as makePost normalises it) is one the record rules accept. */
const tagSchema = postBodySchema.entries.tags;
const isValidTag = (tag: string): boolean => v.is(tagSchema, [tag]);

/**
 * Check a draft and, when it is fine, build the unsigned post record (normalised as
 * makePost does). Problems come in field order, each field's first problem only.
 */
export function checkPostDraft(
	draft: PostDraft,
	context: { country: string; author: string; at: number; replaces: string | null }
): DraftCheck {
	const problems: DraftProblem[] = [];
	const title = draft.title.normalize('NFC').trim();
	if (!title) problems.push({ field: 'title', message: 'Give the post a title.' });
	else if (title.length > POST_TITLE_MAX) {
		problems.push({
			field: 'title',
			message: `The title is ${count(title.length)} characters long; at most ${POST_TITLE_MAX} fit.`
		});
	}
	const body = draft.body.normalize('NFC');
	if (body.length > POST_BODY_MAX) {
		problems.push({
			field: 'body',
			message: `The text is ${count(body.length)} characters long; at most ${count(POST_BODY_MAX)} fit. Shorten it or split it into several posts.`
		});
	}
	const typed = splitTags(draft.tags);
	const bad = typed.filter((tag) => !isValidTag(tag.normalize('NFC').toLowerCase()));
	if (bad.length) {
		problems.push({
			field: 'tags',
			message: `${bad.length === 1 ? 'This is not a tag' : 'These are not tags'}: ${bad
				.map((tag) => `“${tag}”`)
				.join(
					', '
				)}. A tag is 1–32 lowercase letters, digits or “-”, with no spaces, not starting with “-”; separate tags with commas.`
		});
	} else {
		const unique = new Set(typed.map((tag) => tag.normalize('NFC').toLowerCase()));
		if (unique.size > POST_TAGS_MAX) {
			problems.push({
				field: 'tags',
				message: `At most ${POST_TAGS_MAX} tags; this has ${unique.size}.`
			});
		}
	}
	if (problems.length) return { ok: false, problems };

	const record = makePost({ ...context, title, body, tags: typed }) as RecordOf<'post'>;
	const encoded = encodeRecord(record);
	if (encoded.ok) return { ok: true, record, id: encoded.value.id };
	// What the checks above cannot see: the whole record over 256 KiB of UTF-8, or a rule of
	// the record format (control characters in the title) — shown on the field it concerns.
	const field: DraftField = encoded.path.startsWith('body.title')
		? 'title'
		: encoded.path.startsWith('body.tags')
			? 'tags'
			: 'body';
	const message =
		encoded.code === 'record_too_large'
			? 'The text is too large to publish: a post must fit in 256 KiB (text in many scripts takes 2–3 bytes a character). Shorten it or split it into several posts.'
			: `${field === 'title' ? 'The title' : field === 'tags' ? 'The tags' : 'The text'} cannot be published: ${encoded.message.replace(/^[\w.[\]]+: /, '')}.`;
	return { ok: false, problems: [{ field, message }] };
}

/** A citizen and how many posts they have, for the list of blogs. */
export type BlogEntry = { citizen: Citizen; posts: number };

/** Every citizen's blog, in order of admission, with their number of (unretracted) posts. */
export function blogsOf(
	view: Pick<CountryView, 'citizens'>,
	posts: readonly BlogPost[]
): BlogEntry[] {
	const counts = new Map<string, number>();
	for (const post of posts) counts.set(post.author, (counts.get(post.author) ?? 0) + 1);
	return view.citizens.map((citizen) => ({
		citizen,
		posts: counts.get(citizen.fingerprint) ?? 0
	}));
}
