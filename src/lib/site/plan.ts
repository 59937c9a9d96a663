/**
 * The site as a plan: every output file with a cheap dependency key and a thunk that renders
 * it. Planning derives the content once and computes keys (no Markdown, no HTML); a writer
 * that remembers the keys of what it wrote renders only the files whose key changed, so one
 * new post in a 10,000-post country renders a handful of files.
 *
 * A planner (`createSitePlanner`) also remembers what it computed for the last plan, so that
 * planning again after one new record costs little more than listing the files: a file whose
 * key parts are the very same values as last time keeps its key without hashing them again,
 * and a record's two files are made once per record.
 */
import type { BlogPost } from '../model/content';
import { LATEST_POSTS } from '../model/content';
import type { Verified } from '../model/verified';
import { siteContent, type SiteContent } from './content';
import { atomFeed, robotsTxt, sitemap, sitemapIndex, sitemapUrl, type SitemapEntry } from './feed';
import {
	blogPage,
	citizensPage,
	frontPage,
	governmentPage,
	notFoundPage,
	pagesIndex,
	postPage,
	tagPage,
	tagsIndex,
	verifyPage,
	wikiPage,
	type Chrome
} from './html';
import { renderMarkdown } from '../render/markdown';
import { dependencyKey } from './key';
import {
	LIST_PAGE_SIZE,
	listPages,
	normalizeBaseUrl,
	paths,
	SITEMAP_CHUNK,
	sitemapParts
} from './paths';
import { createPostsIndex, type PostsIndex } from './posts-index';
import { STYLESHEET } from './style';
import type { PlannedFile, SiteFile, SiteInput, SitePlan, SitePlanResult } from './types';

/**
 * Bump when templates or the stylesheet change, so that every file's key changes and a
 * writer re-renders the whole site once.
 */
export const SITE_FORMAT = 2;

/**
 * A record id in a key: its first 16 hex digits. Ids are SHA-256 hashes, so 64 bits tell
 * revisions apart (finding two records that share them is 2^64 work), and keys of lists of
 * thousands of posts hash a quarter of the characters.
 */
const short = (id: string): string => id.slice(0, 16);

