/**
 * The one Markdown renderer of Webocracy, for the app and the mirror: text a stranger wrote
 * goes in, HTML that is inert comes out. Pure and deterministic (the same input gives the
 * same bytes in the browser and in Node): no DOM, no I/O, no clock, no locale.
 *
 * The policy, in layers (DESIGN.md, threat model: "HTML/script in titles or Markdown"):
 * 1. markdown-it with raw HTML off: `<script>` in a post is text, never markup.
 * 2. Links by allow-list of schemes (http, https, mailto) plus same-site relative links;
 *    anything else, however it is spelled, is not a link and stays visible as text.
 * 3. A last pass over the token stream keeps only the attributes this file knows, per tag,
 *    so no rule of markdown-it (today's or a future version's) can slip one through.
 *
 * Headings are one level down (`#` is h2, `#####` and `######` are h6): the text always sits
 * on a page whose title is its one h1, in the app, the static site and the feed alike.
 */
import MarkdownIt, { type StateCore, type Token } from 'markdown-it';
import { useFastTokens } from './fast-tokens';

/** Markdown larger than this is refused (a notice is shown instead); records fit it anyway. */
export const MARKDOWN_MAX_BYTES = 256 * 1024;

/**
 * How deep blocks and inline markup may nest: `>>>>…`, `- - - -…` or `[[[[…` of any depth
 * cost bounded recursion and give bounded DOM depth. 50 levels allow about 24 levels of
 * nested lists. Past the limit markdown-it stops: deeper inline markup stays text, and the
 * rest of a too-deep block is dropped (for a list nested that deep, the rest of the text),
 * which only an author who nests 25 lists deep can do to their own post.
 */
const MAX_NESTING = 50;

/** Schemes a link may use; everything else (javascript:, data:, vbscript:, file:, …) is not one. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);
/** Schemes an image may load from: a picture never comes from a relative or data: URL. */
const IMAGE_SCHEMES = new Set(['http', 'https']);

/**
 * On every external link: nofollow and ugc tell crawlers of the mirror that a citizen, not the
 * country, wrote it; noopener and noreferrer keep the target from reaching back to the page
 * or learning which post linked to it. No `target`: a link opens where the reader chooses.
 */
const EXTERNAL_REL = 'nofollow noopener noreferrer ugc';

const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;

const ALIGN_STYLE = /^text-align:(?:left|center|right)$/;
/** A fence's info string becomes a class only when it looks like a language name. */
const LANGUAGE = /^[A-Za-z0-9_+#-]{1,32}$/;

const HEADING_BELOW: Record<string, string> = {
	h1: 'h2',
	h2: 'h3',
	h3: 'h4',
	h4: 'h5',
	h5: 'h6',
	h6: 'h6'
};

const md = new MarkdownIt('default', {
	html: false,
	linkify: true,
	typographer: false,
	maxNesting: MAX_NESTING
});
// linkify-it would also turn `ftp://…` and `//host` in plain text into links; neither is allowed.
md.linkify.add('ftp:', null).add('//', null);
md.validateLink = (url) => linkKind(url) !== null;
// With `html: false` markdown-it makes no HTML tokens; should one ever appear, it is text.
md.renderer.rules.html_block = (tokens, idx) => escapeHtml(tokens[idx]?.content ?? '');
md.renderer.rules.html_inline = (tokens, idx) => escapeHtml(tokens[idx]?.content ?? '');
md.core.ruler.push('webocracy_demote_headings', (state: StateCore) => {
	// Headings are block tokens: they are never among an inline token's children.
	for (const token of state.tokens) {
		if (token.type === 'heading_open' || token.type === 'heading_close') {
			token.tag = HEADING_BELOW[token.tag] ?? token.tag;
		}
	}
});
md.core.ruler.push('webocracy_safe_attributes', (state: StateCore) => {
	sanitizeTokens(state.tokens, state);
});
let fastTokens: boolean | undefined;
/**
 * Whether markdown-it builds its tokens the fast way (see fast-tokens.ts), checked on first
 * use (it renders a probe twice), not when the module loads: every command of the CLI
 * imports this, most of them to render nothing. On the finished configuration.
 */
export const markdownFastTokens = (): boolean => (fastTokens ??= useFastTokens(md));

/** Markdown to inert HTML. Input over MARKDOWN_MAX_BYTES gives a short notice instead. */
export function renderMarkdown(source: string): string {
	if (isTooLarge(source)) return TOO_LARGE_NOTICE;
	markdownFastTokens();
	return md.render(source);
}

/** A title, tag or name as HTML: plain text, escaped; Markdown in it is not interpreted. */
export function renderInline(text: string): string {
	// As renderMarkdown does (and as HTML parsers would drop it silently): NUL is shown as �.
	return escapeHtml(text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text);
}

/** Escape text for HTML element content and for quoted attribute values. */
export function escapeHtml(text: string): string {
	// Most titles, names and links have nothing to escape: a test is cheaper than a replace.
	return HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIALS, (c) => ESCAPES[c] ?? c) : text;
}

