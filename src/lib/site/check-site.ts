/**
 * Test-only checks over a rendered site (Node-free, but meant for tests): every tag and
 * attribute from an allow-list, no script anywhere, every internal link resolving to a file
 * of the site. Written apart from the templates on purpose, as ../render/check-html.ts is.
 */
import { ALLOWED_TAGS, schemeOf } from '../render/check-html';
import type { SiteFile } from './types';

/** The tags our templates add around rendered Markdown, with their attributes. */
const TEMPLATE_TAGS: Readonly<Record<string, readonly string[]>> = {
	html: ['lang'],
	head: [],
	meta: ['charset', 'http-equiv', 'content', 'name'],
	title: [],
	link: ['rel', 'href', 'type', 'title'],
	body: [],
	header: ['class'],
	nav: ['class', 'aria-label'],
	main: [],
	footer: [],
	article: [],
	aside: ['class', 'aria-labelledby'],
	section: ['class', 'aria-labelledby'],
	h1: [],
	h2: ['id'],
	h3: [],
	p: ['class'],
	a: ['href', 'class', 'aria-current', 'rel'],
	ul: ['class', 'aria-label'],
	ol: ['reversed'],
	li: [],
	div: ['class'],
	span: ['class'],
	time: ['datetime'],
	dl: [],
	dt: [],
	dd: [],
	code: [],
	pre: [],
	em: [],
	strong: [],
	table: [],
	thead: [],
	tbody: [],
	tr: [],
	th: [],
	td: []
};

const allowedAttributes = (tag: string): readonly string[] | null => {
	const a = Object.hasOwn(ALLOWED_TAGS, tag) ? ALLOWED_TAGS[tag]! : null;
	const b = Object.hasOwn(TEMPLATE_TAGS, tag) ? TEMPLATE_TAGS[tag]! : null;
	return a || b ? [...(a ?? []), ...(b ?? [])] : null;
};

const ENTITIES: Record<string, string> = {
	'&amp;': '&',
	'&lt;': '<',
	'&gt;': '>',
	'&quot;': '"',
	'&#39;': "'"
};
export const decodeEntities = (text: string): string =>
	text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>|<!doctype html>/g;
const ATTRIBUTE = /\s+([a-z-]+)(?:="([^"]*)")?/g;

/** Everything wrong with a page of the site; empty when it is inert and well-formed enough. */
export function checkPage(html: string): string[] {
	const problems: string[] = [];
	if (/<\s*script/i.test(html)) problems.push('a <script tag');
	const stripped = html.replace(TAG, '');
	if (stripped.includes('<')) {
		const at = stripped.indexOf('<');
		problems.push(`a "<" outside the allowed tags: ${JSON.stringify(stripped.slice(at, at + 40))}`);
	}
	for (const [, , name, attrs] of html.matchAll(TAG)) {
		if (name === undefined) continue; // the doctype
		const tag = name.toLowerCase();
		const allowed = allowedAttributes(tag);
		if (!allowed) {
			problems.push(`tag <${tag}> is not allowed`);
			continue;
		}
		for (const [, attr, raw = ''] of (attrs ?? '').matchAll(ATTRIBUTE)) {
			if (!allowed.includes(attr!)) problems.push(`<${tag}> may not have ${attr}`);
			if (attr === 'href' || attr === 'src') {
				const scheme = schemeOf(decodeEntities(raw));
				if (scheme !== null && !['http', 'https', 'mailto'].includes(scheme)) {
					problems.push(`<${tag} ${attr}> with scheme ${scheme}:`);
				}
			}
			if (attr === 'http-equiv' && raw !== 'Content-Security-Policy') {
				problems.push(`<meta http-equiv="${raw}">`);
			}
		}
	}
	return problems;
}

/**
 * Internal links of a page (relative or root-absolute href/src), as site paths. The site is
 * taken to be served at `rootPath`; a link that leaves it is returned as `../…`.
 */
export function internalLinks(path: string, html: string, rootPath = '/'): string[] {
	const out: string[] = [];
	const base = new URL(`http://site.invalid${rootPath}${path}`);
	for (const [, , value] of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
		const url = decodeEntities(value!);
		if (schemeOf(url) !== null || url.startsWith('#')) continue;
		const { pathname } = new URL(url, base);
		out.push(
			pathname.startsWith(rootPath)
				? decodeURIComponent(pathname.slice(rootPath.length))
				: `../${pathname}`
		);
	}
	return out;
}

/** Links of the site's HTML files that lead to no file of the site. */
export function brokenLinks(files: readonly SiteFile[]): string[] {
	const present = new Set(files.map((f) => f.path));
	const broken: string[] = [];
	for (const file of files) {
		if (!file.path.endsWith('.html') || typeof file.content !== 'string') continue;
		for (const target of internalLinks(file.path, file.content)) {
			if (!present.has(target)) broken.push(`${file.path} → ${target}`);
		}
	}
	return broken;
}
