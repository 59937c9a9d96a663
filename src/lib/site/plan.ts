/**
 * The site as a plan: every output file with a cheap dependency key and a thunk that renders
 * it. Planning derives the content once and computes keys (no Markdown, no HTML); a writer
 * that remembers the keys of what it wrote renders only the files whose key changed, so one
 * new post in a 10,000-post country renders a handful of files.
 */
import type { BlogPost } from '../model/content';
import { LATEST_POSTS } from '../model/content';
import type { Verified } from '../model/verified';
import { siteContent, type SiteContent } from './content';
import { atomFeed, robotsTxt, sitemap, type SitemapEntry } from './feed';
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
import { dependencyKey } from './key';
import { LIST_PAGE_SIZE, listPages, normalizeBaseUrl, paths } from './paths';
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

/** Ids and names a list of posts shows: each post's identity, current revision and author. */
const postListParts = (posts: readonly BlogPost[], content: SiteContent): string[] =>
	posts.map(
		(p) => `${short(p.id)}${short(p.current.id)}${content.citizenByKey.get(p.author)?.name ?? ''}`
	);

/** Base64 (standard, as records store signatures) to bytes; atob exists in browsers and Node. */
function base64Bytes(text: string): Uint8Array {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/**
 * Plan the whole site. Pure: the same input gives the same plan, and each thunk the same
 * bytes. Fails only on a bad `baseUrl` or a country whose genesis is missing.
 */
export function planSite(input: SiteInput): SitePlanResult {
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
	const content = siteContent(input);
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
	const add = (
		path: string,
		parts: (string | number | boolean | null)[],
		render: PlannedFile['render']
	) => files.push({ path, key: dependencyKey([chromeKey, path, ...parts]), render });
	const { citizenByKey } = content;
	const nameOf = (fingerprint: string) => citizenByKey.get(fingerprint)?.name ?? '';
	const sitemapEntries: SitemapEntry[] = [];
	const html = (
		path: string,
		lastModified: number | null,
		parts: (string | number | boolean | null)[],
		render: () => string
	) => {
		add(path, parts, render);
		sitemapEntries.push({ path, lastModified });
	};

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
			...postListParts(content.featured, content),
			'latest',
			...postListParts(latest, content),
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
		const author = citizenByKey.get(post.author)!;
		html(
			paths.post(post.id),
			post.updatedAt,
			[
				author.name,
				...post.revisions.map((r) => short(r.id)),
				...post.heads.map((r) => short(r.id))
			],
			() => postPage(chrome, post, author, citizenByKey)
		);
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
				[page.newer, page.older, ...postListParts(page.items, content)],
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
				updatedAt
			})
	);

	for (const record of content.published) addRecordFiles(files, record);
	for (const citizen of content.citizens) {
		add(paths.key(citizen.fingerprint), [citizen.publicKey], () => citizen.publicKey);
	}

	if (baseUrl) {
		const base = baseUrl;
		const entries = [...sitemapEntries].sort((a, b) => (a.path < b.path ? -1 : 1));
		add(paths.sitemap, [base, ...entries.map((e) => `${e.path}\u0000${e.lastModified}`)], () =>
			sitemap(base, entries)
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
				htmlFiles: sitemapEntries.length + 1
			}
		}
	};
}

const citizenNames = (content: SiteContent) =>
	content.citizens.flatMap((c) => [c.fingerprint, c.name]);

/**
 * A record's two files depend on the record alone, not on the chrome: the text on its id
 * (the hash of that text), the signature bytes on the signature.
 */
function addRecordFiles(files: PlannedFile[], record: Verified) {
	files.push(
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
	);
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
