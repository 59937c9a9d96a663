import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHtml, EXTERNAL_REL } from './check-html';
import { escapeHtml, excerpt, MARKDOWN_MAX_BYTES, renderInline, renderMarkdown } from './markdown';
import { goldenCases, writeGolden, xssPayloads } from './test-fixtures';

/** CPU time this test process has used, in milliseconds. */
const cpuMilliseconds = () => {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
};

const REL = `rel="${EXTERNAL_REL}"`;
const para = (html: string) => `<p>${html}</p>\n`;

describe('golden fixtures (adding a case is adding a folder)', () => {
	const cases = goldenCases();
	const update = process.env.UPDATE_GOLDEN === '1';

	it('has a dozen cases or more', () => {
		expect(cases.length).toBeGreaterThanOrEqual(12);
	});

	it.each(cases)('$name', ({ name, input, output, excerpt: summary }) => {
		const rendered = renderMarkdown(input);
		const text = excerpt(input);
		if (update) writeGolden(name, { output: rendered, excerpt: text });
		else {
			expect(output, 'no output.html: run UPDATE_GOLDEN=1 and read it').not.toBeNull();
			expect(rendered).toBe(output);
			expect(`${text}\n`).toBe(summary);
		}
		expect(checkHtml(rendered)).toEqual([]);
		// Same bytes on a second run: nothing in the renderer keeps state between calls.
		expect(renderMarkdown(input)).toBe(rendered);
	});
});

