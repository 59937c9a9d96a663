/**
 * Faster token construction for markdown-it, with the same tokens.
 *
 * markdown-it 15.0.3 is published with its class fields down-levelled: every field of every
 * `Token`, and of every inline parser state (one per paragraph, heading or list item), is set
 * through a generic `_defineProperty(obj, key, value)` helper. V8 cannot make those keyed
 * stores fast, and a post of a few paragraphs makes about a hundred tokens: in Node 20 this
 * construction was half of markdown-it's time (10,000 bench bodies: 2.3 s of CPU, 1.2 s with
 * the classes below).
 *
 * So the three places that make tokens (the block state's `push`, the inline state's `push`
 * and `pushPending`, and `state.Token` for core rules and ours) get classes that set the same
 * fields, in the same order, with plain assignments; tokens keep markdown-it's `Token`
 * prototype and methods. The rules themselves are markdown-it's, untouched.
 *
 * This leans on markdown-it's internals (the fields of its states and what `push` does), so
 * it checks itself when installed: the fields of a token and of an inline state must be the
 * very ones markdown-it's constructors set, and a probe document exercising every rule must
 * give the same HTML and the same token stream as before. If anything differs (another
 * version of markdown-it), the stock classes stay: slower, never different.
 */
import type { MarkdownIt, StateBlock, StateInline, Token } from 'markdown-it';

type Nesting = Token['nesting'];

/**
 * A document that goes through every block and inline rule (and every way `push` and
 * `pushPending` are called): nesting, delimiters, links of each kind, entities, escapes.
 */
const PROBE = `# Heading *em* and \`code\`

Setext heading
---

A paragraph with *emphasis*, **strong**, ~~struck~~, _under_ and __both__, \`code\`, a
[link](https://example.org "title"), ![image](https://example.org/a.png), <https://example.org/auto>,
www.example.com and https://example.com/path linkified, mail@example.com, \\*escaped\\*, &amp; &copy;
&#35; [reference][ref] and a hard  
break.

> A quote with a list:
> 1. one
> 2. **two**
>
> - nested [x](/relative)

| a | b |
|:--|--:|
| *c* | [d](https://example.org) |

\`\`\`js
let fenced = true;
\`\`\`

    indented code

***

[ref]: https://example.org/ref
`;

/** markdown-it's constructors that this file replaces, to restore when the check fails. */
type Stock = {
	core: MarkdownIt['core']['State'];
	block: MarkdownIt['block']['State'];
	inline: MarkdownIt['inline']['State'];
};

/**
 * Make `md` build its tokens with plain assignments. Call it once `md` is fully configured
 * (plugins and rules added): the self-check renders with that configuration. Returns whether
 * the faster classes are in use.
 */
export function useFastTokens(md: MarkdownIt): boolean {
	const stock: Stock = { core: md.core.State, block: md.block.State, inline: md.inline.State };
	const StockToken = new stock.core('', md, {}).Token;
	const FastToken = fastTokenClass(StockToken);
	const FastInline = fastInlineState(stock.inline, FastToken);
	if (!sameFields(new StockToken('t', 'p', 1), new FastToken('t', 'p', 1))) return false;
	if (!sameFields(new stock.inline('x', md, {}, []), new FastInline('x', md, {}, []), ['Token'])) {
		return false;
	}
	const before = md.parse(PROBE, {});
	const html = md.renderer.render(before, md.options, {});
	md.core.State = class extends stock.core {
		constructor(...args: ConstructorParameters<Stock['core']>) {
			super(...args);
			this.Token = FastToken;
		}
	};
	md.block.State = fastBlockState(stock.block, FastToken);
	md.inline.State = FastInline;
	const after = md.parse(PROBE, {});
	if (
		md.renderer.render(after, md.options, {}) !== html ||
		!sameTokens(before, after) ||
		!after.every((t) => t instanceof StockToken)
	) {
		md.core.State = stock.core;
		md.block.State = stock.block;
		md.inline.State = stock.inline;
		return false;
	}
	return true;
}

/** markdown-it's Token, its fields set by assignment; instances are `instanceof Token`. */
function fastTokenClass(StockToken: typeof Token): typeof Token {
	class FastToken {
		declare map: Token['map'];
		declare level: number;
		declare children: Token[] | null;
		declare content: string;
		declare markup: string;
		declare info: string;
		declare block: boolean;
		declare hidden: boolean;
		declare type: string;
		declare tag: string;
		declare attrs: Token['attrs'];
		declare nesting: Nesting;
		declare meta: unknown;
		constructor(type: string, tag: string, nesting: Nesting) {
			// The order of markdown-it's constructor, so tokens share one hidden class.
			this.map = null;
			this.level = 0;
			this.children = null;
			this.content = '';
			this.markup = '';
			this.info = '';
			this.block = false;
			this.hidden = false;
			this.type = type;
			this.tag = tag;
			this.attrs = null;
			this.nesting = nesting;
			this.meta = null;
		}
	}
	Object.setPrototypeOf(FastToken.prototype, StockToken.prototype);
	// reason: FastToken has Token's fields and, through its prototype, all its methods
	return FastToken as unknown as typeof Token;
}

