/**
 * The HTML of the tourist site. Every piece of user text goes through `renderInline`
 * (titles, names, tags, roles) or `renderMarkdown` (bodies); nothing else is interpolated
 * but our own constants, ids (hex), dates and paths. No page has a script: the Content
 * Security Policy forbids every one, so even a mistake here could not run one.
 */
import type { BlogPost, PageRevision, PostRevision, WikiPage } from '../model/content';
import type { Citizen } from '../model/country';
import { isoTime } from '../model/time';
import { escapeHtml, excerpt, renderInline, renderMarkdown } from '../render/markdown';
import { encodePath, linkFrom, paths, type ListPage } from './paths';
import type { SiteGovernment } from './types';

/**
 * No script, no frame, no plugin, no form target, no base: styles from the site and pictures
 * (from posts) over http(s) only. `frame-ancestors` cannot be set from a meta tag; a server
 * that wants it sends the header.
 */
export const CONTENT_SECURITY_POLICY =
	"default-src 'none'; style-src 'self'; img-src https: http:; base-uri 'none'; form-action 'none'";

/** What every page shares: changing any of it changes every page's dependency key. */
export type Chrome = {
	readonly name: string;
	readonly countryId: string;
	readonly hasGovernment: boolean;
	/**
	 * The root path 404.html links from (the base URL's path, or `/`): a server sends that
	 * page for a missing path at any depth, where relative links would not resolve.
	 */
	readonly rootPath: string;
};

type Section = 'latest' | 'citizens' | 'pages' | 'tags' | 'government' | 'verify' | null;

type PageSpec = {
	path: string;
	title: string;
	section: Section;
	/** Plain text, escaped here. */
	description?: string;
	main: string;
	/** The neighbours of a page of a paged list, for `<link rel="prev|next">`. */
	pager?: Pager;
};

/** Where the newer (`prev`) and older (`next`) pages of a list are, when there are. */
type Pager = { prev: string | null; next: string | null };

const e = renderInline;

/** A `<time>`: the UTC date, and the time of day when asked. Dates are never "now". */
export function timeTag(at: number, withTime = false): string {
	const iso = isoTime(at);
	if (!iso) return '<time>an unknown date</time>';
	const [day, clock = ''] = iso.split('T');
	const shown = withTime ? `${day} ${clock.slice(0, 5)} UTC` : day;
	return `<time datetime="${iso}">${shown}</time>`;
}

/** A fingerprint as people compare it: upper case, in groups of four. */
export function groupedFingerprint(fingerprint: string): string {
	const upper = fingerprint.toUpperCase();
	// Fingerprints are hex; other text keeps the regular expression's reading of line breaks.
	if (/[\n\r\u2028\u2029]/.test(upper)) return upper.replace(/(.{4})(?=.)/g, '$1 ');
	// Slices rather than a replace with lookahead: this runs on every post page.
	let grouped = upper.slice(0, 4);
	for (let i = 4; i < upper.length; i += 4) grouped += ` ${upper.slice(i, i + 4)}`;
	return grouped;
}

/**
 * What the layout puts around every page of one directory depth and section: the same for
 * thousands of pages, so made once per plan (keyed by the chrome object: a plan makes one,
 * read-only, and a new plan makes another).
 */
type Frame = {
	/** From the doctype to `<title>`. */
	top: string;
	/** The stylesheet and feed links, after the title and description. */
	links: string;
	/** From `</head>` to `<main>`: the site's header and navigation. */
	header: string;
	/** From `</main>` to the end. */
	footer: string;
};

const framesByChrome = new WeakMap<Chrome, Map<string, Frame>>();

/** The frame of pages whose links start with `base` (`../`s, or the root path for 404.html). */
function frameOf(chrome: Chrome, base: string, section: Section): Frame {
	let frames = framesByChrome.get(chrome);
	if (!frames) framesByChrome.set(chrome, (frames = new Map()));
	const id = `${section}\u0000${base}`;
	let frame = frames.get(id);
	if (!frame) {
		frame = makeFrame(chrome, base, section);
		frames.set(id, frame);
	}
	return frame;
}

