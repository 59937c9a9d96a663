/**
 * Where each thing lives in the site, and links between files. Links are relative and name
 * the file itself (`posts/<id>.html`, not `posts/<id>/`), so the site works from any path
 * of any static host and straight from disk. Only 404.html, which a server sends for any
 * missing path at any depth, links from the site's root.
 */

export const paths = {
	front: 'index.html',
	style: 'style.css',
	feed: 'feed.xml',
	sitemap: 'sitemap.xml',
	robots: 'robots.txt',
	notFound: '404.html',
	verify: 'verify.html',
	citizens: 'citizens.html',
	pages: 'pages.html',
	tags: 'tags.html',
	government: 'government.html',
	post: (id: string) => `posts/${id}.html`,
	/** Page `n` of a blog: the first is the blog itself, later ones under its own folder. */
	blog: (fingerprint: string, n = 1) =>
		n > 1 ? `blogs/${fingerprint}/page/${n}.html` : `blogs/${fingerprint}.html`,
	page: (slug: string) => `pages/${slug}.html`,
	/** Tags are lowercase letters, digits and `-` (never `/` or `.`): safe as file names. */
	tag: (tag: string, n = 1) => (n > 1 ? `tags/${tag}/page/${n}.html` : `tags/${tag}.html`),
	recordText: (id: string) => `records/${id}.txt`,
	recordSignature: (id: string) => `records/${id}.sig`,
	key: (fingerprint: string) => `keys/${fingerprint}.asc`
} as const;

/**
 * A link from the file at `from` to the file at `to` (both relative to the site root),
 * percent-encoded as a URL path (tags may hold any letter).
 */
export function linkFrom(from: string, to: string): string {
	let up = '';
	for (let i = from.indexOf('/'); i !== -1; i = from.indexOf('/', i + 1)) up += '../';
	return up + encodePath(to);
}

/** Characters a URL path may hold as they are: ids, fingerprints and slugs are only these. */
const PLAIN_PATH = /^[A-Za-z0-9._~/-]*$/;

/** Encode each segment of a site path for use in a URL; `/` stays a separator. */
export const encodePath = (path: string): string =>
	PLAIN_PATH.test(path) ? path : path.split('/').map(encodeURIComponent).join('/');

/** Check and normalise a base URL: absolute http(s), no query or fragment, ends with `/`. */
export function normalizeBaseUrl(
	text: string
): { ok: true; value: string } | { ok: false; message: string } {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return { ok: false, message: `the base URL "${text}" is not an absolute URL` };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return {
			ok: false,
			message: `the base URL must start with https:// or http://, not ${url.protocol}`
		};
	}
	if (url.search || url.hash || url.username || url.password) {
		return { ok: false, message: 'the base URL must have no query, fragment or credentials' };
	}
	const pathname = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
	return { ok: true, value: `${url.origin}${pathname}` };
}

/** Posts per page of a blog or a tag. */
export const LIST_PAGE_SIZE = 20;

/** One page of a list split in pages: page `number` of `count`, numbered from 1. */
export type ListPage<T> = { number: number; count: number; items: T[] };

/**
 * A list cut in pages of `size`, newest first as given: page 1 holds the first `size`. An
 * empty list is one empty page, so a blog without posts still has its page.
 */
export function listPages<T>(items: readonly T[], size: number): ListPage<T>[] {
	const per = Math.max(1, Math.floor(size));
	const count = Math.max(1, Math.ceil(items.length / per));
	return Array.from({ length: count }, (_, i) => ({
		number: i + 1,
		count,
		items: items.slice(i * per, (i + 1) * per)
	}));
}
