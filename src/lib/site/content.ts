/**
 * What the tourist site shows, from a verified country: the model's content derivations
 * over the valid records, with global filters applied first, so a hidden author or record
 * is gone from every list, page, feed and record file alike.
 */
import { postsOf, pagesOf, tagIndex, type BlogPost, type WikiPage } from '../model/content';
import type { Citizen } from '../model/country';
import type { Verified } from '../model/verified';
import { governmentRecords, siteGovernment } from './government';
import type { SiteGovernment, SiteInput } from './types';

export type SiteContent = {
	/** The records the site may use (no hidden author or record, nothing private). */
	visible: Map<string, Verified>;
	citizenByKey: ReadonlyMap<string, Citizen>;
	/** Visible posts, newest first by first publication. */
	posts: BlogPost[];
	/**
	 * Any revision id of a visible post → the post. This and the two maps below are made
	 * anew on every call: a planner keeps and updates them.
	 */
	postByRevision: Map<string, BlogPost>;
	/** Each visible citizen's posts, newest first; an entry for every visible citizen. */
	postsByAuthor: Map<string, BlogPost[]>;
	/** Tag → posts, tags ascending. */
	tags: Map<string, BlogPost[]>;
	/** Slug → page, slugs ascending. */
	pages: ReadonlyMap<string, WikiPage>;
	/** Records a visitor can download and verify: what the site shows, each once. */
	published: Verified[];
	/** The government page's content: given, or derived from the country's governance. */
	government: SiteGovernment | undefined;
};

/** Who and what the site leaves out, as the planner worked it out from the input. */
export type SiteVisibility = {
	/** The caller's hidden authors and the banned (`hiddenAuthorsOf`). */
	hiddenAuthors: ReadonlySet<string>;
	hiddenRecords: ReadonlySet<string>;
	/** The country's citizens but the hidden authors, in order of admission. */
	citizens: readonly Citizen[];
};

/** Hidden authors: the caller's, and always those the leaders banned (R43). */
export function hiddenAuthorsOf(input: SiteInput): ReadonlySet<string> {
	const banned = input.country.government.banned;
	if (!input.hiddenAuthors?.size) return banned;
	if (!banned.size) return input.hiddenAuthors;
	return new Set([...input.hiddenAuthors, ...banned]);
}

/** Whether the site may use a valid record: not private, no hidden author, not hidden itself. */
export function isVisible(
	r: Verified,
	hiddenAuthors: ReadonlySet<string>,
	hiddenRecords: ReadonlySet<string>
): boolean {
	// The citizens' area (threads, messages) is never public; invites say nothing to visitors.
	const kind = r.record.kind;
	if (kind === 'thread' || kind === 'message' || kind === 'invite') return false;
	if (kind !== 'genesis' && hiddenAuthors.has(r.record.author)) return false;
	return !(kind === 'page' && hiddenRecords.has(r.id));
}

/** Whether a post is shown: its author is a visible citizen and no revision of it is hidden. */
export const isShown = (
	post: BlogPost,
	citizenByKey: ReadonlyMap<string, Citizen>,
	hiddenRecords: ReadonlySet<string>
): boolean => citizenByKey.has(post.author) && !post.revisions.some((r) => hiddenRecords.has(r.id));

/** The records of `country.valid` that the site may use. */
function visibleRecords(
	input: SiteInput,
	hiddenAuthors: ReadonlySet<string>,
	hiddenRecords: ReadonlySet<string>
): Map<string, Verified> {
	const out = new Map<string, Verified>();
	for (const [id, r] of input.country.valid) {
		if (isVisible(r, hiddenAuthors, hiddenRecords)) out.set(id, r);
	}
	return out;
}

/**
 * `derivePosts` is `postsOf` or what gives the same posts (a planner's index that keeps them
 * for the next plan, see posts-index.ts); `asOf` is `recordsAsOf(input.country)`, if known.
 */
export function siteContent(
	input: SiteInput,
	shown: SiteVisibility,
	options: {
		derivePosts?: (visible: ReadonlyMap<string, Verified>) => BlogPost[];
		asOf?: number;
	} = {}
): SiteContent {
	const derivePosts = options.derivePosts ?? postsOf;
	const { country } = input;
	const { hiddenAuthors, hiddenRecords } = shown;
	const valid = visibleRecords(input, hiddenAuthors, hiddenRecords);
	const citizenByKey = new Map(shown.citizens.map((c) => [c.fingerprint, c]));
	const posts = derivePosts(valid).filter((post) => isShown(post, citizenByKey, hiddenRecords));
	const postByRevision = new Map<string, BlogPost>();
	const postsByAuthor = new Map<string, BlogPost[]>(shown.citizens.map((c) => [c.fingerprint, []]));
	for (const post of posts) {
		for (const revision of post.revisions) postByRevision.set(revision.id, post);
		postsByAuthor.get(post.author)?.push(post);
	}
	const pages = new Map<string, WikiPage>();
	for (const [slug, page] of pagesOf(valid)) pages.set(slug, page);

	const publishedIds = new Set<string>();
	if (country.genesis) publishedIds.add(country.genesis.id);
	for (const r of valid.values()) {
		if (r.record.kind === 'citizen' && citizenByKey.has(r.record.author)) publishedIds.add(r.id);
	}
	for (const post of posts) for (const r of post.revisions) publishedIds.add(r.id);
	for (const page of pages.values()) for (const r of page.history) publishedIds.add(r.id);
	const government =
		input.government ?? (country.genesis ? siteGovernment(country, options.asOf) : undefined);
	// The government page links to the certified results and filters it lists.
	if (!input.government) for (const id of governmentRecords(country)) publishedIds.add(id);
	// In the order found (genesis, citizens, posts, pages): deterministic, and no sort of
	// 10,000 ids on every plan.
	const published = [...publishedIds]
		.map((id) => valid.get(id))
		.filter((r): r is Verified => r !== undefined);

	return {
		visible: valid,
		citizenByKey,
		posts,
		postByRevision,
		postsByAuthor,
		pages,
		tags: tagIndex(posts),
		published,
		government
	};
}
