/**
 * The site as a plan: every output file with a cheap dependency key and a thunk that renders
 * it. Planning derives the content once and computes keys (no Markdown, no HTML); a writer
 * that remembers the keys of what it wrote renders only the files whose key changed, so one
 * new post in a 10,000-post country renders a handful of files.
 *
 * A planner (`createSitePlanner`) keeps what it made for its last plan — the posts, each
 * blog's and tag's list, each part of the site as files — and when only posts and
 * retractions changed since (the common case: a citizen posts, edits or retracts), plans
 * again by updating just the parts those posts appear in: their pages, their blogs and tags,
 * the front page, the feed, the sitemap. Such a plan also says what changed since the last
 * one (`SitePlan.changes`), so a writer need not compare the keys of 30,000 files. Anything
 * else (a citizen, a page, a ban, a filter, an election, another option) plans from scratch,
 * reusing every file whose inputs are the very same objects.
 */
import type { BlogPost, WikiPage } from '../model/content';
import { LATEST_POSTS } from '../model/content';
import type { Citizen, CountryView } from '../model/country';
import type { Verified } from '../model/verified';
import { hiddenAuthorsOf, isShown, isVisible, siteContent } from './content';
import { atomFeed, robotsTxt, sitemap, sitemapIndex, sitemapUrl, type SitemapEntry } from './feed';
import { governmentRecords, recordsAsOf, siteGovernment } from './government';
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
import {
	createPostsIndex,
	isPostish,
	placeOf,
	type PostsIndex,
	type RecordChange
} from './posts-index';
import { STYLESHEET } from './style';
import type {
	PlannedFile,
	SiteFile,
	SiteGovernment,
	SiteInput,
	SitePlan,
	SitePlanResult,
	SiteStats
} from './types';

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

/**
 * More changed post records than this, or than this share of the site, plan from scratch:
 * past it, updating each list costs as much as making them anew.
 */
const MAX_CHANGES = 256;
const MAX_CHANGE_SHARE = 0.125;

type KeyPart = string | number | boolean | null;

/** What a planner keeps of a file's key: the parts it was made of. */
type KeyEntry = { chromeKey: string; parts: readonly KeyPart[]; key: string };

/** A sitemap entry that keeps its `<url>` element once made. */
type KeptSitemapEntry = SitemapEntry & { xml?: { base: string; url: string } };

/** An HTML page's sitemap entry, and its line in the key of the sitemap's pages part. */
type PageEntry = KeptSitemapEntry & { line: string };

/** Files made together (a blog, a tag, the front page…), with their sitemap entries. */
type Segment = { files: readonly PlannedFile[]; pages: readonly PageEntry[] };

/** A post's page, record files and what lists and the sitemap say of it, made once per post. */
type PostEntry = {
	post: BlogPost;
	chromeKey: string;
	authorName: string;
	file: PlannedFile;
	/** The text and signature files of its revisions, in `post.revisions` order. */
	records: readonly PlannedFile[];
	sitemap: KeptSitemapEntry;
	sitemapLine: string;
	/** Its identity, current revision and author's name: what a list of posts shows of it. */
	listPart: string;
	/** Its current body as HTML, once the feed needed it. */
	bodyHtml?: string;
};

/** What every file depends on apart from the post and retraction records. */
type Context = {
	baseUrl: string | null;
	chrome: Chrome;
	chromeKey: string;
	latestCount: number;
	pageSize: number;
	sitemapChunk: number;
	updatedAt: number | undefined;
	parentName: string | null;
	featuredIds: readonly string[];
	/** The caller's government page, if given (compared by identity). */
	givenGovernment: SiteGovernment | undefined;
	hiddenAuthors: ReadonlySet<string>;
	hiddenRecords: ReadonlySet<string>;
	genesisId: string;
	citizens: readonly Citizen[];
};