function makeFrame(chrome: Chrome, base: string, section: Section): Frame {
	const link = (to: string) => escapeHtml(base + encodePath(to));
	const nav: [Section, string, string][] = [
		['latest', paths.front, 'Latest'],
		['citizens', paths.citizens, 'Citizens'],
		['pages', paths.pages, 'Pages'],
		['tags', paths.tags, 'Tags'],
		...(chrome.hasGovernment
			? ([['government', paths.government, 'Government']] as [Section, string, string][])
			: []),
		['verify', paths.verify, 'Verify']
	];
	const navLinks = nav
		.map(
			([to, path, label]) =>
				`<a href="${link(path)}"${to === section ? ' aria-current="page"' : ''}>${label}</a>`
		)
		.join('\n');
	const name = e(chrome.name);
	return {
		top: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>`,
		links: `
<link rel="stylesheet" href="${link(paths.style)}">
<link rel="alternate" type="application/atom+xml" title="${name}: latest posts" href="${link(paths.feed)}">`,
		header: `
</head>
<body>
<header class="site">
<a class="brand" href="${link(paths.front)}">${name}</a>
<nav aria-label="Site">
${navLinks}
<a href="${link(paths.feed)}">Feed</a>
</nav>
</header>
<main>
`,
		footer: `
</main>
<footer>
<p>${name} is a Webocracy country: everything here is a record signed by its author. This copy was rendered by a mirror that checked every signature; <a href="${link(paths.verify)}">check them yourself</a>.</p>
<p>Country id <code>${chrome.countryId}</code></p>
</footer>
</body>
</html>
`
	};
}

/**
 * The same string, stored in one piece. V8 keeps a string built by concatenation as a tree
 * of its pieces until something reads it; reading one character joins them. A full render
 * keeps 11,000 pages in memory (or queued for writing, which would join them anyway), and
 * as trees of a few hundred pieces each they made the garbage collector's work the largest
 * part of rendering: joined, the render of the bench country took a quarter less CPU time.
 */
function flattened(text: string): string {
	text.charCodeAt(text.length >> 1);
	return text;
}

/** Fill the shared layout. `chrome.rootPath` is used for links when `path` is 404.html. */
export function layout(chrome: Chrome, spec: PageSpec): string {
	const base = spec.path === paths.notFound ? chrome.rootPath : linkFrom(spec.path, '');
	const frame = frameOf(chrome, base, spec.section);
	const link = (to: string) => escapeHtml(base + encodePath(to));
	const title = spec.path === paths.front ? e(chrome.name) : `${e(spec.title)} · ${e(chrome.name)}`;
	const description = spec.description
		? `\n<meta name="description" content="${escapeHtml(spec.description)}">`
		: '';
	const neighbours =
		(spec.pager?.prev ? `\n<link rel="prev" href="${link(spec.pager.prev)}">` : '') +
		(spec.pager?.next ? `\n<link rel="next" href="${link(spec.pager.next)}">` : '');
	return flattened(
		`${frame.top}${title}</title>${description}${frame.links}${neighbours}${frame.header}${spec.main}${frame.footer}`
	);
}

/** A list entry for a post: title, author, date, and an excerpt when asked. */
function postItem(
	from: string,
	post: BlogPost,
	author: Citizen | undefined,
	options: { excerpt: boolean; author: boolean }
): string {
	const { current } = post;
	const by =
		options.author && author
			? ` by <a href="${linkFrom(from, paths.blog(author.fingerprint))}">${e(author.name)}</a>`
			: '';
	const summary = options.excerpt ? excerpt(current.body) : '';
	return `<li>
<a href="${linkFrom(from, paths.post(post.id))}">${e(current.title)}</a>
<div class="meta">${timeTag(post.publishedAt)}${by}</div>${summary ? `\n<p class="excerpt">${e(summary)}</p>` : ''}
</li>`;
}

export type PostLists = {
	citizenByKey: ReadonlyMap<string, Citizen>;
};

function postList(
	from: string,
	posts: readonly BlogPost[],
	people: PostLists,
	options: { excerpt: boolean; author: boolean },
	className = 'list'
): string {
	if (posts.length === 0) return '<p class="hint">No posts yet.</p>';
	const items = posts.map((post) =>
		postItem(from, post, people.citizenByKey.get(post.author), options)
	);
	return `<ul class="${className}">\n${items.join('\n')}\n</ul>`;
}

export function frontPage(
	chrome: Chrome,
	content: PostLists & {
		parentName: string | null;
		featured: readonly BlogPost[];
		latest: readonly BlogPost[];
		/** Whether there are older posts than `latest` shows. */
		older: boolean;
	}
): string {
	const from = paths.front;
	const parent = content.parentName
		? `\n<p class="hint">Seceded from ${e(content.parentName)}.</p>`
		: '';
	const featured = content.featured.length
		? `<section class="featured" aria-labelledby="featured">
<h2 id="featured">Featured</h2>
${postList(from, content.featured, content, { excerpt: true, author: true })}
</section>\n`
		: '';
	const main = `<h1>${e(chrome.name)}</h1>${parent}
${featured}<section aria-labelledby="latest">
<h2 id="latest">Latest posts</h2>
${postList(from, content.latest, content, { excerpt: true, author: true })}${
		content.older
			? `\n<p class="hint">Older posts are on each citizen’s blog (see <a href="${linkFrom(from, paths.citizens)}">Citizens</a>) and under <a href="${linkFrom(from, paths.tags)}">Tags</a>.</p>`
			: ''
	}
</section>`;
	return layout(chrome, {
		path: from,
		title: chrome.name,
		section: 'latest',
		description: `The latest posts of ${chrome.name}, a self-governed country on the web.`,
		main
	});
}

/** Who signed, with which key, and where to get the signed bytes. */
function provenance(from: string, author: Citizen, revision: { id: string }, what: string): string {
	return `<aside class="provenance" aria-labelledby="provenance">
<h2 id="provenance">Signed by its author</h2>
<dl>
<dt>Author</dt><dd><a href="${linkFrom(from, paths.blog(author.fingerprint))}">${e(author.name)}</a></dd>
<dt>Key fingerprint</dt><dd><span class="fingerprint">${groupedFingerprint(author.fingerprint)}</span> · <a href="${linkFrom(from, paths.key(author.fingerprint))}">public key</a></dd>
<dt>Signed record</dt><dd><a href="${linkFrom(from, paths.recordText(revision.id))}">${what}</a> · <a href="${linkFrom(from, paths.recordSignature(revision.id))}">signature</a></dd>
<dt>Record id</dt><dd><code>${revision.id}</code></dd>
</dl>
<p><a href="${linkFrom(from, paths.verify)}">How to check the signature yourself</a></p>
</aside>`;
}

function revisionList(
	from: string,
	revisions: readonly (PostRevision | PageRevision)[],
	citizenByKey: ReadonlyMap<string, Citizen>
): string {
	const items = revisions.map((r) => {
		const author = citizenByKey.get(r.author);
		const name = author ? e(author.name) : '<span class="fingerprint">unknown</span>';
		return `<li>${timeTag(r.at, true)} · ${name} · ${e(r.title)} · <a href="${linkFrom(from, paths.recordText(r.id))}">record</a> · <a href="${linkFrom(from, paths.recordSignature(r.id))}">signature</a></li>`;
	});
	return `<ol reversed>\n${items.join('\n')}\n</ol>`;
}

function tagList(from: string, tags: readonly string[]): string {
	if (tags.length === 0) return '';
	const items = tags.map(
		(tag) => `<li><a href="${escapeHtml(linkFrom(from, paths.tag(tag)))}">#${e(tag)}</a></li>`
	);
	return `\n<ul class="tags" aria-label="Tags">\n${items.join('\n')}\n</ul>`;
}

