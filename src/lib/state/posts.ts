/**
 * Blog posts as the UI reads and writes them: the country's posts derived once per change
 * of its valid records, and publishing, editing and retracting through publishChecked.
 */
import {
	err,
	makeRetraction,
	postsOf,
	withoutHidden,
	type BlogPost,
	type Result,
	type Verified
} from '../model';
import { checkPostDraft, type DraftProblem, type PostDraft } from '../model/post-draft';
import type { AppState } from './app.svelte';
import type { CountryState } from './country.svelte';
import { publishChecked } from './publishing';

export {
	blogsOf,
	splitTags,
	type BlogEntry,
	type DraftProblem,
	type PostDraft
} from '../model/post-draft';

/** The store replaces its valid map on every change, so the map is a cache key. */
const derived = new WeakMap<ReadonlyMap<string, Verified>, BlogPost[]>();

/**
 * Every unretracted post of the country, newest first by first publication, without those of
 * authors the leaders banned (R43) (reactive).
 */
export function postsIn(country: CountryState): BlogPost[] {
	const view = country.view;
	let posts = derived.get(view.valid);
	if (!posts) {
		posts = withoutHidden(postsOf(view.valid), view);
		derived.set(view.valid, posts);
	}
	return posts;
}

/** A post by its id (its first revision's), or by the id of any of its revisions. */
export function findPost(country: CountryState, id: string): BlogPost | null {
	const posts = postsIn(country);
	return (
		posts.find((p) => p.id === id) ??
		posts.find((p) => p.revisions.some((r) => r.id === id)) ??
		null
	);
}

export type PublishOutcome =
	| { ok: true; postId: string }
	| { ok: false; problems: DraftProblem[] }
	| { ok: false; problems: []; message: string };

/**
 * Publish a draft as a new post, or as a new revision of `editing` (replacing its current
 * revision). Field problems come back per field; anything else as one message. Nothing the
 * draft holds is touched, so a failed publish loses nothing.
 */
export async function publishPost(
	app: AppState,
	country: CountryState,
	draft: PostDraft,
	editing: BlogPost | null
): Promise<PublishOutcome> {
	const key = app.identity.unlocked?.key;
	if (!key) return { ok: false, problems: [], message: 'Unlock your identity to publish.' };
	if (!country.view.citizenByKey.has(key.fingerprint)) {
		return { ok: false, problems: [], message: 'Only citizens of this country can publish here.' };
	}
	if (editing && editing.author !== key.fingerprint) {
		return { ok: false, problems: [], message: 'Only the author of a post can edit it.' };
	}
	const checked = checkPostDraft(draft, {
		country: country.id,
		author: key.fingerprint,
		at: Date.now(),
		replaces: editing?.current.id ?? null
	});
	if (!checked.ok) return checked;
	const published = await publishChecked(app, country, checked.record);
	if (!published.ok) return { ok: false, problems: [], message: describe(published) };
	return { ok: true, postId: editing?.id ?? published.value };
}

/** Withdraw a post, every revision of it, from every view (only its author may). */
export async function retractPost(
	app: AppState,
	country: CountryState,
	post: BlogPost
): Promise<Result<string, string>> {
	const key = app.identity.unlocked?.key;
	if (!key) return err('locked', 'Unlock your identity first.');
	return publishChecked(
		app,
		country,
		makeRetraction({ country: country.id, author: key.fingerprint, at: Date.now(), post: post.id })
	);
}

function describe(failure: { code: string; message: string }): string {
	switch (failure.code) {
		case 'replaces_unknown':
			return 'This post changed or was retracted meanwhile; reload it and try again. Your text is still here.';
		case 'edit_forbidden':
			return 'Only the author of a post can edit it.';
		case 'author_unknown':
			return 'Only citizens of this country can publish here.';
		default:
			return `Could not publish: ${failure.message}`;
	}
}