/** Base64 (standard, as records store signatures) to bytes; atob exists in browsers and Node. */
function base64Bytes(text: string): Uint8Array {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

type KeyPart = string | number | boolean | null;

/** What a planner keeps of its last plan: per path, the parts its key was made of. */
type KeyEntry = { chromeKey: string; parts: readonly KeyPart[]; key: string };

/** A sitemap entry that keeps its `<url>` element once made. */
type KeptSitemapEntry = SitemapEntry & { xml?: { base: string; url: string } };

/** A post's page and what lists and the sitemap say of it, made once per post and chrome. */
type PostEntry = {
	post: BlogPost;
	chromeKey: string;
	authorName: string;
	file: PlannedFile;
	sitemap: KeptSitemapEntry;
	sitemapLine: string;
	/** Its identity, current revision and author's name: what a list of posts shows of it. */
	listPart: string;
	/** Its current body as HTML, once the feed needed it. */
	bodyHtml?: string;
};

/** What the last plan made, by id; the plan being made fills `next`, which then replaces it. */
type Generations<T> = { last: ReadonlyMap<string, T>; next: Map<string, T> };

/**
 * Plain maps by id, renewed each plan, rather than WeakMaps by object: 30,000 weak entries
 * made every full garbage collection of a large heap slower than the plan they saved.
 */
type PlanMemo = {
	/** Keys of the last plan's other files, by path. */
	keys: Generations<KeyEntry>;
	/** A record's two files depend on the record alone (the same object: the same files). */
	records: Generations<{ record: Verified; files: readonly [PlannedFile, PlannedFile] }>;
	/** Posts the index did not derive again are the same objects as last time. */
	index: PostsIndex;
	posts: Generations<PostEntry>;
};

const renew = <T>(generations: Generations<T>): Generations<T> => ({
	last: generations.next,
	next: new Map()
});

/**
 * Parts compared by identity: ids and names come from the same record objects plan after
 * plan, so an unchanged file costs a pass over its parts, not a hash of them.
 */
function sameParts(a: readonly KeyPart[], b: readonly KeyPart[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** Plans a site again and again, reusing what did not change since its last plan. */
export type SitePlanner = {
	/** The same plan as `planSite(input)`, file for file and key for key. */
	plan(input: SiteInput): SitePlanResult;
};

/**
 * A planner for one site (keep one beside its writer): each plan remembers its keys, so the
 * next one hashes only the files whose parts changed. Pure: no I/O, no clock.
 */
export function createSitePlanner(): SitePlanner {
	const fresh = () => ({ last: new Map(), next: new Map() });
	let memo: PlanMemo = {
		keys: fresh(),
		records: fresh(),
		index: createPostsIndex(),
		posts: fresh()
	};
	return {
		plan(input) {
			const result = planWith(input, memo);
			// A plan fails before it reads or fills the memo (bad base URL, no genesis).
			if (result.ok) {
				memo = {
					keys: renew(memo.keys),
					records: renew(memo.records),
					index: memo.index,
					posts: renew(memo.posts)
				};
			}
			return result;
		}
	};
}

/**
 * Plan the whole site. Pure: the same input gives the same plan, and each thunk the same
 * bytes. Fails only on a bad `baseUrl` or a country whose genesis is missing.
 */
export function planSite(input: SiteInput): SitePlanResult {
	return planWith(input, null);
}

function planWith(input: SiteInput, memo: PlanMemo | null): SitePlanResult {
	let baseUrl: string | null = null;
	if (input.baseUrl !== undefined) {
		const normalized = normalizeBaseUrl(input.baseUrl);
		if (!normalized.ok) return { ok: false, code: 'base_url_invalid', message: normalized.message };
		baseUrl = normalized.value;
	}
	if (!input.country.genesis) {
		return {
			ok: false,
			code: 'country_empty',
			message: 'the country has no valid genesis record: there is nothing to render'
		};
	}
	const content = siteContent(input, memo?.index.posts);
	const latestCount = Math.max(0, Math.floor(input.latestCount ?? LATEST_POSTS));
	const latest = content.posts.slice(0, latestCount);
	const chrome: Chrome = {
		name: content.name,
		countryId: content.countryId,
		hasGovernment: content.government !== undefined,
		rootPath: baseUrl ? new URL(baseUrl).pathname : '/'
	};
	const chromeKey = dependencyKey([
		SITE_FORMAT,
		chrome.name,
		chrome.countryId,
		chrome.hasGovernment,
		chrome.rootPath
	]);
	const files: PlannedFile[] = [];
	const keyOf = (path: string, parts: KeyPart[]): string => {
		if (!memo) return dependencyKey([chromeKey, path, ...parts]);
		const last = memo.keys.last.get(path);
		const key =
			last && last.chromeKey === chromeKey && sameParts(last.parts, parts)
				? last.key
				: dependencyKey([chromeKey, path, ...parts]);
		memo.keys.next.set(path, { chromeKey, parts, key });
		return key;
	};
	const add = (path: string, parts: KeyPart[], render: PlannedFile['render']) =>
		files.push({ path, key: keyOf(path, parts), render });
	const { citizenByKey } = content;
	const nameOf = (fingerprint: string) => citizenByKey.get(fingerprint)?.name ?? '';
	// The sitemap: the pages that are not posts in one part, the posts in parts of their own.
	const pageEntries: SitemapEntry[] = [];
	const pageLines: string[] = [];
	const postEntries: PostEntry[] = [];
	const html = (
		path: string,
		lastModified: number | null,
		parts: KeyPart[],
		render: () => string
	) => {
		add(path, parts, render);
		pageEntries.push({ path, lastModified });
		pageLines.push(`${path}\u0000${lastModified}`);
	};
	const postEntry = (post: BlogPost): PostEntry => {
		// Lists ask again for posts this plan already made: the common case, one lookup.
		const made = memo?.posts.next.get(post.id);
		if (made?.post === post) return made;
		const author = citizenByKey.get(post.author)!;
		const known = memo?.posts.last.get(post.id);
		if (known?.post === post && known.chromeKey === chromeKey && known.authorName === author.name) {
			memo!.posts.next.set(post.id, known);
			return known;
		}
		const path = paths.post(post.id);
		const parts = [
			author.name,
			...post.revisions.map((r) => short(r.id)),
			...post.heads.map((r) => short(r.id))
		];
		const entry: PostEntry = {
			post,
			chromeKey,
			authorName: author.name,
			file: {
				path,
				key: dependencyKey([chromeKey, path, ...parts]),
				render: () => postPage(chrome, post, author, citizenByKey)
			},
			sitemap: { path, lastModified: post.updatedAt },
			sitemapLine: `${path}\u0000${post.updatedAt}`,
			listPart: `${short(post.id)}${short(post.current.id)}${author.name}`
		};
		memo?.posts.next.set(post.id, entry);
		return entry;
	};
	/** Ids and names a list of posts shows: each post's identity, current revision and author. */
	const postListParts = (posts: readonly BlogPost[]): string[] =>
		posts.map((p) => postEntry(p).listPart);

	// Static pieces: they depend on the chrome alone.
	add(paths.style, [STYLESHEET.length], () => STYLESHEET);
	add(paths.notFound, [], () => notFoundPage(chrome));
	html(paths.verify, null, [], () => verifyPage(chrome));

	html(
		paths.front,
		latest[0]?.publishedAt ?? null,
		[
			content.parentName,
			'featured',
			...postListParts(content.featured),
			'latest',
			...postListParts(latest),
			content.posts.length > latest.length
		],
		() => frontPage(chrome, { ...content, latest, older: content.posts.length > latest.length })
	);

	html(
		paths.citizens,
		null,
		content.citizens.flatMap((c) => [c.fingerprint, c.name, c.isFounder]),
		() => citizensPage(chrome, content.citizens)
	);
	const pageSize = input.pageSize ?? LIST_PAGE_SIZE;
	for (const citizen of content.citizens) {
		const posts = content.postsByAuthor.get(citizen.fingerprint) ?? [];
		for (const page of listPages(posts, pageSize)) {
			html(
				paths.blog(citizen.fingerprint, page.number),
				page.items[0]?.publishedAt ?? null,
				[
					citizen.name,
					citizen.admittedBy,
					citizen.isFounder,
					page.newer,
					page.older,
					...page.items.flatMap((p) => [p.id, p.current.id])
				],
				() => blogPage(chrome, citizen, page, citizenByKey)
			);
		}
	}

	for (const post of content.posts) {
		const entry = postEntry(post);
		files.push(entry.file);
		postEntries.push(entry);
	}

	const pages = [...content.pages.values()];
	html(
		paths.pages,
		null,
		pages.flatMap((p) => [p.slug, ...p.heads.map((h) => h.id)]),
		() => pagesIndex(chrome, pages)
	);
	for (const page of pages) {
		html(
			paths.page(page.slug),
			(page.current ?? page.heads[0])?.at ?? null,
			[
				...page.heads.map((h) => `head:${h.id}`),
				...page.history.flatMap((r) => [r.id, nameOf(r.author)])
			],
			() => wikiPage(chrome, page, citizenByKey)
		);
	}

	const tags = [...content.tags];
	html(
		paths.tags,
		null,
		tags.flatMap(([tag, posts]) => [tag, posts.length]),
		() =>
			tagsIndex(
				chrome,
				tags.map(([tag, posts]) => [tag, posts.length])
			)
	);
	for (const [tag, posts] of tags) {
		for (const page of listPages(posts, pageSize)) {
			html(
				paths.tag(tag, page.number),
				page.items[0]?.publishedAt ?? null,
				[page.newer, page.older, ...postListParts(page.items)],
				() => tagPage(chrome, tag, page, citizenByKey)
			);
		}
	}

	const publishedIds = new Set(content.published.map((r) => r.id));
	if (content.government) {
		const government = content.government;
		html(
			paths.government,
			null,
			[
				JSON.stringify(government),
				...citizenNames(content),
				...[...publishedIds].filter((id) => government.elections.some((e) => e.resultRecord === id))
			],
			() => governmentPage(chrome, government, citizenByKey, publishedIds)
		);
	}

	const updatedAt = input.updatedAt ?? Math.max(0, ...latest.map((p) => p.updatedAt));
	add(
		paths.feed,
		[baseUrl, updatedAt, ...latest.flatMap((p) => [p.id, p.current.id, nameOf(p.author)])],
		() =>
			atomFeed({
				name: content.name,
				countryId: content.countryId,
				baseUrl,
				posts: latest,
				citizenByKey,
				updatedAt,
				bodyHtml: (post) => {
					const entry = postEntry(post);
					return (entry.bodyHtml ??= renderMarkdown(post.current.body));
				}
			})
	);

	for (const record of content.published) {
		const known = memo?.records.last.get(record.id);
		const made = known?.record === record ? known : { record, files: recordFiles(record) };
		memo?.records.next.set(record.id, made);
		files.push(made.files[0], made.files[1]);
	}
	for (const citizen of content.citizens) {
		add(paths.key(citizen.fingerprint), [citizen.publicKey], () => citizen.publicKey);
	}

	if (baseUrl) {
		const base = baseUrl;
		const url = (entry: KeptSitemapEntry): string => {
			if (entry.xml?.base !== base) entry.xml = { base, url: sitemapUrl(base, entry) };
			return entry.xml.url;
		};
		// Keyed in plan order (which the input alone decides) and sorted only to render.
		add(sitemapParts.pages, [base, ...pageLines], () =>
			sitemap(
				base,
				[...pageEntries].sort((a, b) => (a.path < b.path ? -1 : 1)),
				url
			)
		);
		const parts: SitemapEntry[] = [
			{ path: sitemapParts.pages, lastModified: newestOf(pageEntries) }
		];
		// Oldest first (posts are newest first), so that a new post changes only the last part.
		const count = postEntries.length;
		const size = Math.min(50_000, Math.max(1, Math.floor(input.sitemapChunk ?? SITEMAP_CHUNK)));
		for (let start = 0; start < count; start += size) {
			const chunk: PostEntry[] = [];
			for (let i = start; i < Math.min(count, start + size); i++) {
				chunk.push(postEntries[count - 1 - i]!);
			}
			const path = sitemapParts.posts(parts.length);
			const entries = chunk.map((e) => e.sitemap);
			add(path, [base, ...chunk.map((e) => e.sitemapLine)], () => sitemap(base, entries, url));
			parts.push({ path, lastModified: newestOf(entries) });
		}
		add(paths.sitemap, [base, ...parts.flatMap((part) => [part.path, part.lastModified])], () =>
			sitemapIndex(base, parts)
		);
		add(paths.robots, [base], () => robotsTxt(base));
	}

	return {
		ok: true,
		value: {
			files,
			stats: {
				posts: content.posts.length,
				pages: pages.length,
				tags: tags.length,
				citizens: content.citizens.length,
				records: content.published.length,
				htmlFiles: pageEntries.length + postEntries.length + 1
			}
		}
	};
}

/** The newest date of these pages, if any has one. */
function newestOf(entries: readonly SitemapEntry[]): number | null {
	let newest: number | null = null;
	for (const { lastModified } of entries) {
		if (lastModified !== null && (newest === null || lastModified > newest)) newest = lastModified;
	}
	return newest;
}

const citizenNames = (content: SiteContent) =>
	content.citizens.flatMap((c) => [c.fingerprint, c.name]);

/**
 * A record's two files depend on the record alone, not on the chrome: the text on its id
 * (the hash of that text), the signature bytes on the signature.
 */
function recordFiles(record: Verified): readonly [PlannedFile, PlannedFile] {
	return [
		{
			path: paths.recordText(record.id),
			key: `${SITE_FORMAT}:${short(record.id)}`,
			render: () => record.text
		},
		{
			path: paths.recordSignature(record.id),
			// The tail of the signature is the signature value itself (random per signing).
			key: `${SITE_FORMAT}:${short(record.id)}:${record.signature.length}:${record.signature.slice(-43)}`,
			render: () => base64Bytes(record.signature)
		}
	];
}

/** Render every file of a plan: the whole site in memory (tests, small sites, `render`). */
export function renderPlan(plan: SitePlan): SiteFile[] {
	return plan.files.map((file) => ({ path: file.path, content: file.render() }));
}

/** Plan and render the whole site; the same input gives the same files, byte for byte. */
export function renderSite(
	input: SiteInput
): { ok: true; value: SiteFile[] } | Exclude<SitePlanResult, { ok: true }> {
	const plan = planSite(input);
	return plan.ok ? { ok: true, value: renderPlan(plan.value) } : plan;
}
