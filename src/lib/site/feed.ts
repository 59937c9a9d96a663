/** The Atom feed (RFC 4287), the sitemap (an index and its parts) and robots.txt. */
import type { BlogPost } from '../model/content';
import type { Citizen } from '../model/country';
import { escapeHtml, renderMarkdown } from '../render/markdown';
import { isoTime } from '../model/time';
import { encodePath, paths } from './paths';

// eslint-disable-next-line no-control-regex -- reason: exactly the characters XML 1.0 forbids
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/u;
const XML_FORBIDDEN_ALL = new RegExp(XML_FORBIDDEN.source, 'gu');

/**
 * Text for XML character data and attribute values. Beyond escaping, XML 1.0 forbids most
 * control characters outright (a feed reader would reject the whole feed): they become U+FFFD.
 */
export function xmlText(text: string): string {
	return escapeHtml(XML_FORBIDDEN.test(text) ? text.replace(XML_FORBIDDEN_ALL, '\ufffd') : text);
}

const EPOCH = '1970-01-01T00:00:00.000Z';
const atomTime = (at: number) => isoTime(at) ?? EPOCH;

/**
 * Links are absolute with a base URL; without one they are relative to the feed, which
 * Atom allows (xml:base is the feed's own address). Entry ids never depend on the base URL:
 * a post keeps its id when the site moves.
 */
export function atomFeed(options: {
	name: string;
	countryId: string;
	baseUrl: string | null;
	posts: readonly BlogPost[];
	citizenByKey: ReadonlyMap<string, Citizen>;
	updatedAt: number;
	/** A post's current body as HTML: `renderMarkdown`, or a memo of it. */
	bodyHtml?: (post: BlogPost) => string;
}): string {
	const bodyHtml = options.bodyHtml ?? ((post: BlogPost) => renderMarkdown(post.current.body));
	const base = options.baseUrl ?? '';
	const href = (path: string) => xmlText(base + encodePath(path));
	const entries = options.posts.map((post) => {
		const author = options.citizenByKey.get(post.author);
		return `<entry>
<id>urn:webocracy:${options.countryId}:post:${post.id}</id>
<title type="text">${xmlText(post.current.title)}</title>
<link rel="alternate" type="text/html" href="${href(paths.post(post.id))}"/>
<published>${atomTime(post.publishedAt)}</published>
<updated>${atomTime(post.updatedAt)}</updated>
<author><name>${xmlText(author?.name ?? post.author)}</name><uri>${href(paths.blog(post.author))}</uri></author>
${post.current.tags.map((tag) => `<category term="${xmlText(tag)}"/>`).join('\n')}${post.current.tags.length ? '\n' : ''}<content type="html">${xmlText(bodyHtml(post))}</content>
</entry>`;
	});
	return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>urn:webocracy:${options.countryId}</id>
<title type="text">${xmlText(options.name)}</title>
<subtitle type="text">The latest posts of ${xmlText(options.name)}</subtitle>
<updated>${atomTime(options.updatedAt)}</updated>
<link rel="self" type="application/atom+xml" href="${href(paths.feed)}"/>
<link rel="alternate" type="text/html" href="${href(paths.front)}"/>
<generator>Webocracy mirror</generator>
${entries.join('\n')}${entries.length ? '\n' : ''}</feed>
`;
}

export type SitemapEntry = { path: string; lastModified: number | null };

/** A `<url>` or `<sitemap>` element: the absolute URL and, when known, the date. */
function sitemapItem(tag: string, baseUrl: string, { path, lastModified }: SitemapEntry): string {
	const iso = lastModified === null ? null : isoTime(lastModified);
	const lastmod = iso ? `<lastmod>${iso.slice(0, 10)}</lastmod>` : '';
	return `<${tag}><loc>${xmlText(baseUrl + encodePath(path))}</loc>${lastmod}</${tag}>`;
}

const sitemapXml = (root: string, items: readonly string[]): string =>
	`<?xml version="1.0" encoding="utf-8"?>
<${root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${items.join('\n')}${items.length ? '\n' : ''}</${root}>
`;

/** One page's `<url>` element in a sitemap part. */
export const sitemapUrl = (baseUrl: string, entry: SitemapEntry): string =>
	sitemapItem('url', baseUrl, entry);

/**
 * A sitemap part: these HTML pages, with absolute URLs under `baseUrl`. `url` makes each
 * entry's element (`sitemapUrl`, or a memo of it: a planner keeps those of 10,000 posts).
 */
export function sitemap(
	baseUrl: string,
	entries: readonly SitemapEntry[],
	url: (entry: SitemapEntry) => string = (entry) => sitemapUrl(baseUrl, entry)
): string {
	return sitemapXml('urlset', entries.map(url));
}

/**
 * sitemap.xml, a sitemap index: each part's absolute URL and the newest `lastModified` of
 * its pages, when known.
 */
export const sitemapIndex = (baseUrl: string, parts: readonly SitemapEntry[]): string =>
	sitemapXml(
		'sitemapindex',
		parts.map((part) => sitemapItem('sitemap', baseUrl, part))
	);

export const robotsTxt = (baseUrl: string): string =>
	`User-agent: *\nAllow: /\nSitemap: ${baseUrl}${paths.sitemap}\n`;
