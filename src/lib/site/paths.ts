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
	/** A blog, or its archive page `n` (1 holds its 20 first posts; see `listPages`). */
	blog: (fingerprint: string, n = 0) =>
		n > 0 ? `blogs/${fingerprint}/page/${n}.html` : `blogs/${fingerprint}.html`,
	page: (slug: string) => `pages/${slug}.html`,
	/** Tags are lowercase letters, digits and `-` (never `/` or `.`): safe as file names. */
	tag: (tag: string, n = 0) => (n > 0 ? `tags/${tag}/page/${n}.html` : `tags/${tag}.html`),
	recordText: (id: string) => `records/${id}.txt`,
	recordSignature: (id: string) => `records/${id}.sig`,
	key: (fingerprint: string) => `keys/${fingerprint}.asc`
} as const;

/**
 * The parts `sitemap.xml` (a sitemap index) points at. They sit beside it at the root: a
 * sitemap may only list URLs under its own directory. Not in `paths`, whose functions name
 * the site's directories.
 */
export const sitemapParts = {
	/** Every HTML page but the posts' (and 404.html). */
	pages: 'sitemap-pages.xml',
	/** Posts in order of first publication, `SITEMAP_CHUNK` a file; n counts from 1. */
	posts: (n: number) => `sitemap-posts-${n}.xml`,
	/** A root file name that is one of these parts. */
	test: (name: string) => /^sitemap-(pages|posts-[1-9][0-9]*)\.xml$/.test(name)
} as const;

/**
 * Posts per sitemap part (the protocol allows 50,000 URLs and 50 MB a file). Parts hold
 * posts oldest first, so a new post changes only the last one.
 */
export const SITEMAP_CHUNK = 1000;

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

/**
 * One page of a list: the main page (`number` 0, the list's own file) or archive page
 * `number` ≥ 1. `first` is the 1-based place of its oldest item in publication order;
 * `newer` and `older` are the neighbouring pages' numbers (0 is the main page), or null.
 */
export type ListPage<T> = {
	number: number;
	items: T[];
	first: number;
	newer: number | null;
	older: number | null;
};

/**
 * A list (newest first, as given) in pages whose addresses keep their content: archive page
 * k holds the items k·size − size + 1 to k·size counted from the oldest, and is only made once
 * a newer full page follows it, so it never changes when items are added; the main page holds
 * the rest, the newest `size` to `2·size − 1` (all of them when there are fewer). A new item
 * changes the main page alone, and every `size` items one archive page appears.
 */
export function listPages<T>(items: readonly T[], size: number): ListPage<T>[] {
	const per = Math.max(1, Math.floor(size));
	const archives = Math.max(0, Math.floor(items.length / per) - 1);
	const onMain = items.length - archives * per;
	const pages: ListPage<T>[] = [
		{
			number: 0,
			items: items.slice(0, onMain),
			first: archives * per + 1,
			newer: null,
			older: archives > 0 ? archives : null
		}
	];
	for (let k = archives; k >= 1; k--) {
		// Items are newest first: archive k, counted from the oldest, ends `(k - 1)·per` from the end.
		const end = items.length - (k - 1) * per;
		pages.push({
			number: k,
			items: items.slice(end - per, end),
			first: (k - 1) * per + 1,
			newer: k < archives ? k + 1 : 0,
			older: k > 1 ? k - 1 : null
		});
	}
	return pages;
}
