/** `post`: a blog post revision by a citizen. An edit is a new post naming what it replaces. */
import * as v from 'valibot';
import { lineText, recordId } from '../schema';

export const POST = 'post' as const;
export const POST_TITLE_MAX = 200;
/** Markdown source; the whole record must also fit MAX_RECORD_BYTES. */
export const POST_BODY_MAX = 200_000;
export const POST_TAGS_MAX = 10;
const TAG = /^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}-]{0,31}$/u;

export const postBodySchema = v.strictObject({
	title: lineText(1, POST_TITLE_MAX),
	body: v.pipe(
		v.string(),
		v.maxLength(POST_BODY_MAX, `must be at most ${POST_BODY_MAX} characters`)
	),
	tags: v.pipe(
		v.array(v.pipe(v.string(), v.regex(TAG, 'tags are lowercase words or numbers joined by -'))),
		v.maxLength(POST_TAGS_MAX, `at most ${POST_TAGS_MAX} tags`),
		v.check((tags) => new Set(tags).size === tags.length, 'tags must not repeat')
	),
	/** The revision this one replaces (same author), or null for a new post. */
	replaces: v.nullable(recordId)
});
export type PostBody = v.InferOutput<typeof postBodySchema>;

/** A new post record (unsigned). Tags are normalised to lowercase, unique, in given order. */
export function makePost(input: {
	country: string;
	author: string;
	at: number;
	title: string;
	body: string;
	tags?: string[];
	replaces?: string | null;
}) {
	const tags = (input.tags ?? [])
		.map((t) => t.normalize('NFC').trim().toLowerCase())
		.filter(Boolean);
	return {
		v: 1 as const,
		kind: POST,
		country: input.country,
		author: input.author,
		at: input.at,
		body: {
			title: input.title.normalize('NFC').trim(),
			body: input.body.normalize('NFC'),
			tags: tags.filter((t, i) => tags.indexOf(t) === i),
			replaces: input.replaces ?? null
		}
	};
}
