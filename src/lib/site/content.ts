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
	/** Authors hidden (the caller's and the banned) and records hidden, as applied. */
	hiddenAuthors: ReadonlySet<string>;
	hiddenRecords: ReadonlySet<string>;
	countryId: string;
	name: string;
	parentName: string | null;
	/** Visible citizens, in order of admission. */
	citizens: Citizen[];
	citizenByKey: ReadonlyMap<string, Citizen>;
	/** Visible posts, newest first by first publication. */
	posts: BlogPost[];
	/** Any revision id of a visible post → the post. */
	postByRevision: ReadonlyMap<string, BlogPost>;
	/** Each visible citizen's posts, newest first; an entry for every visible citizen. */
	postsByAuthor: ReadonlyMap<string, BlogPost[]>;
	/** Slug → page, slugs ascending. */
	pages: ReadonlyMap<string, WikiPage>;
	/** Tag → posts, tags ascending. */
	tags: ReadonlyMap<string, BlogPost[]>;
	/** Records a visitor can download and verify: what the site shows, each once. */
	published: Verified[];
	/** Featured posts that are shown, in the given order, each once. */
	featured: BlogPost[];
	/** The government page's content: given, or derived from the country's governance. */
	government: SiteGovernment | undefined;
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
	options: {
		derivePosts?: (visible: ReadonlyMap<string, Verified>) => BlogPost[];
		asOf?: number;
	} = {}
): SiteContent {
	const derivePosts = options.derivePosts ?? postsOf;
	const { country } = input;
	const hiddenRecords = input.hiddenRecords ?? new Set<string>();
	const hiddenAuthors = hiddenAuthorsOf(input);
	const valid = visibleRecords(input, hiddenAuthors, hiddenRecords);
	const citizens = country.citizens.filter((c) => !hiddenAuthors.has(c.fingerprint));
	const citizenByKey = new Map(citizens.map((c) => [c.fingerprint, c]));
	const posts = derivePosts(valid).filter((post) => isShown(post, citizenByKey, hiddenRecords));
	const postByRevision = new Map<string, BlogPost>();
	const postsByAuthor = new Map<string, BlogPost[]>(citizens.map((c) => [c.fingerprint, []]));
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

	const featured: BlogPost[] = [];
	const featuredIds = input.featured ?? country.government.featured.map((f) => f.post);
	for (const id of featuredIds) {
		const post = postByRevision.get(id);
		if (post && !featured.includes(post)) featured.push(post);
	}

	return {
		visible: valid,
		hiddenAuthors,
		hiddenRecords,
		countryId: country.id,
		name: country.name,
		parentName: country.parentName,
		citizens,
		citizenByKey,
		posts,
		postByRevision,
		postsByAuthor,
		pages,
		tags: tagIndex(posts),
		published,
		featured,
		government
	};
}
