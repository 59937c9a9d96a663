/**
 * `page`: a revision of a shared (wiki) page that any citizen may write. An edit, a revert
 * or a merge is a new revision naming the revisions it replaces (its parents).
 */
import * as v from 'valibot';
import { lineText, recordId } from '../schema';

export const PAGE = 'page' as const;
export const PAGE_SLUG_MAX = 64;
export const PAGE_TITLE_MAX = 200;
/** Markdown source; the whole record must also fit MAX_RECORD_BYTES. */
export const PAGE_BODY_MAX = 200_000;
/** A merge names every head it joins; more heads than this are merged in several steps. */
export const PAGE_PARENTS_MAX = 32;
/** Lowercase ASCII words joined by single `-`: safe in a URL path without escaping. */
export const PAGE_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const pageBodySchema = v.strictObject({
	/** Which page this is a revision of: the same slug is the same page. */
	slug: v.pipe(
		v.string(),
		v.minLength(1, 'must not be empty'),
		v.maxLength(PAGE_SLUG_MAX, `must be at most ${PAGE_SLUG_MAX} characters`),
		v.regex(PAGE_SLUG, 'must be lowercase letters a–z and digits, words joined by -')
	),
	title: lineText(1, PAGE_TITLE_MAX),
	body: v.pipe(
		v.string(),
		v.maxLength(PAGE_BODY_MAX, `must be at most ${PAGE_BODY_MAX} characters`)
	),
	/**
	 * The parent revisions, in ascending order with no repeats (one encoding per meaning):
	 * none for the first revision of a page, one for an edit or a revert, several for a merge.
	 */
	replaces: v.pipe(
		v.array(recordId),
		v.maxLength(PAGE_PARENTS_MAX, `at most ${PAGE_PARENTS_MAX} parent revisions`),
		v.check(
			(ids) => ids.every((id, i) => i === 0 || ids[i - 1]! < id),
			'parent revisions must be sorted and must not repeat'
		)
	)
});
export type PageBody = v.InferOutput<typeof pageBodySchema>;

/**
 * A new page revision (unsigned). The title is trimmed and NFC, the body NFC only (Markdown
 * keeps its spacing), the slug trimmed and lowercased, the parents sorted without repeats.
 */
export function makePage(input: {
	country: string;
	author: string;
	at: number;
	slug: string;
	title: string;
	body: string;
	replaces?: readonly string[];
}) {
	return {
		v: 1 as const,
		kind: PAGE,
		country: input.country,
		author: input.author,
		at: input.at,
		body: {
			slug: input.slug.normalize('NFC').trim().toLowerCase(),
			title: input.title.normalize('NFC').trim(),
			body: input.body.normalize('NFC'),
			replaces: [...new Set(input.replaces ?? [])].sort()
		}
	};
}

/**
 * A page address suggested from its title: accents dropped (`Économie` → `economie`), every
 * run of other characters one `-`, at most PAGE_SLUG_MAX characters, cut at a word boundary
 * where there is one. The empty string when the title has no ASCII letter or digit at all
 * (a title in Greek or Chinese): then the person types an address.
 */
export function slugFromTitle(title: string): string {
	const words = title
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter(Boolean);
	let slug = '';
	for (const word of words) {
		const next = slug ? `${slug}-${word}` : word;
		if (next.length > PAGE_SLUG_MAX) return slug || word.slice(0, PAGE_SLUG_MAX);
		slug = next;
	}
	return slug;
}