export function postPage(
	chrome: Chrome,
	post: BlogPost,
	author: Citizen,
	citizenByKey: ReadonlyMap<string, Citizen>
): string {
	const from = paths.post(post.id);
	const { current } = post;
	const edited = post.revisions.length > 1 ? ` · edited ${timeTag(post.updatedAt, true)}` : '';
	const branched =
		post.heads.length > 1
			? `\n<p class="note">The author edited this post in ${post.heads.length} different ways at once; the newest edit is shown. Every version is listed below.</p>`
			: '';
	const history =
		post.revisions.length > 1
			? `\n<section aria-labelledby="revisions">\n<h2 id="revisions">Revisions</h2>\n${revisionList(from, post.revisions, citizenByKey)}\n</section>`
			: '';
	const main = `<article>
<h1>${e(current.title)}</h1>
<p class="byline">by <a href="${linkFrom(from, paths.blog(author.fingerprint))}">${e(author.name)}</a> · ${timeTag(post.publishedAt, true)}${edited}</p>${branched}
<div class="body">
${renderMarkdown(current.body)}</div>${tagList(from, current.tags)}
</article>
${provenance(from, author, current, 'the post as signed')}${history}`;
	return layout(chrome, {
		path: from,
		title: current.title,
		section: null,
		main
	});
}