/** A planner's memory: the content and every part of the last plan. */
type State = {
	context: Context;
	citizenByKey: ReadonlyMap<string, Citizen>;
	/** `country.valid` of the last plan (its records are compared by identity). */
	valid: ReadonlyMap<string, Verified>;
	countryGovernment: CountryView['government'];
	asOf: number;
	government: SiteGovernment | undefined;
	governmentIds: readonly string[];
	/** Records the site may use; updated in place by the next plan. */
	visible: Map<string, Verified>;
	index: PostsIndex;
	/** Shown posts, newest first; replaced, never changed, by the next plan. */
	entries: readonly PostEntry[];
	entryById: Map<string, PostEntry>;
	postByRevision: Map<string, BlogPost>;
	/** Each shown citizen's posts and each tag's (tags ascending): updated by the next plan. */
	byAuthor: Map<string, BlogPost[]>;
	tags: Map<string, BlogPost[]>;
	/** Ids of every record published under records/. */
	publishedIds: Set<string>;
	postRecordFiles: number;
	keys: Map<string, KeyEntry>;
	/** Record files outside posts: the genesis and citizens', and pages' and government's. */
	headRecords: readonly PlannedFile[];
	tailRecords: readonly PlannedFile[];
	recordMemo: Map<string, { record: Verified; files: readonly PlannedFile[] }>;
	statics: Segment;
	front: Segment;
	citizensPage: Segment;
	blogs: Map<string, Segment>;
	pages: Segment;
	pageCount: number;
	tagsIndex: Segment;
	tagPages: Map<string, Segment>;
	governmentPage: Segment;
	feed: Segment;
	keyFiles: readonly PlannedFile[];
	/** The sitemap's parts of posts, oldest first, and the rest of its files. */
	chunks: readonly { file: PlannedFile; part: SitemapEntry }[];
	sitemapTail: Segment;
	/** HTML pages but the posts' (`pageEntriesOf`), counted when the sitemap's tail is made. */
	htmlPages: number;
	stamp: object;
	/** Set when planned from the last state: what differs from its plan. */
	changes?: SitePlan['changes'];
};

/** Plans a site again and again, reusing what did not change since its last plan. */
export type SitePlanner = {
	/**
	 * The same plan as `planSite(input)`, file for file and key for key, with `changes` when
	 * it was planned from the last one.
	 */
	plan(input: SiteInput): SitePlanResult;
};

/**
 * A planner for one site (keep one beside its writer): each plan remembers its parts, so the
 * next one remakes only those a change touched. Pure: no I/O, no clock.
 */
export function createSitePlanner(): SitePlanner {
	let state: State | null = null;
	return {
		plan(input) {
			const result = planWith(input, state);
			// A plan fails before it reads or changes the state (bad base URL, no genesis).
			if (result.ok) state = result.state;
			return result.ok ? { ok: true, value: result.value } : result;
		}
	};
}

/**
 * Plan the whole site. Pure: the same input gives the same plan, and each thunk the same
 * bytes. Fails only on a bad `baseUrl` or a country whose genesis is missing.
 */
export function planSite(input: SiteInput): SitePlanResult {
	const result = planWith(input, null);
	return result.ok ? { ok: true, value: result.value } : result;
}

type Planned = { ok: true; value: SitePlan; state: State } | Exclude<SitePlanResult, { ok: true }>;

function planWith(input: SiteInput, last: State | null): Planned {
	let baseUrl: string | null = null;
	if (input.baseUrl !== undefined) {
		const normalized = normalizeBaseUrl(input.baseUrl);
		if (!normalized.ok) return { ok: false, code: 'base_url_invalid', message: normalized.message };
		baseUrl = normalized.value;
	}
	const { genesis } = input.country;
	if (!genesis) {
		return {
			ok: false,
			code: 'country_empty',
			message: 'the country has no valid genesis record: there is nothing to render'
		};
	}
	const context = contextOf(input, baseUrl, genesis.id);
	const changes = last ? postChanges(last, input.country, context) : null;
	if (last && changes) {
		const state = planChanges(input, last, context, changes);
		if (state) return { ok: true, value: planOf(state, last), state };
	}
	const state = planAll(input, context, last);
	return { ok: true, value: planOf(state, null), state };
}

function contextOf(input: SiteInput, baseUrl: string | null, genesisId: string): Context {
	const { country } = input;
	const hiddenAuthors = hiddenAuthorsOf(input);
	const citizens = country.citizens.filter((c) => !hiddenAuthors.has(c.fingerprint));
	const government = input.government !== undefined || country.genesis !== null;
	const chrome: Chrome = {
		name: country.name,
		countryId: country.id,
		hasGovernment: government,
		rootPath: baseUrl ? new URL(baseUrl).pathname : '/'
	};
	return {
		baseUrl,
		chrome,
		chromeKey: dependencyKey([
			SITE_FORMAT,
			chrome.name,
			chrome.countryId,
			chrome.hasGovernment,
			chrome.rootPath
		]),
		latestCount: Math.max(0, Math.floor(input.latestCount ?? LATEST_POSTS)),
		pageSize: input.pageSize ?? LIST_PAGE_SIZE,
		sitemapChunk: Math.min(50_000, Math.max(1, Math.floor(input.sitemapChunk ?? SITEMAP_CHUNK))),
		updatedAt: input.updatedAt,
		parentName: country.parentName,
		featuredIds: input.featured ?? country.government.featured.map((f) => f.post),
		givenGovernment: input.government,
		hiddenAuthors,
		hiddenRecords: input.hiddenRecords ?? new Set<string>(),
		genesisId,
		citizens
	};
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
	if (a === b) return true;
	if (a.size !== b.size) return false;
	for (const x of a) if (!b.has(x)) return false;
	return true;
};

