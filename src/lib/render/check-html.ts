/**
 * A strict checker for the HTML our renderer may produce, for the tests (unit and end-to-end).
 * It is written apart from markdown.ts on purpose: it knows only the allow-list, not how the
 * renderer works. Rather than parse HTML leniently as a browser does, it accepts only a small
 * regular subset (lower-case tags, double-quoted attributes, five entities, balanced nesting),
 * so a string it accepts means the same thing to every HTML parser.
 */

/** Tags the renderer may emit, each with the attributes it may carry. */
export const ALLOWED_TAGS: Readonly<Record<string, readonly string[]>> = {
	p: [],
	h1: [],
	h2: [],
	h3: [],
	h4: [],
	h5: [],
	h6: [],
	ul: [],
	ol: ['start'],
	li: [],
	blockquote: [],
	pre: [],
	code: ['class'],
	em: [],
	strong: [],
	del: [],
	s: [],
	a: ['href', 'title', 'rel'],
	img: ['src', 'alt', 'title', 'loading', 'referrerpolicy'],
	hr: [],
	br: [],
	table: [],
	thead: [],
	tbody: [],
	tr: [],
	th: ['style'],
	td: ['style']
};

export const EXTERNAL_REL = 'nofollow noopener noreferrer ugc';

const VOID_TAGS = new Set(['img', 'hr', 'br']);
const ENTITIES: Record<string, string> = {
	'&amp;': '&',
	'&lt;': '<',
	'&gt;': '>',
	'&quot;': '"',
	'&#39;': "'"
};
const ENTITY = '&(?:amp|lt|gt|quot|#39);';
const TEXT = new RegExp(`(?:[^<&]|${ENTITY})+`, 'y');
const OPEN_TAG = new RegExp(`<([a-z][a-z0-9]*)((?: [a-z-]+="(?:[^"<>&]|${ENTITY})*")*)>`, 'y');
const CLOSE_TAG = /<\/([a-z][a-z0-9]*)>/y;
const ATTRIBUTE = new RegExp(` ([a-z-]+)="((?:[^"<>&]|${ENTITY})*)"`, 'g');

/** Everything wrong with `html` by the allow-list; empty when it is safe to show. */
export function checkHtml(html: string): string[] {
	const problems: string[] = [];
	const open: string[] = [];
	// Checks that need no parsing, on the raw string, so no mistake in the parsing below hides them.
	if (/<\s*script/i.test(html)) problems.push('a <script tag');
	for (const tag of html.match(/<[^>]*>/g) ?? []) {
		// Quoted values are data (a title may say "onclick="); what is left are names.
		if (/[\s/]on[a-z]+\s*=/i.test(tag.replace(/"[^"]*"/g, '""'))) {
			problems.push(`an event handler in ${tag}`);
		}
	}
	let pos = 0;
	while (pos < html.length) {
		TEXT.lastIndex = OPEN_TAG.lastIndex = CLOSE_TAG.lastIndex = pos;
		if (TEXT.test(html)) {
			pos = TEXT.lastIndex;
			continue;
		}
		const start = OPEN_TAG.exec(html);
		if (start) {
			pos = OPEN_TAG.lastIndex;
			const tag = start[1]!;
			const allowed = Object.hasOwn(ALLOWED_TAGS, tag) ? ALLOWED_TAGS[tag] : undefined;
			if (!allowed) {
				problems.push(`tag <${tag}> is not allowed`);
				continue;
			}
			const attributes = new Map<string, string>();
			for (const [, name, raw] of start[2]!.matchAll(ATTRIBUTE)) {
				if (attributes.has(name!)) problems.push(`<${tag}> repeats ${name}`);
				if (!allowed.includes(name!)) problems.push(`<${tag}> may not have ${name}`);
				attributes.set(
					name!,
					raw!.replace(/&[^;]+;/g, (e) => ENTITIES[e] ?? e)
				);
			}
			problems.push(...checkAttributes(tag, attributes));
			if (!VOID_TAGS.has(tag)) open.push(tag);
			continue;
		}
		const end = CLOSE_TAG.exec(html);
		if (end) {
			pos = CLOSE_TAG.lastIndex;
			if (open.pop() !== end[1]) problems.push(`</${end[1]}> closes nothing open`);
			continue;
		}
		problems.push(
			`not in the allowed subset at ${pos}: ${JSON.stringify(html.slice(pos, pos + 40))}`
		);
		break;
	}
	if (open.length > 0) problems.push(`left open: ${open.join(', ')}`);
	return problems;
}

/** What a browser's URL parser reads: tabs and newlines dropped, leading controls trimmed. */
function asBrowserReads(url: string): string {
	const kept = url.replace(/[\t\n\r]/g, '');
	let start = 0;
	while (start < kept.length && kept.charCodeAt(start) <= 0x20) start++;
	return kept.slice(start);
}

/** The scheme a browser will see in a URL (lower case), or null for a relative one. */
export function schemeOf(url: string): string | null {
	return /^([a-z][a-z0-9+.-]*):/i.exec(asBrowserReads(url))?.[1]?.toLowerCase() ?? null;
}

/** A URL without the whitespace, controls and percent-escapes an attacker hides a scheme in. */
function squeeze(url: string): string {
	let decoded = url;
	try {
		decoded = decodeURIComponent(url);
	} catch {
		// not valid percent-encoding: judge it as written
	}
	return Array.from(decoded)
		.filter((c) => c.charCodeAt(0) > 0x20 && c !== '\x7f' && c.trim() !== '')
		.join('');
}

function checkAttributes(tag: string, attributes: Map<string, string>): string[] {
	const problems: string[] = [];
	for (const name of ['href', 'src']) {
		const value = attributes.get(name);
		if (value !== undefined && /^(?:javascript|vbscript|data):/i.test(squeeze(value))) {
			problems.push(`<${tag} ${name}> has a dangerous scheme: ${value}`);
		}
	}
	const href = attributes.get('href');
	if (tag === 'a') {
		if (href === undefined) problems.push('<a> without href');
		else {
			const scheme = schemeOf(href);
			const external = scheme !== null;
			if (external && !['http', 'https', 'mailto'].includes(scheme)) {
				problems.push(`<a href> scheme ${scheme}`);
			}
			if (!external && /^[/\\]{2}/.test(href.trim())) problems.push(`<a href> to another host`);
			if (!external && /^[^/?#]*:/.test(href)) problems.push(`<a href> looks like a scheme`);
			const rel = attributes.get('rel');
			if (external && rel !== EXTERNAL_REL) problems.push(`external <a> with rel ${rel}`);
		}
	}
	if (tag === 'img') {
		const src = attributes.get('src') ?? '';
		if (!['http', 'https'].includes(schemeOf(src) ?? '')) problems.push(`<img src> ${src}`);
		if (attributes.get('loading') !== 'lazy') problems.push('<img> not lazy');
		if (attributes.get('referrerpolicy') !== 'no-referrer') problems.push('<img> sends a referrer');
	}
	const style = attributes.get('style');
	if (style !== undefined && !/^text-align:(?:left|center|right)$/.test(style)) {
		problems.push(`style ${style}`);
	}
	const start = attributes.get('start');
	if (start !== undefined && !/^\d+$/.test(start)) problems.push(`<ol start> ${start}`);
	const className = attributes.get('class');
	if (className !== undefined && !/^language-[A-Za-z0-9_+#-]+$/.test(className)) {
		problems.push(`class ${className}`);
	}
	return problems;
}
