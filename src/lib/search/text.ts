/**
 * Words, as the index and the highlighter both see them. One definition for both, so a word
 * the index matched is the word the highlighter marks, and nothing else is.
 */
import { escapeHtml, excerpt } from '$lib/render/markdown';

/** A word: a run of letters, digits and combining marks. Everything else separates words. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Printable ASCII: a word (letters, digits) in it has nothing to decompose. */
const ASCII = /^[!-~]*$/;

/** The words of a text, as written. */
export function tokenize(text: string): string[] {
	return text.match(WORD) ?? [];
}

/**
 * A word as it is indexed and looked up: compatibility-decomposed, accents dropped, lower
 * case, so "Café", "cafe" and "ｃａｆｅ" are one term. An empty result (a word of marks alone)
 * is no term.
 */
export function foldTerm(word: string): string | null {
	// Most words are ASCII: the fast path (the index folds every word it reads).
	if (ASCII.test(word)) return word === '' ? null : word.toLowerCase();
	const folded = word
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase();
	return folded === '' ? null : folded;
}

/**
 * The searchable text of a Markdown body: what a reader sees of it (paragraphs, headings,
 * lists, quotes, tables; code blocks and pictures left out), by the app's one renderer.
 */
export function markdownText(source: string): string {
	return excerpt(source, Number.MAX_SAFE_INTEGER);
}

/**
 * `text` as HTML, with every word whose term is in `terms` wrapped in <mark>. Safe for any
 * input: every character of `text` is escaped first; the only markup added is <mark>.
 */
export function highlight(text: string, terms: ReadonlySet<string>): string {
	let html = '';
	let last = 0;
	for (const match of text.matchAll(WORD)) {
		const term = foldTerm(match[0]);
		if (term === null || !terms.has(term)) continue;
		html += `${escapeHtml(text.slice(last, match.index))}<mark>${escapeHtml(match[0])}</mark>`;
		last = match.index + match[0].length;
	}
	return html + escapeHtml(text.slice(last));
}

/** How much of the body a result shows, in characters, and how much of it before the match. */
export const EXCERPT_LENGTH = 180;
const LEAD = 50;

/**
 * A passage of `text` around its first word in `terms` (its start when none is), about
 * EXCERPT_LENGTH characters cut at spaces, with "…" where it was cut, highlighted as
 * `highlight` does.
 */
export function highlightedExcerpt(text: string, terms: ReadonlySet<string>): string {
	let first = -1;
	if (terms.size > 0) {
		for (const match of text.matchAll(WORD)) {
			const term = foldTerm(match[0]);
			if (term !== null && terms.has(term)) {
				first = match.index;
				break;
			}
		}
	}
	let start = first > LEAD ? first - LEAD : 0;
	if (start > 0) {
		const space = text.indexOf(' ', start);
		start = space >= 0 && space < first ? space + 1 : start;
	}
	let end = Math.min(text.length, start + EXCERPT_LENGTH);
	if (end < text.length) {
		const space = text.lastIndexOf(' ', end);
		if (space > Math.max(start, first)) end = space;
	}
	// Never cut a surrogate pair in two.
	if (isLowSurrogate(text.charCodeAt(start))) start -= 1;
	if (isLowSurrogate(text.charCodeAt(end))) end += 1;
	const passage = text.slice(start, end).trim();
	return `${start > 0 ? '…' : ''}${highlight(passage, terms)}${end < text.length ? '…' : ''}`;
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit < 0xe000;