const sameList = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean =>
	a.length === b.length && a.every((x, i) => same(x, b[i]!));

const sameCitizen = (a: Citizen, b: Citizen): boolean =>
	a === b ||
	(a.fingerprint === b.fingerprint &&
		a.name === b.name &&
		a.publicKey === b.publicKey &&
		a.admittedBy === b.admittedBy &&
		a.admission === b.admission &&
		a.admittedAt === b.admittedAt &&
		a.isFounder === b.isFounder &&
		a.inheritedFrom === b.inheritedFrom);

/** Whether every file but those of posts stays as the last plan made it, records aside. */
function sameContext(a: Context, b: Context): boolean {
	return (
		a.baseUrl === b.baseUrl &&
		a.chromeKey === b.chromeKey &&
		a.latestCount === b.latestCount &&
		a.pageSize === b.pageSize &&
		a.sitemapChunk === b.sitemapChunk &&
		a.updatedAt === b.updatedAt &&
		a.parentName === b.parentName &&
		a.givenGovernment === b.givenGovernment &&
		a.genesisId === b.genesisId &&
		sameSet(a.hiddenAuthors, b.hiddenAuthors) &&
		sameSet(a.hiddenRecords, b.hiddenRecords) &&
		sameList(a.citizens, b.citizens, sameCitizen)
	);
}

/**
 * The post and retraction records that arrived in or left `country.valid` since the last
 * plan, or null when anything else changed (or too much): then the site is planned afresh.
 * One pass over the records, comparing objects: no allocation for the records that stayed.
 */
function postChanges(last: State, country: CountryView, context: Context): RecordChange[] | null {
	if (!sameContext(last.context, context)) return null;
	const before = last.valid;
	const after = country.valid;
	const changes: RecordChange[] = [];
	if (before === after) return changes;
	const limit = Math.min(MAX_CHANGES, Math.max(16, after.size * MAX_CHANGE_SHARE));
	let kept = 0;
	// Records keep their order from view to view (extendCountry copies the last map and adds
	// to its end), so walking both in step finds the common start with no lookup by id.
	const older = before.values();
	let inStep = true;
	for (const r of after.values()) {
		if (inStep) {
			if (older.next().value === r) {
				kept++;
				continue;
			}
			inStep = false;
		}
		const was = before.get(r.id);
		if (was === r) {
			kept++;
			continue;
		}
		if (!isPostish(r) || (was && !isPostish(was))) return null;
		if (was) {
			kept++;
			changes.push({ r: was, present: false });
		}
		if (changes.push({ r, present: true }) > limit) return null;
	}
	if (kept < before.size) {
		for (const r of before.values()) {
			if (after.has(r.id)) continue;
			if (!isPostish(r) || changes.push({ r, present: false }) > limit) return null;
		}
	}
	return changes;
}

/** Keys made through a planner's memory: unchanged parts keep their key without hashing. */
function keyMaker(keys: Map<string, KeyEntry>, chromeKey: string) {
	return (path: string, parts: KeyPart[]): string => {
		const last = keys.get(path);
		if (last && last.chromeKey === chromeKey && sameParts(last.parts, parts)) return last.key;
		const key = dependencyKey([chromeKey, path, ...parts]);
		keys.set(path, { chromeKey, parts, key });
		return key;
	};
}

/**
 * Parts compared by identity: ids and names come from the same record objects plan after
 * plan, so an unchanged file costs a pass over its parts, not a hash of them.
 */