/** The neighbours of `page` of a list whose page `n` is at `pathOf(n)`. */
function pagerOf(page: ListPage<unknown>, pathOf: (n: number) => string): Pager {
	return {
		prev: page.newer === null ? null : pathOf(page.newer),
		next: page.older === null ? null : pathOf(page.older)
	};
}

/** Links to the newer and older pages of a list, when there are. */
function pagerNav(from: string, pager: Pager): string {
	if (!pager.prev && !pager.next) return '';
	const newer = pager.prev
		? `<a rel="prev" href="${linkFrom(from, pager.prev)}">Newer posts</a>`
		: '<span class="meta">Newer posts</span>';
	const older = pager.next
		? `<a rel="next" href="${linkFrom(from, pager.next)}">Older posts</a>`
		: '<span class="meta">Older posts</span>';
	return `\n<nav class="pager" aria-label="Pages of this list">\n${newer}\n${older}\n</nav>`;
}

/** An archive page's place in publication order, "21–40"; empty for the main page. */
const postRange = (page: ListPage<unknown>): string =>
	page.number > 0 ? `${page.first}–${page.first + page.items.length - 1}` : '';
/** " · posts 21–40" after an archive page's title. */
const pageSuffix = (page: ListPage<unknown>): string =>
	page.number > 0 ? ` · posts ${postRange(page)}` : '';

export function blogPage(
	chrome: Chrome,
	citizen: Citizen,
	page: ListPage<BlogPost>,
	citizenByKey: ReadonlyMap<string, Citizen>
): string {
	const pathOf = (n: number) => paths.blog(citizen.fingerprint, n);
	const from = pathOf(page.number);
	const pager = pagerOf(page, pathOf);
	const role = citizen.isFounder ? 'Founder, citizen' : 'Citizen';
	const main = `<h1>${e(citizen.name)}</h1>
<dl>
<dt>${role} since</dt><dd>${timeTag(citizen.admittedAt)} · <a href="${linkFrom(from, paths.recordText(citizen.admittedBy))}">admission record</a> · <a href="${linkFrom(from, paths.recordSignature(citizen.admittedBy))}">signature</a></dd>
<dt>Key fingerprint</dt><dd><span class="fingerprint">${groupedFingerprint(citizen.fingerprint)}</span> · <a href="${linkFrom(from, paths.key(citizen.fingerprint))}">public key</a></dd>
</dl>
<h2>Posts${page.number > 0 ? ` ${postRange(page)}` : ''}</h2>
${postList(from, page.items, { citizenByKey }, { excerpt: false, author: false })}${pagerNav(from, pager)}`;
	return layout(chrome, {
		path: from,
		title: citizen.name + pageSuffix(page),
		section: 'citizens',
		description: `The blog of ${citizen.name}, citizen of ${chrome.name}.`,
		main,
		pager
	});
}

export function citizensPage(chrome: Chrome, citizens: readonly Citizen[]): string {
	const from = paths.citizens;
	const items = citizens.map(
		(c) => `<li>
<a href="${linkFrom(from, paths.blog(c.fingerprint))}">${e(c.name)}</a>${c.isFounder ? ' <span class="meta">founder</span>' : ''}
<div class="meta fingerprint">${groupedFingerprint(c.fingerprint)}</div>
</li>`
	);
	const list = items.length
		? `<ul class="list">\n${items.join('\n')}\n</ul>`
		: '<p class="hint">No citizens yet.</p>';
	return layout(chrome, {
		path: from,
		title: 'Citizens',
		section: 'citizens',
		main: `<h1>Citizens</h1>\n<p class="hint">In order of admission. Each name leads to the citizen’s blog.</p>\n${list}`
	});
}

export function wikiPage(
	chrome: Chrome,
	page: WikiPage,
	citizenByKey: ReadonlyMap<string, Citizen>
): string {
	const from = paths.page(page.slug);
	// With several heads (concurrent edits not merged yet), the newest is shown: the same on
	// every mirror, since heads are ordered by (at, id).
	const shown = page.current ?? page.heads[0]!;
	const author = citizenByKey.get(shown.author);
	const byline = author
		? `<a href="${linkFrom(from, paths.blog(author.fingerprint))}">${e(author.name)}</a>`
		: 'a former citizen';
	const versions =
		page.heads.length > 1
			? `\n<p class="note">This page has ${page.heads.length} versions, written at the same time, waiting for a citizen to merge them. The newest is shown; all are in the history below.</p>`
			: '';
	const main = `<article>
<h1>${e(shown.title)}</h1>
<p class="byline">Last edited by ${byline} · ${timeTag(shown.at, true)}</p>${versions}
<div class="body">
${renderMarkdown(shown.body)}</div>
</article>
${author ? provenance(from, author, shown, 'this revision as signed') : ''}
<section aria-labelledby="history">
<h2 id="history">History</h2>
${revisionList(from, page.history, citizenByKey)}
</section>`;
	return layout(chrome, {
		path: from,
		title: shown.title,
		section: 'pages',
		main
	});
}

