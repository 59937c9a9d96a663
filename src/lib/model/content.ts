/**
 * What people read, derived from a country's valid records: blog posts and the latest of
 * them, tags, shared pages with their heads and history, the citizens' threads. Pure and
 * deterministic: the same valid records give the same content on every peer, whatever order
 * they arrived in. The rules are in docs/records.md, "Content".
 */
import type { CountryView } from './country';
import { mergeLines } from './diff';
import type { AnyRecord, RecordOf } from './record';
import type { Verified } from './verified';

/** A country view, or just its map of valid records. */
export type ContentSource = Pick<CountryView, 'valid'> | ReadonlyMap<string, Verified>;

export type PostRevision = {
	id: string;
	author: string;
	at: number;
	title: string;
	body: string;
	tags: readonly string[];
	/** The revision this one replaces, or null for the first revision. */
	replaces: string | null;
};

export type BlogPost = {
	/** The id of the post's first revision: its identity, whatever edits follow. */
	id: string;
	author: string;
	/** When it was first published: the first revision's `at`. Orders "latest". */
	publishedAt: number;
	/** The current revision's `at`. */
	updatedAt: number;
	/** What is shown: the newest head by (at, id) (see `heads`). */
	current: PostRevision;
	/** Revisions no valid revision replaces, newest first: more than one if edits branched. */
	heads: PostRevision[];
	/** Every valid revision, the first included, newest first by (at, id). */
	revisions: PostRevision[];
};

export type PageRevision = {
	id: string;
	author: string;
	at: number;
	slug: string;
	title: string;
	body: string;
	/** Parent revisions: none for a first revision, one for an edit, several for a merge. */
	replaces: readonly string[];
};

export type WikiPage = {
	slug: string;
	/** Revisions no valid revision replaces, newest first by (at, id). */
	heads: PageRevision[];
	/** The one head; null while the page has several versions waiting to be merged. */
	current: PageRevision | null;
	/** Every valid revision of the page, newest first by (at, id). */
	history: PageRevision[];
};

export type ForumThread = {
	id: string;
	author: string;
	at: number;
	title: string;
	body: string;
	/** Valid messages in the thread. */
	messages: number;
	/** The latest `at` of the thread and its messages. */
	lastAt: number;
};

export type ForumMessage = {
	id: string;
	author: string;
	at: number;
	thread: string;
	body: string;
	/** The message of the same thread this one answers, or null. */
	replyTo: string | null;
};

export const LATEST_POSTS = 20;

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** (at, id) ascending: the order used wherever "earlier" decides. */
const oldestFirst = (a: { at: number; id: string }, b: { at: number; id: string }): number =>
	a.at - b.at || compareIds(a.id, b.id);
const newestFirst = (a: { at: number; id: string }, b: { at: number; id: string }): number =>
	oldestFirst(b, a);
/** Posts in "latest" order: by first publication, newest first, then by id descending. */
export const latestFirst = (a: BlogPost, b: BlogPost): number =>
	b.publishedAt - a.publishedAt || compareIds(b.id, a.id);

const validOf = (source: ContentSource): ReadonlyMap<string, Verified> =>
	'valid' in source ? source.valid : source;

function recordsOf<K extends AnyRecord['kind']>(
	source: ContentSource,
	kind: K
): Verified<Extract<AnyRecord, { kind: K }>>[] {
	const out: Verified<Extract<AnyRecord, { kind: K }>>[] = [];
	for (const r of validOf(source).values()) {
		if (r.record.kind === kind) out.push(r as Verified<Extract<AnyRecord, { kind: K }>>);
	}
	return out;
}

const postRevision = ({ id, record }: Verified<RecordOf<'post'>>): PostRevision => ({
	id,
	author: record.author,
	at: record.at,
	title: record.body.title,
	body: record.body.body,
	tags: record.body.tags,
	replaces: record.body.replaces
});

/**
 * Every post that is not retracted, in "latest" order (first published newest first, ties
 * by id descending). A post is identified by its first revision; its revisions are the valid
 * posts whose `replaces` chain leads there. The current revision is the newest head by
 * (at, id): a revision never loses to one it replaces, even when its author's clock was
 * behind; of two concurrent edits (two heads), the later by (at, id) wins, and so on every
 * peer. A post is retracted, with all its revisions, by any valid retraction naming any of
 * them (R28), whatever edits come after.
 */
