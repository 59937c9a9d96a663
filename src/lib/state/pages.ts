/**
 * Writing shared pages: a new page, an edit, a revert or a merge is one new signed `page`
 * revision naming the revisions it replaces (docs/records.md, `page`, R26, R27). Problems are
 * told in words and tied to the field they are about, before anything is signed.
 */
import {
	cleanText,
	encodeRecord,
	err,
	makePage,
	PAGE_BODY_MAX,
	PAGE_PARENTS_MAX,
	PAGE_SLUG,
	PAGE_SLUG_MAX,
	PAGE_TITLE_MAX,
	pagesOf,
	type Err,
	type PageRevision,
	type Result,
	type WikiPage
} from '../model';
import type { AppState } from './app.svelte';
import { publishChecked } from './publishing';

export type PageField = 'slug' | 'title' | 'body';
export type PageProblems = Partial<Record<PageField, string>>;
export type PageDraft = { title: string; body: string };

/** An error about one field of the form (`path` is the field), or about the whole (`''`). */
export type PageError = Err<string> & { path: PageField | '' };

const count = (n: number) => n.toLocaleString('en');
/** C0 and C1 controls and DEL (Unicode Cc is exactly those), as the record schema refuses. */
const hasControl = (text: string) => /\p{Cc}/u.test(text);

/**
 * What is wrong with a draft, field by field, in words; empty when it may be published. The
 * same limits every peer enforces (docs/records.md, `page`), checked here so nobody signs a
 * revision that would be refused. Pass `slug` for a new page.
 */
export function pageDraftProblems(draft: PageDraft & { slug?: string }): PageProblems {
	const problems: PageProblems = {};
	const title = cleanText(draft.title);
	if (!title) problems.title = 'Give the page a title.';
	else if (title.length > PAGE_TITLE_MAX)
		problems.title = `The title is ${count(title.length)} characters long; at most ${PAGE_TITLE_MAX} are allowed.`;
	else if (hasControl(title))
		problems.title = 'The title must be one line, without tabs or control characters.';
	const body = draft.body.normalize('NFC');
	if (body.length > PAGE_BODY_MAX)
		problems.body = `The text is ${count(body.length)} characters long; at most ${count(PAGE_BODY_MAX)} are allowed.`;
	if (draft.slug !== undefined) {
		const slug = draft.slug.trim().toLowerCase();
		if (!slug) problems.slug = 'Give the page an address, e.g. about-our-country.';
		else if (slug.length > PAGE_SLUG_MAX)
			problems.slug = `The address is ${slug.length} characters long; at most ${PAGE_SLUG_MAX} are allowed.`;
		else if (!PAGE_SLUG.test(slug))
			problems.slug =
				'The address may hold only letters a–z and digits, words joined by single dashes, e.g. rules-2026.';
	}
	return problems;
}

const fieldError = (code: string, message: string, path: PageField | ''): PageError => ({
	...err(code, message, path),
	path
});

/** The first problem of a draft as an error, or null. */
function firstProblem(problems: PageProblems): PageError | null {
	for (const field of ['title', 'slug', 'body'] as const) {
		const message = problems[field];
		if (message) return fieldError('schema_invalid', message, field);
	}
	return null;
}

/** Which field a record-level error from the model is about. */
const fieldOf = (path: string): PageField | '' =>
	path === 'body.slug'
		? 'slug'
		: path === 'body.title'
			? 'title'
			: path === 'body.body'
				? 'body'
				: '';

/**
 * Sign and publish a page revision with `parents` (none for a new page). For a new page, an
 * address already in use is refused: two first revisions would make one page with two
 * versions. Resolves with the new revision's id.
 */
export async function publishPage(
	app: AppState,
	countryId: string,
	input: PageDraft & { slug: string; parents: readonly string[] }
): Promise<Result<string, string> | PageError> {
	const key = app.identity.unlocked?.key;
	if (!key) return fieldError('locked', 'Unlock your identity first.', '');
	const country = app.country(countryId);
	const { view } = country;
	if (!view.citizenByKey.has(key.fingerprint))
		return fieldError('not_citizen', 'Only citizens of this country can write its pages.', '');
	const problem = firstProblem(pageDraftProblems(input));
	if (problem) return problem;
	if (input.parents.length > PAGE_PARENTS_MAX)
		return fieldError(
			'too_many_parents',
			`A revision can join at most ${PAGE_PARENTS_MAX} versions at once.`,
			''
		);
	const record = makePage({
		country: countryId,
		author: key.fingerprint,
		at: Date.now(),
		slug: input.slug,
		title: input.title,
		body: input.body,
		replaces: input.parents
	});
	if (!input.parents.length && pagesOf(view).has(record.body.slug))
		return fieldError(
			'page_exists',
			'A page at this address already exists. Open it and edit it, or choose another address.',
			'slug'
		);
	if (input.parents.length === 1) {
		const parent = view.valid.get(input.parents[0]!)?.record;
		if (
			parent?.kind === 'page' &&
			parent.body.title === record.body.title &&
			parent.body.body === record.body.body
		)
			return fieldError('unchanged', 'Nothing has changed: there is nothing to publish.', '');
	}
	const encoded = encodeRecord(record);
	if (!encoded.ok) {
		if (encoded.code === 'record_too_large')
			return fieldError(
				'record_too_large',
				'The text is too large to share: one revision holds at most 256 KiB (text in non-Latin scripts takes more room per character).',
				'body'
			);
		return fieldError(encoded.code, encoded.message, fieldOf(encoded.path));
	}
	const published = await publishChecked(app, country, record);
	return published.ok ? published : fieldError(published.code, published.message, '');
}

/**
 * The parents of a revision that replaces what the page shows now: its one current revision,
 * or every version while it has several, so the new revision joins them (newest first, as
 * many as one revision may name).
 */
export const headsToReplace = (page: WikiPage): string[] =>
	page.heads.slice(0, PAGE_PARENTS_MAX).map((head) => head.id);

/** Publish an old revision's content as the page's new current revision. */
export const revertPage = (app: AppState, countryId: string, page: WikiPage, to: PageRevision) =>
	publishPage(app, countryId, {
		slug: page.slug,
		title: to.title,
		body: to.body,
		parents: headsToReplace(page)
	});