export function pagesIndex(chrome: Chrome, pages: readonly WikiPage[]): string {
	const from = paths.pages;
	const items = pages.map((page) => {
		const shown = page.current ?? page.heads[0]!;
		const note = page.heads.length > 1 ? ` · ${page.heads.length} versions` : '';
		return `<li>
<a href="${linkFrom(from, paths.page(page.slug))}">${e(shown.title)}</a>
<div class="meta">edited ${timeTag(shown.at)}${note}</div>
</li>`;
	});
	const list = items.length
		? `<ul class="list">\n${items.join('\n')}\n</ul>`
		: '<p class="hint">No pages yet.</p>';
	return layout(chrome, {
		path: from,
		title: 'Pages',
		section: 'pages',
		main: `<h1>Pages</h1>\n<p class="hint">Shared pages any citizen may edit; every revision is kept and signed.</p>\n${list}`
	});
}

export function tagPage(
	chrome: Chrome,
	tag: string,
	page: ListPage<BlogPost>,
	citizenByKey: ReadonlyMap<string, Citizen>
): string {
	const pathOf = (n: number) => paths.tag(tag, n);
	const from = pathOf(page.number);
	const pager = pagerOf(page, pathOf);
	return layout(chrome, {
		path: from,
		title: `#${tag}${pageSuffix(page)}`,
		section: 'tags',
		main: `<h1>#${e(tag)}</h1>\n${postList(from, page.items, { citizenByKey }, { excerpt: false, author: true })}${pagerNav(from, pager)}`,
		pager
	});
}

export function tagsIndex(chrome: Chrome, tags: readonly [string, number][]): string {
	const from = paths.tags;
	const items = tags.map(
		([tag, count]) =>
			`<li><a href="${escapeHtml(linkFrom(from, paths.tag(tag)))}">#${e(tag)}</a> <span class="meta">${count}</span></li>`
	);
	const list = items.length
		? `<ul class="tags">\n${items.join('\n')}\n</ul>`
		: '<p class="hint">No tags yet.</p>';
	return layout(chrome, {
		path: from,
		title: 'Tags',
		section: 'tags',
		main: `<h1>Tags</h1>\n${list}`
	});
}

