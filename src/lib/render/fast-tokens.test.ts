import fc from 'fast-check';
import MarkdownIt, { type MarkdownItOptions, type Token } from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { useFastTokens } from './fast-tokens';
import { markdownFastTokens } from './markdown';
import { goldenCases, xssPayloads } from './test-fixtures';

/** A token stream as plain data: every field, children included, whatever the class. */
const plain = (tokens: readonly Token[]): unknown =>
	tokens.map((token) => ({
		...token,
		children: token.children ? plain(token.children) : null
	}));

const CONFIGS: [string, MarkdownItOptions][] = [
	['ours (html off, linkify)', { html: false, linkify: true, maxNesting: 50 }],
	['html on, typographer', { html: true, linkify: true, typographer: true }],
	['defaults', {}]
];

/** A stock markdown-it and one with fast tokens, configured alike. */
function pair(options: MarkdownItOptions) {
	const stock = new MarkdownIt('default', options);
	const fast = new MarkdownIt('default', options);
	return { stock, fast, installed: useFastTokens(fast) };
}

const sources = [
	...goldenCases().map((c) => c.input),
	...xssPayloads().map((p) => p.payload),
	'',
	'plain',
	'*a **b** c*\n\n1. x\n   - y\n     > z\n\n| a | b |\n|---|---|\n| [c](d) | e |'
];

describe('fast tokens give the same tokens and HTML as markdown-it', () => {
	it('are in use by renderMarkdown on the markdown-it this repository pins', () => {
		expect(markdownFastTokens()).toBe(true);
	});

	for (const [name, options] of CONFIGS) {
		it(`${name}: every fixture and XSS payload`, () => {
			const { stock, fast, installed } = pair(options);
			expect(installed).toBe(true);
			for (const source of sources) {
				expect(fast.render(source)).toBe(stock.render(source));
				expect(plain(fast.parse(source, {}))).toEqual(plain(stock.parse(source, {})));
				expect(fast.renderInline(source)).toBe(stock.renderInline(source));
			}
		});
	}

	// Pieces that reach every rule: block and inline markup, links of each kind, entities.
	const piece = fc.constantFrom(
		...['# ', '## ', '\n===\n', '\n---\n', '> ', '- ', '1. ', '2) ', '    ', '```\n', '~~~js\n'],
		...['*', '**', '_', '__', '~~', '`', '``', '\\', '[', ']', '(', ')', '![', '<', '>', '|'],
		...[' | --- |\n', '[r]: https://r.example "t"\n', '[r]', '<https://a.example>', 'x@y.org'],
		...['www.example.com', 'https://e.example/p?q=1#f', 'javascript:', '&amp;', '&#35;', '&copy'],
		...[' ', '  \n', '\n', '\n\n', 'a', 'word ', 'ü', '\u0000', '<b>', '</b>', '<!-- c -->']
	);
	const markdownish = fc.oneof(
		fc.array(piece, { maxLength: 80 }).map((parts) => parts.join('')),
		fc.string({ unit: 'binary', maxLength: 200 })
	);
	for (const seed of [7, 20261203]) {
		for (const [name, options] of CONFIGS) {
			it(`${name}: generated Markdown (seed ${seed})`, () => {
				const { stock, fast } = pair(options);
				fc.assert(
					fc.property(markdownish, (source) => {
						expect(fast.render(source)).toBe(stock.render(source));
						expect(plain(fast.parse(source, {}))).toEqual(plain(stock.parse(source, {})));
					}),
					{ seed, numRuns: 700 }
				);
			});
		}
	}
});

describe('fast tokens stay out when markdown-it is not the one they were written for', () => {
	it('an inline state with a field they do not set: the stock classes stay', () => {
		const md = new MarkdownIt();
		const Stock = md.inline.State;
		const Other = class extends Stock {
			extra = 1;
		};
		md.inline.State = Other;
		const core = md.core.State;
		const block = md.block.State;
		expect(useFastTokens(md)).toBe(false);
		expect([md.core.State, md.block.State, md.inline.State]).toEqual([core, block, Other]);
	});

	it('a token class with a field they do not set: the stock classes stay', () => {
		const md = new MarkdownIt();
		const core = md.core.State;
		md.core.State = class extends core {
			constructor(...args: ConstructorParameters<typeof core>) {
				super(...args);
				this.Token = class extends this.Token {
					extra = 1;
				};
			}
		};
		const patched = md.core.State;
		expect(useFastTokens(md)).toBe(false);
		expect(md.core.State).toBe(patched);
	});

	it('a push that does more than theirs: the probe differs and the stock classes come back', () => {
		const md = new MarkdownIt();
		const Block = md.block.State;
		// A rule that reads state its own way: blocks get a mark that fast `push` does not set.
		md.block.State = class extends Block {
			override push(...args: Parameters<InstanceType<typeof Block>['push']>) {
				const token = super.push(...args);
				token.meta = { marked: true };
				return token;
			}
		};
		const before = md.block.State;
		expect(useFastTokens(md)).toBe(false);
		expect(md.block.State).toBe(before);
		expect(md.parse('para', {})[0]?.meta).toEqual({ marked: true });
	});
});
