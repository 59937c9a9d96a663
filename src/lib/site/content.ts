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
function hiddenAuthorsOf(input: SiteInput): ReadonlySet<string> {
	const banned = input.country.government.banned;
	if (!input.hiddenAuthors?.size) return banned;
	if (!banned.size) return input.hiddenAuthors;
	return new Set([...input.hiddenAuthors, ...banned]);
}

/** The records of `country.valid` that the site may use: no hidden author, no hidden record. */
function visibleRecords(
	input: SiteInput,
	hiddenAuthors: ReadonlySet<string>
): Map<string, Verified> {
	const hiddenRecords = input.hiddenRecords ?? new Set<string>();
	const out = new Map<string, Verified>();
	for (const [id, r] of input.country.valid) {
		// The citizens' area (threads, messages) is never public; invites say nothing to visitors.
		const kind = r.record.kind;
		if (kind === 'thread' || kind === 'message' || kind === 'invite') continue;
		if (kind !== 'genesis' && hiddenAuthors.has(r.record.author)) continue;
		if (kind === 'page' && hiddenRecords.has(id)) continue;
		out.set(id, r);
	}
	return out;
}

/**
 * `derivePosts` is `postsOf` or what gives the same posts faster (a planner's index that
 * keeps them from one plan to the next, see posts-index.ts).
 */
export function siteContent(
	input: SiteInput,
	derivePosts: (visible: ReadonlyMap<string, Verified>) => BlogPost[] = postsOf
): SiteContent {
	const { country } = input;
	const hiddenRecords = input.hiddenRecords ?? new Set<string>();
	const hiddenAuthors = hiddenAuthorsOf(input);
	const valid = visibleRecords(input, hiddenAuthors);
	const citizens = country.citizens.filter((c) => !hiddenAuthors.has(c.fingerprint));
	const citizenByKey = new Map(citizens.map((c) => [c.fingerprint, c]));
	const posts = derivePosts(valid).filter(
		(post) => citizenByKey.has(post.author) && !post.revisions.some((r) => hiddenRecords.has(r.id))
	);
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
	const government = input.government ?? (country.genesis ? siteGovernment(country) : undefined);
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