/** The block state: markdown-it's (one per document), its `push` making fast tokens. */
function fastBlockState(Stock: typeof StateBlock, FastToken: typeof Token): typeof StateBlock {
	return class extends Stock {
		constructor(...args: ConstructorParameters<typeof StateBlock>) {
			super(...args);
			this.Token = FastToken;
		}
		override push(type: string, tag: string, nesting: Nesting): Token {
			const token = new FastToken(type, tag, nesting);
			token.block = true;
			if (nesting < 0) this.level--;
			token.level = this.level;
			if (nesting > 0) this.level++;
			this.tokens.push(token);
			return token;
		}
	};
}

/**
 * The inline state, made for every inline token of a document: its fields set by assignment
 * (markdown-it's constructor sets twelve through the slow helper), its methods markdown-it's
 * but for the two that make tokens.
 */
function fastInlineState(Stock: typeof StateInline, FastToken: typeof Token): typeof StateInline {
	class FastInline {
		declare src: string;
		declare env: StateInline['env'];
		declare md: MarkdownIt;
		declare tokens: Token[];
		declare tokens_meta: StateInline['tokens_meta'];
		declare pos: number;
		declare posMax: number;
		declare level: number;
		declare pending: string;
		declare pendingLevel: number;
		declare cache: StateInline['cache'];
		declare backticks: StateInline['backticks'];
		declare backticksScanned: boolean;
		declare skipHtmlSpecial: boolean;
		declare linkLevel: number;
		declare delimiters: StateInline['delimiters'];
		declare _prev_delimiters: StateInline['_prev_delimiters'];
		declare Token: typeof Token;
		constructor(src: string, md: MarkdownIt, env: StateInline['env'], outTokens: Token[]) {
			this.pos = 0;
			this.level = 0;
			this.pending = '';
			this.pendingLevel = 0;
			this.cache = {};
			this.backticks = {};
			this.backticksScanned = false;
			this.skipHtmlSpecial = false;
			this.linkLevel = 0;
			this.delimiters = [];
			this._prev_delimiters = [];
			this.Token = FastToken;
			this.src = src;
			this.env = env;
			this.md = md;
			this.tokens = outTokens;
			this.tokens_meta = Array(outTokens.length);
			this.posMax = src.length;
		}
		pushPending(): Token {
			const token = new FastToken('text', '', 0);
			token.content = this.pending;
			token.level = this.pendingLevel;
			this.tokens.push(token);
			this.pending = '';
			return token;
		}
		push(type: string, tag: string, nesting: Nesting): Token {
			if (this.pending) this.pushPending();
			const token = new FastToken(type, tag, nesting);
			let meta: StateInline['tokens_meta'][number];
			if (nesting < 0) {
				this.level--;
				// As markdown-it: a closing token always follows its opening one.
				this.delimiters = this._prev_delimiters.pop()!;
			}
			token.level = this.level;
			if (nesting > 0) {
				this.level++;
				this._prev_delimiters.push(this.delimiters);
				this.delimiters = [];
				meta = { delimiters: this.delimiters };
			}
			this.pendingLevel = this.level;
			this.tokens.push(token);
			this.tokens_meta.push(meta);
			return token;
		}
	}
	Object.setPrototypeOf(FastInline.prototype, Stock.prototype);
	// reason: FastInline has StateInline's fields and, through its prototype, all its methods
	return FastInline as unknown as typeof StateInline;
}

/**
 * The same own fields in the same order with equal values (empty arrays and objects alike);
 * `except` names fields whose values may differ (the token class itself).
 */
function sameFields(a: object, b: object, except: string[] = []): boolean {
	const keysA = Object.keys(a);
	const keysB = Object.keys(b);
	if (keysA.join() !== keysB.join()) return false;
	const valuesA = a as Record<string, unknown>;
	const valuesB = b as Record<string, unknown>;
	return keysA.every((key) => except.includes(key) || sameValue(valuesA[key], valuesB[key]));
}

function sameValue(a: unknown, b: unknown): boolean {
	if (Object.is(a, b)) return true;
	if (Array.isArray(a) && Array.isArray(b)) {
		return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
	}
	// Own fields only: a child token of either class compares by its fields.
	if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
		return sameFields(a, b);
	}
	return false;
}

/** Two token streams field for field, children included. */
function sameTokens(a: readonly Token[], b: readonly Token[]): boolean {
	return a.length === b.length && a.every((token, i) => sameValue({ ...token }, { ...b[i] }));
}
