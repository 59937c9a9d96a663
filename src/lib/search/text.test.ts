import { describe, expect, it } from 'vitest';
import xssPayloads from '$lib/render/fixtures/xss-payloads.json';
import { foldTerm, highlight, highlightedExcerpt, markdownText, tokenize } from './text';

/** The text a browser shows for HTML made of escaped text and <mark> elements only. */
function shownText(html: string): string {
	const withoutMarks = html.replace(/<\/?mark>/g, '');
	expect(withoutMarks, `markup other than <mark> in ${JSON.stringify(html)}`).not.toMatch(/[<>]/);
	return withoutMarks
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&');
}

describe('tokenize and foldTerm', () => {
	it.each([
		['Hello, world!', ['Hello', 'world']],
		['<script>alert(1)</script>', ['script', 'alert', '1', 'script']],
		['naïve café — 2026', ['naïve', 'café', '2026']],
		['snake_case and-dash', ['snake', 'case', 'and', 'dash']],
		['', []]
	])('%j has the words %j', (text, words) => {
		expect(tokenize(text)).toEqual(words);
	});

	it.each([
		['Café', 'cafe'],
		['NAÏVE', 'naive'],
		['ｃａｆｅ', 'cafe'],
		['Straße', 'straße'],
		['\u0301', null]
	])('%j folds to %j', (word, term) => {
		expect(foldTerm(word)).toBe(term);
	});
});

describe('markdownText', () => {
	it('keeps what a reader sees and drops the syntax and link targets', () => {
		const text = markdownText('# Title\n\nSome **bold** and [a link](https://example.org/hidden).');
		expect(text).toBe('Title Some bold and a link.');
	});
});

describe('highlight', () => {
	it('marks the words whose term matched, whatever their case or accents', () => {
		expect(highlight('Le Café de la Gare', new Set(['cafe', 'gare']))).toBe(
			'Le <mark>Café</mark> de la <mark>Gare</mark>'
		);
	});

	it('marks whole words only', () => {
		expect(highlight('cat catalog', new Set(['cat']))).toBe('<mark>cat</mark> catalog');
	});

	it('escapes everything around and inside the marks', () => {
		expect(highlight('<script>alert("x")</script>', new Set(['script']))).toBe(
			'&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt;'
		);
	});

	it.each(xssPayloads.map((p: { name: string; payload: string }) => [p.name, p.payload]))(
		'payload %s stays text, marked or not',
		(_name, payload) => {
			const everyTerm = new Set(
				tokenize(payload)
					.map(foldTerm)
					.filter((t) => t !== null)
			);
			for (const terms of [new Set<string>(), everyTerm]) {
				expect(shownText(highlight(payload, terms))).toBe(payload);
				const passage = shownText(highlightedExcerpt(payload, terms));
				expect(payload).toContain(passage.replace(/^…/, '').replace(/…$/, ''));
			}
		}
	);
});

describe('highlightedExcerpt', () => {
	const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');

	it('shows the start of the text when nothing matched there', () => {
		const html = highlightedExcerpt(words, new Set());
		expect(html.startsWith('w0 w1 w2')).toBe(true);
		expect(html.endsWith('…')).toBe(true);
	});

	it('shows a passage around the first match, cut at spaces', () => {
		const html = highlightedExcerpt(words, new Set(['w150']));
		expect(html).toMatch(/^…w\d+ /);
		expect(html).toContain('<mark>w150</mark>');
		expect(html.endsWith('…')).toBe(true);
		expect(shownText(html).length).toBeLessThanOrEqual(200);
	});

	it('does not cut a short text', () => {
		expect(highlightedExcerpt('a short text', new Set(['short']))).toBe(
			'a <mark>short</mark> text'
		);
	});

	it('never splits a surrogate pair', () => {
		const text = '😀'.repeat(300);
		const shown = shownText(highlightedExcerpt(text, new Set()));
		expect(shown.replace(/…$/, '')).toMatch(/^(?:😀)+$/u);
	});
});