function sameParts(a: readonly KeyPart[], b: readonly KeyPart[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** What the part makers share within one plan. */
type Maker = {
	context: Context;
	chrome: Chrome;
	citizenByKey: ReadonlyMap<string, Citizen>;
	keyOf: (path: string, parts: KeyPart[]) => string;
	entryOf: (post: BlogPost) => PostEntry;
};

/** A segment being made: files in order, HTML pages also in the sitemap. */
function segmentOf(make: Maker) {
	const files: PlannedFile[] = [];
	const pages: PageEntry[] = [];
	const file = (path: string, parts: KeyPart[], render: PlannedFile['render']) => {
		files.push({ path, key: make.keyOf(path, parts), render });
	};
	const page = (
		path: string,
		lastModified: number | null,
		parts: KeyPart[],
		render: () => string
	) => {
		file(path, parts, render);
		pages.push({ path, lastModified, line: `${path}\u0000${lastModified}` });
	};
	return { file, page, done: (): Segment => ({ files, pages }) };
}

/** Ids and names a list of posts shows: each post's identity, current revision and author. */
const listParts = (make: Maker, posts: readonly BlogPost[]): string[] =>
	posts.map((p) => make.entryOf(p).listPart);

function staticSegment(make: Maker): Segment {
	const { chrome } = make;
	const s = segmentOf(make);
	s.file(paths.style, [STYLESHEET.length], () => STYLESHEET);
	s.file(paths.notFound, [], () => notFoundPage(chrome));
	s.page(paths.verify, null, [], () => verifyPage(chrome));
	return s.done();
}

function frontSegment(
	make: Maker,
	entries: readonly PostEntry[],
	postByRevision: ReadonlyMap<string, BlogPost>
): Segment {
	const { chrome, citizenByKey, context } = make;
	const latest = entries.slice(0, context.latestCount).map((e) => e.post);
	const featured: BlogPost[] = [];
	for (const id of context.featuredIds) {
		const post = postByRevision.get(id);
		if (post && !featured.includes(post)) featured.push(post);
	}
	const older = entries.length > latest.length;
	const { parentName } = context;
	const s = segmentOf(make);
	s.page(
		paths.front,
		latest[0]?.publishedAt ?? null,
		[
			parentName,
			'featured',
			...listParts(make, featured),
			'latest',
			...listParts(make, latest),
			older
		],
		() => frontPage(chrome, { citizenByKey, parentName, featured, latest, older })
	);
	return s.done();
}

function citizensSegment(make: Maker): Segment {
	const { chrome } = make;
	const { citizens } = make.context;
	const s = segmentOf(make);
	s.page(
		paths.citizens,
		null,
		citizens.flatMap((c) => [c.fingerprint, c.name, c.isFounder]),
		() => citizensPage(chrome, citizens)
	);
	return s.done();
}

function blogSegment(make: Maker, citizen: Citizen, posts: readonly BlogPost[]): Segment {
	const { chrome, citizenByKey } = make;
	const s = segmentOf(make);
	for (const page of listPages(posts, make.context.pageSize)) {
		s.page(
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
	return s.done();
}

function pagesSegment(make: Maker, pages: readonly WikiPage[]): Segment {
	const { chrome, citizenByKey } = make;
	const nameOf = (fingerprint: string) => citizenByKey.get(fingerprint)?.name ?? '';
	const s = segmentOf(make);
	s.page(
		paths.pages,
		null,
		pages.flatMap((p) => [p.slug, ...p.heads.map((h) => h.id)]),
		() => pagesIndex(chrome, pages)
	);
	for (const page of pages) {
		s.page(
			paths.page(page.slug),
			(page.current ?? page.heads[0])?.at ?? null,
			[
				...page.heads.map((h) => `head:${h.id}`),
				...page.history.flatMap((r) => [r.id, nameOf(r.author)])
			],
			() => wikiPage(chrome, page, citizenByKey)
		);
	}
	return s.done();
}

function tagsIndexSegment(make: Maker, tags: ReadonlyMap<string, readonly BlogPost[]>): Segment {
	const { chrome } = make;
	const counts: [string, number][] = [...tags].map(([tag, posts]) => [tag, posts.length]);
	const s = segmentOf(make);
	s.page(paths.tags, null, counts.flat(), () => tagsIndex(chrome, counts));
	return s.done();
}

function tagSegment(make: Maker, tag: string, posts: readonly BlogPost[]): Segment {
	const { chrome, citizenByKey } = make;
	const s = segmentOf(make);
	for (const page of listPages(posts, make.context.pageSize)) {
		s.page(
			paths.tag(tag, page.number),
			page.items[0]?.publishedAt ?? null,
			[page.newer, page.older, ...listParts(make, page.items)],
			() => tagPage(chrome, tag, page, citizenByKey)
		);
	}
	return s.done();
}

function governmentSegment(
	make: Maker,
	government: SiteGovernment | undefined,
	publishedIds: ReadonlySet<string>
): Segment {
	const s = segmentOf(make);
	if (!government) return s.done();
	const { chrome, citizenByKey } = make;
	// The page links to the certified results and filters the site publishes.
	const linked = new Set<string>();
	const link = (id: string | undefined) => {
		if (id !== undefined && publishedIds.has(id)) linked.add(id);
	};
	for (const e of government.elections) link(e.resultRecord);
	for (const f of government.filters ?? []) link(f.id);
	s.page(
		paths.government,
		null,
		[
			JSON.stringify(government),
			...make.context.citizens.flatMap((c) => [c.fingerprint, c.name]),
			...linked
		],
		() => governmentPage(chrome, government, citizenByKey, linked)
	);
	return s.done();
}

function feedSegment(make: Maker, entries: readonly PostEntry[]): Segment {
	const { context, citizenByKey } = make;
	const latest = entries.slice(0, context.latestCount);
	const posts = latest.map((e) => e.post);
	const updatedAt = context.updatedAt ?? Math.max(0, ...posts.map((p) => p.updatedAt));
	const nameOf = (fingerprint: string) => citizenByKey.get(fingerprint)?.name ?? '';
	const s = segmentOf(make);
	s.file(
		paths.feed,
		[context.baseUrl, updatedAt, ...posts.flatMap((p) => [p.id, p.current.id, nameOf(p.author)])],
		() =>
			atomFeed({
				name: context.chrome.name,
				countryId: context.chrome.countryId,
				baseUrl: context.baseUrl,
				posts,
				citizenByKey,
				updatedAt,
				bodyHtml: (post) => {
					const entry = latest.find((e) => e.post === post)!;
					return (entry.bodyHtml ??= renderMarkdown(post.current.body));
				}
			})
	);
	return s.done();
}

function keyFilesOf(make: Maker): PlannedFile[] {
	const s = segmentOf(make);
	for (const citizen of make.context.citizens) {
		s.file(paths.key(citizen.fingerprint), [citizen.publicKey], () => citizen.publicKey);
	}
	return [...s.done().files];
}

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

/** A post's entry: kept from `known` when the post, the chrome and its author's name are. */
function postEntryOf(
	make: Maker,
	post: BlogPost,
	visible: ReadonlyMap<string, Verified>,
	known: PostEntry | undefined
): PostEntry {
	const { chrome, chromeKey } = make.context;
	const { citizenByKey } = make;
	const author = citizenByKey.get(post.author)!;
	if (known?.post === post && known.chromeKey === chromeKey && known.authorName === author.name) {
		return known;
	}
	const path = paths.post(post.id);
	const parts = [
		author.name,
		...post.revisions.map((r) => short(r.id)),
		...post.heads.map((r) => short(r.id))
	];
	const records: PlannedFile[] = [];
	for (const revision of post.revisions) {
		const record = visible.get(revision.id);
		if (record) records.push(...recordFiles(record));
	}
	return {
		post,
		chromeKey,
		authorName: author.name,
		file: {
			path,
			key: dependencyKey([chromeKey, path, ...parts]),
			render: () => postPage(chrome, post, author, citizenByKey)
		},
		records,
		sitemap: { path, lastModified: post.updatedAt },
		sitemapLine: `${path}\u0000${post.updatedAt}`,
		listPart: `${short(post.id)}${short(post.current.id)}${author.name}`
	};
}

/** The sitemap's parts of posts, oldest first, from part `from` on (the earlier are kept). */
function sitemapChunks(
	make: Maker,
	entries: readonly PostEntry[],
	kept: State['chunks'],
	from: number
): State['chunks'] {
	const base = make.context.baseUrl;
	if (base === null) return [];
	const chunks = kept.slice(0, from);
	const count = entries.length;
	const size = make.context.sitemapChunk;
	for (let start = from * size; start < count; start += size) {
		const chunk: PostEntry[] = [];
		for (let i = start; i < Math.min(count, start + size); i++) {
			chunk.push(entries[count - 1 - i]!);
		}
		// Part 1 is the pages' part.
		const path = sitemapParts.posts(chunks.length + 1);
		const items = chunk.map((e) => e.sitemap);
		chunks.push({
			file: {
				path,
				key: make.keyOf(path, [base, ...chunk.map((e) => e.sitemapLine)]),
				render: () => sitemap(base, items, urlOf(base))
			},
			part: { path, lastModified: newestOf(items) }
		});
	}
	return chunks;
}

/** A sitemap entry's `<url>` element, made once per entry and base URL. */
const urlOf =
	(base: string) =>
	(entry: KeptSitemapEntry): string => {
		if (entry.xml?.base !== base) entry.xml = { base, url: sitemapUrl(base, entry) };
		return entry.xml.url;
	};

/** The sitemap's pages part, its index and robots.txt. */
function sitemapTailOf(make: Maker, pages: readonly PageEntry[], chunks: State['chunks']): Segment {
	const base = make.context.baseUrl;
	const s = segmentOf(make);
	if (base === null) return s.done();
	// Keyed in plan order (which the input alone decides) and sorted only to render.
	s.file(sitemapParts.pages, [base, ...pages.map((p) => p.line)], () =>
		sitemap(
			base,
			[...pages].sort((a, b) => (a.path < b.path ? -1 : 1)),
			urlOf(base)
		)
	);
	const parts: SitemapEntry[] = [
		{ path: sitemapParts.pages, lastModified: newestOf(pages) },
		...chunks.map((c) => c.part)
	];
	s.file(paths.sitemap, [base, ...parts.flatMap((part) => [part.path, part.lastModified])], () =>
		sitemapIndex(base, parts)
	);
	s.file(paths.robots, [base], () => robotsTxt(base));
	return s.done();
}

/** The newest date of these pages, if any has one. */
function newestOf(entries: readonly SitemapEntry[]): number | null {
	let newest: number | null = null;
	for (const { lastModified } of entries) {
		if (lastModified !== null && (newest === null || lastModified > newest)) newest = lastModified;
	}
	return newest;
}

/** Every HTML page but the posts', in plan order: what the sitemap's pages part lists. */
function pageEntriesOf(state: State): PageEntry[] {
	const out: PageEntry[] = [];
	const segments: Segment[] = [
		state.statics,
		state.front,
		state.citizensPage,
		...state.blogs.values(),
		state.pages,
		state.tagsIndex,
		...state.tagPages.values(),
		state.governmentPage
	];
	for (const segment of segments) out.push(...segment.pages);
	return out;
}

/** The whole site from scratch, keeping from `last` what is the very same as before. */
function planAll(input: SiteInput, context: Context, last: State | null): State {
	const { country } = input;
	const asOf = recordsAsOf(country);
	const index = last?.index ?? createPostsIndex();
	// The context's hidden sets and citizens: worked out once per plan.
	const content = siteContent(input, context, {
		derivePosts: (visible) => index.posts(visible),
		asOf
	});
	const keys = new Map<string, KeyEntry>();
	const entryById = new Map<string, PostEntry>();
	const make: Maker = {
		context,
		chrome: context.chrome,
		citizenByKey: content.citizenByKey,
		keyOf: keyMaker(keys, context.chromeKey),
		entryOf: (post) => entryById.get(post.id)!
	};
	const entries = content.posts.map((post) => {
		const entry = postEntryOf(make, post, content.visible, last?.entryById.get(post.id));
		entryById.set(post.id, entry);
		return entry;
	});
	const recordMemo: State['recordMemo'] = new Map();
	const filesOf = (records: readonly Verified[]): PlannedFile[] =>
		records.flatMap((record) => {
			const known = last?.recordMemo.get(record.id);
			const made = known?.record === record ? known : { record, files: recordFiles(record) };
			recordMemo.set(record.id, made);
			return made.files;
		});
	// Published records in the order found (genesis, citizens, posts, pages, government).
	const head: Verified[] = [];
	const tail: Verified[] = [];
	let postRecordFiles = 0;
	for (const r of content.published) {
		const kind = r.record.kind;
		if (kind === 'post') postRecordFiles += 2;
		else (kind === 'genesis' || kind === 'citizen' ? head : tail).push(r);
	}
	const byAuthor = content.postsByAuthor;
	const blogs = new Map<string, Segment>();
	for (const citizen of context.citizens) {
		blogs.set(
			citizen.fingerprint,
			blogSegment(make, citizen, byAuthor.get(citizen.fingerprint) ?? [])
		);
	}
	const tagPages = new Map<string, Segment>();
	for (const [tag, posts] of content.tags) tagPages.set(tag, tagSegment(make, tag, posts));
	const pages = [...content.pages.values()];
	const publishedIds = new Set(content.published.map((r) => r.id));
	const chunks = sitemapChunks(make, entries, [], 0);
	const state: State = {
		context,
		citizenByKey: content.citizenByKey,
		valid: country.valid,
		countryGovernment: country.government,
		asOf,
		government: content.government,
		governmentIds: input.government ? [] : governmentRecords(country),
		visible: content.visible,
		index,
		entries,
		entryById,
		// siteContent made these maps for this plan alone: the state keeps them as they are.
		postByRevision: content.postByRevision,
		byAuthor,
		tags: content.tags,
		publishedIds,
		postRecordFiles,
		keys,
		headRecords: filesOf(head),
		tailRecords: filesOf(tail),
		recordMemo,
		statics: staticSegment(make),
		front: frontSegment(make, entries, content.postByRevision),
		citizensPage: citizensSegment(make),
		blogs,
		pages: pagesSegment(make, pages),
		pageCount: pages.length,
		tagsIndex: tagsIndexSegment(make, content.tags),
		tagPages,
		governmentPage: governmentSegment(make, content.government, publishedIds),
		feed: feedSegment(make, entries),
		keyFiles: keyFilesOf(make),
		chunks,
		sitemapTail: { files: [], pages: [] },
		htmlPages: 0,
		stamp: {}
	};
	const pageEntries = pageEntriesOf(state);
	state.htmlPages = pageEntries.length;
	state.sitemapTail = sitemapTailOf(make, pageEntries, chunks);
	return state;
}

/**
 * Plan again after only posts and retractions changed: update the content in place and
 * remake only the parts the changed posts appear in. Null when the change turns out to be
 * more than that (then the site is planned from scratch).
 */
function planChanges(
	input: SiteInput,
	last: State,
	context: Context,
	changes: readonly RecordChange[]
): State | null {
	const { country } = input;
	// Government: derived from the records as of the newest one, which a post may move on.
	let asOf = last.asOf;
	for (const { r, present } of changes) {
		if (!present && r.record.at >= asOf) {
			asOf = recordsAsOf(country);
			break;
		}
		if (present && r.record.at > asOf) asOf = r.record.at;
	}
	let government = last.government;
	let governmentIds = last.governmentIds;
	if (
		!context.givenGovernment &&
		(asOf !== last.asOf || country.government !== last.countryGovernment)
	) {
		governmentIds = governmentRecords(country);
		// The records the government page links to are published: a change there is a change
		// to the record files, planned from scratch.
		if (!sameList(governmentIds, last.governmentIds, (a, b) => a === b)) return null;
		government = siteGovernment(country, asOf);
	}

	const { hiddenAuthors, hiddenRecords } = context;
	const visibleChanges = changes.filter(({ r }) => isVisible(r, hiddenAuthors, hiddenRecords));
	const { visible, citizenByKey } = last;
	for (const { r, present } of visibleChanges) {
		if (present) visible.set(r.id, r);
		else if (visible.get(r.id) === r) visible.delete(r.id);
	}
	const { removed, added } = last.index.apply(visibleChanges);

	const keys = last.keys;
	const entryById = last.entryById;
	const make: Maker = {
		context,
		chrome: context.chrome,
		citizenByKey,
		keyOf: keyMaker(keys, context.chromeKey),
		entryOf: (post) => entryById.get(post.id)!
	};
	let entries = last.entries.slice();
	const byAuthor = last.byAuthor;
	const tags = last.tags;
	const { postByRevision, publishedIds } = last;
	let postRecordFiles = last.postRecordFiles;
	const authors = new Set<string>();
	const touchedTags = new Set<string>();
	/** The oldest place (counted from the oldest post) a post arrived at or left. */
	let firstMoved = Infinity;
	const goneFiles: PlannedFile[] = [];
	const newFiles: PlannedFile[] = [];
	// The lists are changed in place: segments slice what they show, so no plan keeps one.
	const listIn = <K>(map: Map<K, BlogPost[]>, key: K): BlogPost[] => {
		let list = map.get(key);
		if (!list) map.set(key, (list = []));
		return list;
	};
	/** Put `post` into, or take it out of, a list kept in `latestFirst` order. */
	const place = (list: BlogPost[], post: BlogPost, present: boolean) => {
		const at = placeOf(list, post, (p) => p);
		if (present) list.splice(at, 0, post);
		else list.splice(at, 1);
	};

	for (const post of removed) {
		const entry = entryById.get(post.id);
		if (entry?.post !== post) continue; // not shown
		entryById.delete(post.id);
		const at = placeOf(entries, post, (e) => e.post);
		firstMoved = Math.min(firstMoved, entries.length - 1 - at);
		entries.splice(at, 1);
		authors.add(post.author);
		place(listIn(byAuthor, post.author), post, false);
		for (const tag of post.current.tags) {
			touchedTags.add(tag);
			const list = listIn(tags, tag);
			place(list, post, false);
			if (list.length === 0) tags.delete(tag);
		}
		for (const revision of post.revisions) {
			postByRevision.delete(revision.id);
			publishedIds.delete(revision.id);
		}
		postRecordFiles -= entry.records.length;
		goneFiles.push(entry.file, ...entry.records);
	}
	let tagsAdded = false;
	for (const post of added) {
		if (!isShown(post, citizenByKey, hiddenRecords)) continue;
		const entry = postEntryOf(make, post, visible, undefined);
		entryById.set(post.id, entry);
		const at = placeOf(entries, post, (e) => e.post);
		entries.splice(at, 0, entry);
		firstMoved = Math.min(firstMoved, entries.length - 1 - at);
		authors.add(post.author);
		place(listIn(byAuthor, post.author), post, true);
		for (const tag of post.current.tags) {
			touchedTags.add(tag);
			if (!tags.has(tag)) tagsAdded = true;
			place(listIn(tags, tag), post, true);
		}
		for (const revision of post.revisions) {
			postByRevision.set(revision.id, post);
			publishedIds.add(revision.id);
		}
		postRecordFiles += entry.records.length;
		newFiles.push(entry.file, ...entry.records);
	}
	if (tagsAdded) {
		// Tags stay in ascending order (as the model's tagIndex orders them).
		const sorted = [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		tags.clear();
		for (const [tag, list] of sorted) tags.set(tag, list);
	}
	entries = Object.freeze(entries) as PostEntry[];

	/** Remake a part: its old files may go, its new ones may be new or changed. */
	const remade = (before: Segment | undefined, after: Segment | undefined): Segment | undefined => {
		if (before) goneFiles.push(...before.files);
		if (after) newFiles.push(...after.files);
		return after;
	};
	const blogs = new Map(last.blogs);
	for (const citizen of context.citizens) {
		if (!authors.has(citizen.fingerprint)) continue;
		blogs.set(
			citizen.fingerprint,
			remade(
				last.blogs.get(citizen.fingerprint),
				blogSegment(make, citizen, byAuthor.get(citizen.fingerprint) ?? [])
			)!
		);
	}
	let tagPages = last.tagPages;
	let tagsIndex = last.tagsIndex;
	if (touchedTags.size) {
		tagPages = new Map();
		for (const [tag, posts] of tags) {
			const kept = last.tagPages.get(tag);
			tagPages.set(
				tag,
				kept && !touchedTags.has(tag) ? kept : remade(kept, tagSegment(make, tag, posts))!
			);
		}
		for (const tag of touchedTags) if (!tags.has(tag)) remade(last.tagPages.get(tag), undefined);
		tagsIndex = remade(last.tagsIndex, tagsIndexSegment(make, tags))!;
	}
	const size = context.sitemapChunk;
	const fromChunk = Number.isFinite(firstMoved)
		? Math.floor(firstMoved / size)
		: last.chunks.length;
	const chunks = sitemapChunks(make, entries, last.chunks, fromChunk);
	for (const c of last.chunks.slice(fromChunk)) goneFiles.push(c.file);
	for (const c of chunks.slice(fromChunk)) newFiles.push(c.file);

	const state: State = {
		...last,
		context,
		valid: country.valid,
		countryGovernment: country.government,
		asOf,
		government,
		governmentIds,
		entries,
		postRecordFiles,
		front: remade(last.front, frontSegment(make, entries, postByRevision))!,
		blogs,
		tagsIndex,
		tagPages,
		governmentPage: remade(last.governmentPage, governmentSegment(make, government, publishedIds))!,
		feed: remade(last.feed, feedSegment(make, entries))!,
		chunks,
		stamp: {}
	};
	const pageEntries = pageEntriesOf(state);
	state.htmlPages = pageEntries.length;
	state.sitemapTail = remade(last.sitemapTail, sitemapTailOf(make, pageEntries, chunks))!;
	// Paths left: keys of files no plan will make again (a blog page of a retracted post's
	// author stays; a post's page goes) are forgotten.
	const { files, removedPaths } = differences(goneFiles, newFiles);
	for (const path of removedPaths) keys.delete(path);
	state.changes = { since: last.stamp, files, removed: removedPaths };
	return state;
}

/** Files that are new or whose key changed, and paths that left, between two lists. */
function differences(before: readonly PlannedFile[], after: readonly PlannedFile[]) {
	const old = new Map(before.map((f) => [f.path, f.key]));
	const files: PlannedFile[] = [];
	for (const f of after) {
		if (old.get(f.path) !== f.key) files.push(f);
		old.delete(f.path);
	}
	return { files, removedPaths: [...old.keys()] };
}

/** The plan of a state: files listed (once asked for) in an order the input alone decides. */
function planOf(state: State, last: State | null): SitePlan {
	let files: PlannedFile[] | null = null;
	const list = (): PlannedFile[] => {
		if (files) return files;
		const out: PlannedFile[] = [];
		const add = (items: readonly PlannedFile[]) => {
			for (const f of items) out.push(f);
		};
		add(state.statics.files);
		add(state.front.files);
		add(state.citizensPage.files);
		for (const s of state.blogs.values()) add(s.files);
		for (const e of state.entries) out.push(e.file);
		add(state.pages.files);
		add(state.tagsIndex.files);
		for (const s of state.tagPages.values()) add(s.files);
		add(state.governmentPage.files);
		add(state.feed.files);
		add(state.headRecords);
		for (const e of state.entries) add(e.records);
		add(state.tailRecords);
		add(state.keyFiles);
		const [pagesPart, ...rest] = state.sitemapTail.files;
		if (pagesPart) out.push(pagesPart);
		for (const c of state.chunks) out.push(c.file);
		add(rest);
		return (files = out);
	};
	const { htmlPages } = state;
	const stats: SiteStats = {
		posts: state.entries.length,
		pages: state.pageCount,
		tags: state.tags.size,
		citizens: state.context.citizens.length,
		records: (state.headRecords.length + state.postRecordFiles + state.tailRecords.length) / 2,
		htmlFiles: htmlPages + state.entries.length + 1,
		// Counted, not listed: listing 30,000 files is what a plan from the last one avoids.
		files:
			htmlPages +
			state.statics.files.length -
			state.statics.pages.length +
			state.feed.files.length +
			state.entries.length +
			state.headRecords.length +
			state.postRecordFiles +
			state.tailRecords.length +
			state.keyFiles.length +
			state.chunks.length +
			state.sitemapTail.files.length
	};
	const plan: SitePlan = {
		get files() {
			return list();
		},
		stats,
		stamp: state.stamp
	};
	if (last && state.changes) plan.changes = state.changes;
	return plan;
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