export function governmentPage(
	chrome: Chrome,
	government: SiteGovernment,
	citizenByKey: ReadonlyMap<string, Citizen>,
	published: ReadonlySet<string>
): string {
	const from = paths.government;
	const person = (fingerprint: string) => {
		const c = citizenByKey.get(fingerprint);
		return c
			? `<a href="${linkFrom(from, paths.blog(c.fingerprint))}">${e(c.name)}</a>`
			: `<span class="fingerprint">${groupedFingerprint(fingerprint)}</span>`;
	};
	/** Links to a record's text and signature, when the site publishes it. */
	const recordLinks = (id: string | undefined, what: string) =>
		id && published.has(id)
			? ` · <a href="${linkFrom(from, paths.recordText(id))}">${what}</a> · <a href="${linkFrom(from, paths.recordSignature(id))}">signature</a>`
			: '';
	const count = (n: number) => (Number.isSafeInteger(n) ? n : 0);
	const term = (since?: number, until?: number) =>
		since === undefined
			? ''
			: ` · ${timeTag(since)}${until === undefined ? '' : ` – ${timeTag(until)}`}`;
	const { constitution } = government;
	const constitutionPart = constitution
		? `<h2>Constitution</h2>
<dl>
<dt>Admission</dt><dd>${constitution.admission === 'open' ? 'open: anyone may become a citizen' : 'by invitation from a citizen'}</dd>
<dt>Seats</dt><dd>${count(constitution.seats)} leaders, elected by approval vote</dd>
<dt>Term</dt><dd>${count(constitution.termDays)} days</dd>
</dl>
`
		: '';
	const termPart = government.term
		? `<p class="meta">Term ${count(government.term.number)}: ${timeTag(government.term.startsAt)} – ${timeTag(government.term.endsAt)}</p>\n`
		: '';
	const leaders = government.leaders.length
		? `<ul class="list">\n${government.leaders
				.map(
					(l) =>
						`<li>${person(l.fingerprint)}${l.role ? ` <span class="meta">${e(l.role)}</span>` : ''}<div class="meta">${term(l.since, l.until).replace(/^ · /, '')}</div></li>`
				)
				.join('\n')}\n</ul>`
		: '<p class="hint">No leaders in office.</p>';
	const elections = government.elections.length
		? government.elections
				.map((election) => {
					const rows = election.tally
						.map(
							(t) =>
								`<tr><td>${person(t.fingerprint)}${election.elected.includes(t.fingerprint) ? ' <strong>elected</strong>' : ''}</td><td>${count(t.votes)}</td></tr>`
						)
						.join('\n');
					const ballots =
						election.ballots === undefined ? '' : ` · ${count(election.ballots)} ballots counted`;
					return `<section>
<h3>${e(election.title)}</h3>
<p class="meta">closed ${timeTag(election.closedAt)}${ballots}${recordLinks(election.resultRecord, 'certified result')}</p>
<table>
<thead><tr><th>Candidate</th><th>Approvals</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
				})
				.join('\n')
		: '<p class="hint">No elections yet.</p>';
	const filters = government.filters
		? `\n<h2>Filter log</h2>
<p class="hint">Leaders may hide an author from the public site, and must say why. Every decision stays here; the author’s records are hidden, never altered.</p>
${
	government.filters.length
		? `<ul class="list">\n${government.filters
				.map(
					(f) =>
						`<li>${f.action === 'ban' ? 'Hid' : 'Let back'} ${person(f.target)} · by ${person(f.leader)} · ${timeTag(f.at, true)}${recordLinks(f.id, 'record')}\n<p>${e(f.reason)}</p></li>`
				)
				.join('\n')}\n</ul>`
		: '<p class="hint">No one has been hidden.</p>'
}`
		: '';
	return layout(chrome, {
		path: from,
		title: 'Government',
		section: 'government',
		main: `<h1>Government</h1>\n${constitutionPart}<h2>Leaders</h2>\n${termPart}${leaders}\n<h2>Past elections</h2>\n${elections}${filters}`
	});
}

export function verifyPage(chrome: Chrome): string {
	const from = paths.verify;
	const main = `<h1>Check a signature yourself</h1>
<p>Nothing on this site asks to be trusted. Every post, page revision and citizen is a record: a short JSON text signed by its author’s OpenPGP key. The mirror that rendered these pages checked every signature, and you can check any of them again with GnuPG.</p>
<ol>
<li>On a post or page, under “Signed by its author”, download the <em>signed record</em> (<code>records/&lt;id&gt;.txt</code>), its <em>signature</em> (<code>records/&lt;id&gt;.sig</code>) and the author’s <em>public key</em> (<code>keys/&lt;fingerprint&gt;.asc</code>).</li>
<li>Import the key and compare its fingerprint with the one on the page:
<pre><code>gpg --import &lt;fingerprint&gt;.asc
gpg --fingerprint</code></pre></li>
<li>Check the signature over the record’s exact bytes:
<pre><code>gpg --verify &lt;id&gt;.sig &lt;id&gt;.txt</code></pre>
GnuPG says <em>Good signature</em> with the author’s key, or tells you it is not.</li>
<li>The record’s id is the SHA-256 of those bytes, so the text cannot have changed either:
<pre><code>sha256sum &lt;id&gt;.txt</code></pre></li>
</ol>
<p>The record names its author’s fingerprint and its country (<code>${chrome.countryId}</code>, itself the SHA-256 of the country’s founding record). A citizen’s own record is signed with the key it carries, and the founding record with the founder’s: from there each key vouches for its author’s records.</p>
<p>GnuPG may warn that the key is not certified with a trusted signature: that is about your own web of trust, not about this record. The fingerprint you compared is what ties the key to the citizen.</p>`;
	return layout(chrome, {
		path: from,
		title: 'Check a signature',
		section: 'verify',
		main
	});
}

export function notFoundPage(chrome: Chrome): string {
	return layout(chrome, {
		path: paths.notFound,
		title: 'Not found',
		section: null,
		main: `<h1>Not found</h1>
<p>There is nothing at this address. A post its author withdrew leaves the site, and so does what a global filter hides.</p>
<p><a href="${escapeHtml(chrome.rootPath + paths.front)}">The latest posts</a></p>`
	});
}