describe('XSS corpus', () => {
	const payloads = xssPayloads();
	const fields = {
		'renderMarkdown (bodies)': renderMarkdown,
		'renderInline (titles, tags, names)': renderInline,
		'escaped excerpt (lists, feeds, meta)': (text: string) => escapeHtml(excerpt(text))
	};

	it('has at least 40 payloads, each named once', () => {
		expect(payloads.length).toBeGreaterThanOrEqual(40);
		expect(new Set(payloads.map((p) => p.name)).size).toBe(payloads.length);
	});

	describe.each(Object.entries(fields))('through %s', (_field, render) => {
		it.each(payloads)('$name is inert', ({ payload }) => {
			expect(checkHtml(render(payload))).toEqual([]);
		});
	});

	it.each(payloads)('renderInline shows $name as the very text it is', ({ payload }) => {
		const decoded = renderInline(payload).replace(
			/&(amp|lt|gt|quot|#39);/g,
			(_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!
		);
		expect(decoded).toBe(payload.replaceAll('\u0000', '\uFFFD'));
	});
});

describe('the HTML checker catches what it must (so a pass means something)', () => {
	it.each([
		['<script>alert(1)</script>'],
		['<p><SCRIPT>alert(1)</SCRIPT></p>'],
		['<img src="https://x/y.png" alt="" loading="lazy" referrerpolicy="no-referrer" onerror="x">'],
		['<p onclick="x">a</p>'],
		['<a href="javascript:alert(1)">a</a>'],
		['<a href="JAVA&#39;SCRIPT:x">a</a>'],
		['<a href=" java\tscript:x">a</a>'],
		['<a href="data:text/html,x">a</a>'],
		['<a href="//evil.example">a</a>'],
		['<a href="https://x">a</a>'],
		['<a href="https://x" rel="nofollow" target="_blank">a</a>'],
		['<img src="/relative.png" alt="" loading="lazy" referrerpolicy="no-referrer">'],
		['<img src="https://x/y.png" alt="">'],
		['<div>a</div>'],
		['<iframe src="https://x"></iframe>'],
		['<p style="color:red">a</p>'],
		['<td style="background:url(javascript:x)">a</td>'],
		['<code class="x onload">a</code>'],
		['<p>a & b</p>'],
		['<p>a < b</p>'],
		["<a href='https://x'>a</a>"],
		['<p>unclosed'],
		['<em><strong>crossed</em></strong>'],
		['<constructor>a</constructor>']
	])('rejects %s', (html) => {
		expect(checkHtml(html)).not.toEqual([]);
	});

	it('accepts a title that only talks about handlers', () => {
		expect(checkHtml(`<a href="https://x" title="a&quot; onclick=&quot;b" ${REL}>a</a>`)).toEqual(
			[]
		);
	});
});

describe('renderMarkdown: links', () => {
	it.each([
		['[a](https://example.org)', `<a href="https://example.org" ${REL}>a</a>`],
		['[a](HTTP://example.org)', `<a href="HTTP://example.org" ${REL}>a</a>`],
		['[a](mailto:x@example.org)', `<a href="mailto:x@example.org" ${REL}>a</a>`],
		['[a](https://example.org "t")', `<a href="https://example.org" title="t" ${REL}>a</a>`],
		['https://example.org/x', `<a href="https://example.org/x" ${REL}>https://example.org/x</a>`],
		['<https://example.org>', `<a href="https://example.org" ${REL}>https://example.org</a>`],
		['x@example.org', `<a href="mailto:x@example.org" ${REL}>x@example.org</a>`],
		['[a](/country/1)', '<a href="/country/1">a</a>'],
		['[a](#top)', '<a href="#top">a</a>'],
		['[a](?q=1)', '<a href="?q=1">a</a>'],
		['[a](page)', '<a href="page">a</a>'],
		['[a]()', '<a href="">a</a>']
	])('%s is a link', (source, html) => {
		expect(renderMarkdown(source)).toBe(para(html));
	});

	it.each([
		['[a](javascript:alert(1))', '[a](javascript:alert(1))'],
		['[a](JAVASCRIPT:alert(1))', '[a](JAVASCRIPT:alert(1))'],
		['[a](&#x6A;avascript:alert(1))', '[a](javascript:alert(1))'],
		['[a](<java\tscript:alert(1)>)', '[a](&lt;java\tscript:alert(1)&gt;)'],
		['[a](vbscript:x)', '[a](vbscript:x)'],
		['[a](data:text/html,x)', '[a](data:text/html,x)'],
		['[a](file:///etc/passwd)', '[a](file:///etc/passwd)'],
		['[a](ftp://example.org)', '[a](ftp://example.org)'],
		['[a](web+app:x)', '[a](web+app:x)'],
		['[a](//evil.example)', '[a](//evil.example)'],
		['<javascript:alert(1)>', '&lt;javascript:alert(1)&gt;'],
		['ftp://example.org and //evil.example', 'ftp://example.org and //evil.example'],
		['[a][r]\n\n[r]: javascript:alert(1)', '[a][r]</p>\n<p>[r]: javascript:alert(1)']
	])('%s is text, not a link', (source, html) => {
		expect(renderMarkdown(source)).toBe(para(html));
	});

	it('never sets a target', () => {
		const html = goldenCases()
			.map((c) => renderMarkdown(c.input))
			.join('');
		expect(html).toContain('<a ');
		expect(html).not.toContain('target=');
	});
});

describe('renderMarkdown: images, code, headings', () => {
	it('loads pictures over http(s) only, lazily and without a referrer', () => {
		expect(renderMarkdown('![a *b*](https://example.org/x.png "t")')).toBe(
			para(
				'<img src="https://example.org/x.png" alt="a b" title="t" loading="lazy" referrerpolicy="no-referrer">'
			)
		);
		expect(renderMarkdown('![map](http://example.org/m.png)')).toContain('<img src="http://');
	});

	it.each([
		['![a relative picture](/logo.png)', 'a relative picture'],
		['![a *styled* one](logo.png)', 'a styled one'],
		['![data](data:image/png;base64,iVBORw0KGgo=)', '![data](data:image/png;base64,iVBORw0KGgo=)'],
		['![js](javascript:alert(1))', '![js](javascript:alert(1))']
	])('%s shows text instead of a picture', (source, text) => {
		expect(renderMarkdown(source)).toBe(para(text));
	});

	it.each([
		['```js\nx\n```', '<pre><code class="language-js">x\n</code></pre>\n'],
		['```c++ more words\nx\n```', '<pre><code class="language-c++">x\n</code></pre>\n'],
		['```"><b>\nx\n```', '<pre><code>x\n</code></pre>\n'],
		['```\n<b>&amp;</b>\n```', '<pre><code>&lt;b&gt;&amp;amp;&lt;/b&gt;\n</code></pre>\n']
	])('fence %j', (source, html) => {
		expect(renderMarkdown(source)).toBe(html);
	});

	it('gives headings no ids from user text', () => {
		expect(renderMarkdown('# Hello {#id}\n## <a id="x">')).toBe(
			'<h2>Hello {#id}</h2>\n<h3>&lt;a id=&quot;x&quot;&gt;</h3>\n'
		);
	});

	// The page's title is its one h1: what a citizen writes sits below it.
	it.each([
		['# One', '<h2>One</h2>\n'],
		['Setext one\n===', '<h2>Setext one</h2>\n'],
		['## Two', '<h3>Two</h3>\n'],
		['Setext two\n---', '<h3>Setext two</h3>\n'],
		['### Three', '<h4>Three</h4>\n'],
		['#### Four', '<h5>Four</h5>\n'],
		['##### Five', '<h6>Five</h6>\n'],
		['###### Six', '<h6>Six</h6>\n'],
		['> # Quoted', '<blockquote>\n<h2>Quoted</h2>\n</blockquote>\n'],
		['- # Listed', '<ul>\n<li>\n<h2>Listed</h2>\n</li>\n</ul>\n']
	])('demotes %j one level below the page title', (source, html) => {
		expect(renderMarkdown(source)).toBe(html);
	});

	it('shows raw HTML as text', () => {
		expect(renderMarkdown('<div onclick="x">\n*hi*\n</div>')).toBe(
			para('&lt;div onclick=&quot;x&quot;&gt;\n<em>hi</em>\n&lt;/div&gt;')
		);
	});
});

describe('renderMarkdown: size and nesting limits', () => {
	const refused = renderMarkdown('x'.repeat(MARKDOWN_MAX_BYTES + 1));

	it('refuses over 256 KiB with an escaped notice', () => {
		expect(MARKDOWN_MAX_BYTES).toBe(256 * 1024);
		expect(refused).toBe(para('<em>This text is too long to show: the limit is 256 KiB.</em>'));
		expect(checkHtml(refused)).toEqual([]);
		expect(excerpt('x'.repeat(MARKDOWN_MAX_BYTES + 1))).toBe('');
	});

	it.each([
		['ASCII', 'a', 1],
		['two-byte é', 'é', 2],
		['three-byte 日', '日', 3],
		['four-byte 😀 (two UTF-16 units)', '😀', 4],
		['a lone surrogate (three bytes as U+FFFD)', '\ud800', 3]
	])('counts UTF-8 bytes: %s', (_name, unit, bytes) => {
		const fits = unit.repeat(Math.floor(MARKDOWN_MAX_BYTES / bytes));
		const pad = 'x'.repeat(MARKDOWN_MAX_BYTES - Math.floor(MARKDOWN_MAX_BYTES / bytes) * bytes);
		expect(renderMarkdown(fits + pad)).not.toBe(refused);
		expect(renderMarkdown(`${fits + pad}x`)).toBe(refused);
	});

	it('renders at most 50 levels of nesting, however deep the input', () => {
		const html = renderMarkdown(`${'> '.repeat(5000)}deep\n\nafter`);
		expect(html.match(/<blockquote>/g)?.length).toBe(50);
		expect(html).toContain('<p>after</p>');
		expect(checkHtml(html)).toEqual([]);
	});

	const fill = (unit: string) => unit.repeat(Math.floor((MARKDOWN_MAX_BYTES - 16) / unit.length));
	it.each([
		['brackets', fill('[')],
		['images', fill('![')],
		['links', fill('[a](')],
		['emphasis', fill('**_')],
		['alternating stars', fill('*a')],
		['backticks', fill('`')],
		['angle brackets', fill('<')],
		['quotes', fill('> ')],
		['list markers', fill('- ')],
		['entities', fill('&#x')],
		['bare URLs', fill('http://a.')],
		['references', fill('[a]: b\n')],
		['headings', fill('#\n')],
		['backslashes', fill('\\')],
		['a wide table', `${'|a'.repeat(2000)}|\n${'|-'.repeat(2000)}|\n${fill('x\n').slice(8100)}`]
	])('stays fast and bounded on 256 KiB of %s', (_name, source) => {
		const started = cpuMilliseconds();
		const html = renderMarkdown(source);
		excerpt(source);
		// Linear work takes well under a second of CPU; a quadratic path would take minutes.
		// CPU time, not wall time: a busy machine slows the clock, not the work.
		expect(cpuMilliseconds() - started).toBeLessThan(10_000);
		expect(html.length).toBeLessThan(source.length * 8);
		expect(checkHtml(html)).toEqual([]);
	});
});

describe('renderInline and escapeHtml', () => {
	it.each([
		['plain', 'plain'],
		['<b>"q" & \'s\'</b>', '&lt;b&gt;&quot;q&quot; &amp; &#39;s&#39;&lt;/b&gt;'],
		['*not markdown* [x](y)', '*not markdown* [x](y)'],
		['&amp;', '&amp;amp;'],
		['NUL\u0000byte', 'NUL\uFFFDbyte'],
		['日本語 😀', '日本語 😀']
	])('renderInline(%j)', (text, html) => {
		expect(renderInline(text)).toBe(html);
	});

	it('escapeHtml escapes the five characters and nothing else', () => {
		expect(escapeHtml(`&<>"' \u0000é`)).toBe('&amp;&lt;&gt;&quot;&#39; \u0000é');
	});
});

describe('excerpt', () => {
	it.each([
		[
			'# Title\n\nSome *em* and [a link](https://x.org) and `code`.',
			'Title Some em and a link and code.'
		],
		['Before\n\n```\nskipped code\n```\n\n    indented too\n\nafter', 'Before after'],
		['A ![picture](https://x.org/p.png) here', 'A here'],
		['- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| c | d |', 'one two quoted a b c d'],
		['&amp; &lt;b&gt; &copy;', '& <b> ©'],
		['<b>raw</b> html is text', '<b>raw</b> html is text'],
		['line\nbreaks\\\nand   spaces\u00a0collapse', 'line breaks and spaces collapse'],
		['', '']
	])('excerpt(%j)', (source, text) => {
		expect(excerpt(source)).toBe(text);
	});

	it('cuts at a word boundary with an ellipsis', () => {
		expect(excerpt('alpha beta gamma delta', 14)).toBe('alpha beta…');
		expect(excerpt('alpha beta gamma delta', 22)).toBe('alpha beta gamma delta');
		expect(excerpt('supercalifragilistic', 10)).toBe('supercali…');
		expect(excerpt('word '.repeat(100)).length).toBeLessThanOrEqual(200);
	});

	it('never splits a character made of two UTF-16 units', () => {
		const cut = excerpt('😀'.repeat(300), 10);
		expect(cut).toBe(`${'😀'.repeat(9)}…`);
	});

	it.each([0, -1, Number.NaN])('is empty for max %s', (max) => {
		expect(excerpt('text', max)).toBe('');
	});
});

describe('properties (seeded)', () => {
	const SEEDS = [1, 20240615, 987654321];
	// Pieces that make parsers work hard: markup, schemes, entities, controls, HTML.
	const piece = fc.constantFrom(
		...['[', ']', '(', ')', '<', '>', '!', '*', '_', '`', '~', '#', '|', '-', '\\', '"', "'"],
		...[' ', '\n', '\t', '\u0000', '&', ';', ':', '/', '//', 'a', 'x y', '\n\n', '    '],
		...['javascript:', 'JaVaScRiPt:', 'data:', 'vbscript:', 'http://', 'https://x.org/'],
		...['mailto:', '&#106;', '&#x3A;', '&colon;', '<script>', 'onerror=', '<img src=x ', '{@html']
	);
	const markdownish = fc.oneof(
		fc.array(piece, { maxLength: 60 }).map((parts) => parts.join('')),
		fc.string({ unit: 'binary', maxLength: 200 })
	);

	for (const seed of SEEDS) {
		it(`every rendering passes the allow-list and is deterministic (seed ${seed})`, () => {
			fc.assert(
				fc.property(markdownish, (source) => {
					const html = renderMarkdown(source);
					expect(checkHtml(html)).toEqual([]);
					expect(renderMarkdown(source)).toBe(html);
					expect(checkHtml(renderInline(source))).toEqual([]);
				}),
				{ seed, numRuns: 1500 }
			);
		});

		it(`an excerpt fits its bound and has no markup tokens left (seed ${seed})`, () => {
			fc.assert(
				fc.property(markdownish, fc.integer({ min: 1, max: 300 }), (source, max) => {
					const text = excerpt(source, max);
					expect(Array.from(text).length).toBeLessThanOrEqual(max);
					expect(text).toBe(text.trim());
					expect(text).not.toMatch(/\s\s/);
				}),
				{ seed, numRuns: 1000 }
			);
		});
	}
});