/**
 * A plain-text summary of Markdown, at most `max` characters (code points) with an ellipsis
 * when cut, for lists, feeds and meta descriptions. Built from the token stream: the text of
 * paragraphs, headings, list items, quotes and table cells; code blocks and pictures are left
 * out (an image the page shows as its description, a relative one, counts as that text). The
 * result is text, not HTML: escape it where it goes into HTML.
 */
export function excerpt(source: string, max = 200): string {
	const limit = Math.floor(max);
	if (!(limit > 0) || isTooLarge(source)) return '';
	markdownFastTokens();
	const parts: string[] = [];
	for (const token of md.parse(source, {})) {
		if (token.type === 'inline') parts.push(inlineText(token.children ?? []));
	}
	return shorten(parts.join(' ').replace(/\s+/g, ' ').trim(), limit);
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

const TOO_LARGE_NOTICE = `<p><em>${escapeHtml(
	`This text is too long to show: the limit is ${MARKDOWN_MAX_BYTES / 1024} KiB.`
)}</em></p>\n`;

function isTooLarge(source: string): boolean {
	// UTF-16 length bounds the UTF-8 size from below and a third of it from above.
	if (source.length > MARKDOWN_MAX_BYTES) return true;
	if (source.length * 3 <= MARKDOWN_MAX_BYTES) return false;
	return utf8Length(source) > MARKDOWN_MAX_BYTES;
}

function utf8Length(text: string): number {
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const unit = text.charCodeAt(i);
		if (unit < 0x80) bytes += 1;
		else if (unit < 0x800) bytes += 2;
		else if (unit >= 0xd800 && unit < 0xdc00 && isLowSurrogate(text.charCodeAt(i + 1))) {
			bytes += 4;
			i++;
		} else bytes += 3; // the rest of the BMP, and a lone surrogate (encoded as U+FFFD)
	}
	return bytes;
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit < 0xe000;

/** A link off the site (with its scheme, in lower case), a relative link, or not a link. */
type LinkKind = { scheme: string } | 'relative' | null;

/**
 * What a (percent-encoded, as markdown-it's normalizeLink leaves it) URL is, judged the way a
 * browser will read it.
 */
function linkKind(url: string): LinkKind {
	// normalizeLink percent-encodes spaces and controls, so none should be left; a browser
	// would read any that are in ways a check cannot follow (it drops tabs and newlines
	// anywhere: `java\tscript:` is `javascript:` to it), so such a URL is not a link.
	for (let i = 0; i < url.length; i++) {
		const unit = url.charCodeAt(i);
		if (unit <= 0x20 || unit === 0x7f) return null;
	}
	const end = url.search(/[:/?#\\]/);
	if (end >= 0 && url[end] === ':') {
		const scheme = url.slice(0, end).toLowerCase();
		return LINK_SCHEMES.has(scheme) ? { scheme } : null;
	}
	// `//host/…` (and `/\host`, which browsers read alike) leaves the site through whatever
	// scheme the page has, `file:` for a mirror opened from disk: not a relative link.
	if (/^[/\\]{2}/.test(url)) return null;
	return 'relative';
}

/**
 * Rebuild every token's attributes from an allow-list, in a fixed order. Links and images
 * were already checked by validateLink; they are checked again here because this pass is the
 * one that must hold even if a rule of markdown-it forgot to ask.
 */
function sanitizeTokens(tokens: Token[], state: StateCore): void {
	for (let i = 0; i < tokens.length; i++) {
		const token = tokens[i]!;
		const attr = (name: string) => {
			const value = token.attrGet(name);
			return value === null ? null : String(value);
		};
		switch (token.type) {
			case 'link_open': {
				const href = attr('href') ?? '';
				const title = attr('title');
				const kind = linkKind(href);
				if (!kind) {
					hideLink(tokens, i);
					break;
				}
				token.attrs = [['href', href]];
				if (title !== null) token.attrs.push(['title', title]);
				if (kind !== 'relative') token.attrs.push(['rel', EXTERNAL_REL]);
				break;
			}
			case 'image': {
				const src = attr('src') ?? '';
				const title = attr('title');
				const kind = linkKind(src);
				if (!kind || kind === 'relative' || !IMAGE_SCHEMES.has(kind.scheme)) {
					// Not a picture we may load: the reader sees its description instead.
					const text = new state.Token('text', '', 0);
					text.content = inlineText(token.children ?? [], true);
					text.level = token.level;
					tokens[i] = text;
					break;
				}
				// The renderer fills `alt` from the image's children as plain text.
				token.attrs = [
					['src', src],
					['alt', '']
				];
				if (title !== null) token.attrs.push(['title', title]);
				token.attrs.push(['loading', 'lazy'], ['referrerpolicy', 'no-referrer']);
				break;
			}
			case 'th_open':
			case 'td_open': {
				const style = attr('style');
				token.attrs = style !== null && ALIGN_STYLE.test(style) ? [['style', style]] : null;
				break;
			}
			case 'ordered_list_open': {
				const start = attr('start');
				token.attrs = start !== null && /^\d{1,9}$/.test(start) ? [['start', start]] : null;
				break;
			}
			case 'fence': {
				const language = token.info.trim().split(/\s+/)[0] ?? '';
				token.info = LANGUAGE.test(language) ? language : '';
				token.attrs = null;
				break;
			}
			default:
				token.attrs = null;
		}
		if (token.children) sanitizeTokens(token.children, state);
	}
}

/** Render a link that should not be one as its text alone. */
function hideLink(tokens: Token[], open: number): void {
	const level = tokens[open]!.level;
	tokens[open]!.hidden = true;
	tokens[open]!.attrs = null;
	for (let j = open + 1; j < tokens.length; j++) {
		const token = tokens[j]!;
		if (token.type === 'link_close' && token.level === level) {
			token.hidden = true;
			return;
		}
	}
}

/** The plain text of inline tokens: images left out, or (withImages) by their description. */
function inlineText(tokens: Token[], withImages = false): string {
	let text = '';
	for (const token of tokens) {
		if (token.type === 'text' || token.type === 'code_inline') text += token.content;
		else if (token.type === 'softbreak' || token.type === 'hardbreak') text += ' ';
		else if (token.type === 'image' && withImages) text += inlineText(token.children ?? [], true);
	}
	return text;
}

/** Cut text to at most `max` code points, at a word boundary when one is near, with '…'. */
function shorten(text: string, max: number): string {
	const points = Array.from(text.length > max * 2 + 2 ? text.slice(0, max * 2 + 2) : text);
	if (points.length <= max) return points.join('');
	let cut = points.slice(0, max - 1).join('');
	const space = cut.lastIndexOf(' ');
	if (space > cut.length / 2) cut = cut.slice(0, space);
	return `${cut.trimEnd()}…`;
}