export function postsOf(source: ContentSource): BlogPost[] {
	// One pass over the valid records for both kinds: a country's records are mostly posts.
	const posts = new Map<string, Verified<RecordOf<'post'>>>();
	const retractions: Verified<RecordOf<'retraction'>>[] = [];
	for (const r of validOf(source).values()) {
		const { kind } = r.record;
		if (kind === 'post') posts.set(r.id, r as Verified<RecordOf<'post'>>);
		else if (kind === 'retraction') retractions.push(r as Verified<RecordOf<'retraction'>>);
	}
	// First revision of each revision, found by walking `replaces` (iteratively: long chains).
	const rootOf = new Map<string, string>();
	const path: string[] = [];
	for (const [start, post] of posts) {
		if (post.record.body.replaces === null) {
			rootOf.set(start, start); // a first revision: most posts are never edited
			continue;
		}
		path.length = 0;
		let id = start;
		let root: string | undefined;
		while ((root = rootOf.get(id)) === undefined) {
			path.push(id);
			const parent = posts.get(id)!.record.body.replaces;
			// A valid edit's parent is valid (R22); a missing one would make this its own root.
			if (parent === null || !posts.has(parent)) {
				root = id;
				break;
			}
			id = parent;
		}
		for (const link of path) rootOf.set(link, root);
	}
	const retracted = new Set<string>();
	for (const r of retractions) {
		const root = rootOf.get(r.record.body.post);
		if (root !== undefined) retracted.add(root);
	}
	const replaced = new Set<string>();
	const revisionsOf = new Map<string, PostRevision[]>();
	for (const r of posts.values()) {
		const root = rootOf.get(r.id)!;
		if (retracted.has(root)) continue;
		if (r.record.body.replaces !== null) replaced.add(r.record.body.replaces);
		const list = revisionsOf.get(root);
		if (list) list.push(postRevision(r));
		else revisionsOf.set(root, [postRevision(r)]);
	}
	const out: BlogPost[] = [];
	for (const [root, revisions] of revisionsOf) {
		revisions.sort(newestFirst);
		const heads = revisions.filter((r) => !replaced.has(r.id));
		const current = heads[0]!;
		const first = posts.get(root)!.record;
		out.push({
			id: root,
			author: first.author,
			publishedAt: first.at,
			updatedAt: current.at,
			current,
			heads,
			revisions
		});
	}
	return out.sort(latestFirst);
}

const postListOf = (source: ContentSource | readonly BlogPost[]): readonly BlogPost[] =>
	Array.isArray(source) ? source : postsOf(source as ContentSource);

/**
 * The `n` most recently published posts of the country (default 20), newest first: ordered
 * by their first revision's (at, id), so an edit does not bring an old post back to the top,
 * and each shows its current revision. Takes `postsOf`'s result to avoid deriving twice.
 */
export function latestPosts(
	source: ContentSource | readonly BlogPost[],
	n: number = LATEST_POSTS
): BlogPost[] {
	const count = Math.max(0, Math.floor(n));
	return [...postListOf(source)].sort(latestFirst).slice(0, count);
}

/**
 * Tag → the posts whose current revision carries it, newest first as in `latestPosts`.
 * Tags are in ascending order (UTF-16 code units, no locale); tags of older revisions and
 * of retracted posts do not count.
 */
export function tagIndex(source: ContentSource | readonly BlogPost[]): Map<string, BlogPost[]> {
	const byTag = new Map<string, BlogPost[]>();
	for (const post of [...postListOf(source)].sort(latestFirst)) {
		for (const tag of post.current.tags) {
			const list = byTag.get(tag);
			if (list) list.push(post);
			else byTag.set(tag, [post]);
		}
	}
	return new Map([...byTag].sort(([a], [b]) => compareIds(a, b)));
}

/** One citizen's blog: their posts, newest first as in `latestPosts`. */
export function postsByAuthor(
	source: ContentSource | readonly BlogPost[],
	fingerprint: string
): BlogPost[] {
	return postListOf(source)
		.filter((post) => post.author === fingerprint)
		.sort(latestFirst);
}

/**
 * Slug → the page, slugs in ascending order. A page's revisions are the valid `page`
 * records with its slug (R26, R27 keep a revision's parents in the same page). Its heads are
 * the revisions no valid revision names as a parent; it has a current revision only while
 * there is exactly one head. Two first revisions of a slug, or two edits of one revision,
 * make two heads until a citizen merges them (a revision naming both).
 */
export function pagesOf(source: ContentSource): Map<string, WikiPage> {
	const bySlug = new Map<string, PageRevision[]>();
	const replaced = new Set<string>();
	for (const { id, record } of recordsOf(source, 'page')) {
		for (const parent of record.body.replaces) replaced.add(parent);
		const revision: PageRevision = {
			id,
			author: record.author,
			at: record.at,
			slug: record.body.slug,
			title: record.body.title,
			body: record.body.body,
			replaces: record.body.replaces
		};
		const list = bySlug.get(revision.slug);
		if (list) list.push(revision);
		else bySlug.set(revision.slug, [revision]);
	}
	const pages = new Map<string, WikiPage>();
	for (const slug of [...bySlug.keys()].sort(compareIds)) {
		const history = bySlug.get(slug)!.sort(newestFirst);
		const heads = history.filter((r) => !replaced.has(r.id));
		pages.set(slug, { slug, heads, current: heads.length === 1 ? heads[0]! : null, history });
	}
	return pages;
}

/**
 * The revision a page's versions last had in common, to merge them from: among the revisions
 * every one of `heads` builds on (itself included), one that none of the others builds on,
 * the newest by (at, id) if several. Null when they share no history (two first revisions).
 */
export function mergeBase(
	page: WikiPage,
	heads: readonly PageRevision[] = page.heads
): PageRevision | null {
	const byId = new Map(page.history.map((r) => [r.id, r]));
	/** `from` and every revision they build on; iterative, as histories can be long. */
	const reach = (from: readonly string[], seen = new Set<string>()) => {
		const stack = [...from];
		while (stack.length) {
			const id = stack.pop()!;
			if (seen.has(id) || !byId.has(id)) continue;
			seen.add(id);
			stack.push(...byId.get(id)!.replaces);
		}
		return seen;
	};
	const [first, ...rest] = heads;
	if (!first) return null;
	let common = reach([first.id]);
	for (const head of rest) {
		const mine = reach([head.id]);
		common = new Set([...common].filter((id) => mine.has(id)));
	}
	if (!common.size) return null;
	// Every common revision that another common one builds on is older history: leave it out.
	const below = reach([...common].flatMap((id) => byId.get(id)!.replaces));
	return page.history.find((r) => common.has(r.id) && !below.has(r.id)) ?? null;
}

export type PageMerge = {
	title: string;
	body: string;
	/** Passages both sides changed differently: kept between conflict markers for a person. */
	conflicts: number;
	/** Whether the versions changed the title differently (the newest version's is kept). */
	titleConflict: boolean;
};

/**
 * A first draft of the merge of a page's versions: each version's changes since their common
 * revision (`mergeBase`), applied together with `mergeLines`, newest version first; the
 * title one of them changed, or the newest one's when several changed it. Deterministic, so
 * every peer proposes the same draft; a person reviews it before it is published.
 */
export function mergeDraft(
	page: WikiPage,
	labelOf: (version: PageRevision) => string,
	heads: readonly PageRevision[] = page.heads
): PageMerge {
	const [newest, ...others] = heads;
	if (!newest) return { title: '', body: '', conflicts: 0, titleConflict: false };
	const base = mergeBase(page, heads);
	let body = newest.body;
	let conflicts = 0;
	let label = labelOf(newest);
	for (const version of others) {
		const merged = mergeLines(base?.body ?? '', body, version.body, {
			a: label,
			b: labelOf(version)
		});
		body = merged.text;
		conflicts += merged.conflicts;
		label = 'merged so far';
	}
	const changedTitles = [...new Set(heads.map((h) => h.title))].filter((t) => t !== base?.title);
	return {
		title: changedTitles.length === 1 ? changedTitles[0]! : newest.title,
		body,
		conflicts,
		titleConflict: changedTitles.length > 1
	};
}

/** The citizens' threads, oldest first by (at, id), with how many messages each has. */
export function threadsOf(source: ContentSource): ForumThread[] {
	const threads = new Map<string, ForumThread>();
	for (const { id, record } of recordsOf(source, 'thread')) {
		const { author, at, body } = record;
		threads.set(id, {
			id,
			author,
			at,
			title: body.title,
			body: body.body,
			messages: 0,
			lastAt: at
		});
	}
	for (const { record } of recordsOf(source, 'message')) {
		const thread = threads.get(record.body.thread);
		if (!thread) continue; // cannot happen for valid messages (R29)
		thread.messages += 1;
		thread.lastAt = Math.max(thread.lastAt, record.at);
	}
	return [...threads.values()].sort(oldestFirst);
}

/** The messages of one thread, oldest first by (at, id). */
export function messagesOf(source: ContentSource, threadId: string): ForumMessage[] {
	return recordsOf(source, 'message')
		.filter((r) => r.record.body.thread === threadId)
		.map(({ id, record }) => ({
			id,
			author: record.author,
			at: record.at,
			thread: record.body.thread,
			body: record.body.body,
			replyTo: record.body.replyTo
		}))
		.sort(oldestFirst);
}
