/**
 * Full-text search over a country's content, in the browser: MiniSearch over the documents
 * of documents.ts, kept up to date incrementally. Each `update` is handed the current valid
 * records of each source; only the parts whose records changed are derived again, and only
 * documents whose revision changed are replaced, added or removed: an edit replaces its post,
 * a retraction removes it, a page's new head replaces the page. The index is never rebuilt.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import type { ContentSource, Verified } from '$lib/model';
import {
	pageEntries,
	postEntries,
	threadEntries,
	type NameOf,
	type SearchDocument,
	type SearchEntry
} from './documents';
import { foldTerm, highlight, highlightedExcerpt, tokenize } from './text';

/** Where the content comes from: each source as its valid records (or a view of them). */
export type SearchSources = {
	/** The public document: posts and shared pages. */
	public: ContentSource | null;
	/** The citizens' document (threads, messages); null when this person is not a citizen. */
	citizens: ContentSource | null;
	/** Author fingerprint → citizen, for display names. */
	names: ReadonlyMap<string, { name: string }>;
};

export type SearchHit = Pick<SearchEntry, 'id' | 'kind' | 'target' | 'title' | 'author' | 'at'> & {
	score: number;
	/** HTML: the escaped title with matched words in <mark>. */
	titleHtml: string;
	/** HTML: an escaped passage of the body around the first match, matches in <mark>. */
	excerptHtml: string;
	/** HTML: the escaped author name, marked where it matched. */
	authorHtml: string;
};

export type SearchAnswer = { hits: SearchHit[]; total: number };

export const DEFAULT_LIMIT = 20;
/** Longest query looked at, in characters: typing a novel into the box stays cheap. */
export const MAX_QUERY_LENGTH = 200;
/** At most this many words of a query count (AND of them all). */
export const MAX_QUERY_TERMS = 8;

const FIELDS = ['title', 'text', 'tags', 'author'] as const;
type Field = (typeof FIELDS)[number];

/** Which records feed which documents. */
type Part = {
	kinds: ReadonlySet<string>;
	source: (sources: SearchSources) => ContentSource | null;
	entries: (source: ContentSource, nameOf: NameOf) => SearchEntry[];
};

const PARTS: readonly Part[] = [
	{ kinds: new Set(['post', 'retraction']), source: (s) => s.public, entries: postEntries },
	{ kinds: new Set(['page']), source: (s) => s.public, entries: pageEntries },
	{ kinds: new Set(['thread', 'message']), source: (s) => s.citizens, entries: threadEntries }
];

type PartState = { valid: ReadonlyMap<string, Verified> | null; ids: Set<string> };

const validOf = (source: ContentSource): ReadonlyMap<string, Verified> =>
	'valid' in source ? source.valid : source;

/** Whether a record of one of `kinds` is in one map and not the other. */
function kindsChanged(
	before: ReadonlyMap<string, Verified>,
	after: ReadonlyMap<string, Verified>,
	kinds: ReadonlySet<string>
): boolean {
	for (const [id, entry] of after) {
		if (!before.has(id) && kinds.has(entry.record.kind)) return true;
	}
	for (const [id, entry] of before) {
		if (!after.has(id) && kinds.has(entry.record.kind)) return true;
	}
	return false;
}

function sameNames(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
	if (a.size !== b.size) return false;
	for (const [key, name] of a) if (b.get(key) !== name) return false;
	return true;
}

/** Highest score first; equal scores (to rounding) newest first, then by id: one order on every peer. */
const rounded = (score: number) => Math.round(score * 1e6);
const byRank = (a: SearchHitBase, b: SearchHitBase): number =>
	rounded(b.score) - rounded(a.score) ||
	b.entry.at - a.entry.at ||
	(a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0);

type SearchHitBase = {
	entry: SearchEntry;
	document: SearchDocument;
	score: number;
	result: SearchResult;
};

export class ContentIndex {
	private readonly mini = new MiniSearch<SearchDocument>({
		fields: [...FIELDS],
		idField: 'id',
		storeFields: [],
		tokenize,
		processTerm: foldTerm,
		searchOptions: {
			boost: { title: 3, tags: 2, author: 1.5, text: 1 },
			// As-you-type: the word being typed may be unfinished. Not under three letters,
			// where a prefix matches a good part of the vocabulary and the answer says little.
			prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
			// One typo in words of five letters or more; none in short words, where one letter
			// off is another word ("mill", "hill"). Two would cost several times more per query.
			fuzzy: (term) => (term.length >= 5 ? 1 : false),
			combineWith: 'AND'
		}
	});
	/** What should be indexed: the entries of the latest sources. */
	private readonly entries = new Map<string, SearchEntry>();
	/**
	 * What is indexed, with the document it was indexed as: removing a document needs its
	 * exact fields, and a result's excerpt its text, without turning Markdown into text again.
	 */
	private readonly indexed = new Map<string, { entry: SearchEntry; document: SearchDocument }>();
	/** Ids whose indexed document may differ from their entry: the work `work` does. */
	private readonly dirty = new Set<string>();
	private readonly parts: PartState[] = PARTS.map(() => ({ valid: null, ids: new Set() }));
	private names: ReadonlyMap<string, string> = new Map();
	/** Documents indexed, re-indexed and dropped so far: what each update cost. */
	readonly counts = { added: 0, replaced: 0, removed: 0 };

	/** How many documents are indexed. */
	get size(): number {
		return this.mini.documentCount;
	}

	/**
	 * Bring the index to what `sources` hold, at once. Returns whether any document was added,
	 * replaced or removed. Cheap when nothing searchable changed: a pass over the record ids.
	 */
	update(sources: SearchSources): boolean {
		this.plan(sources);
		return this.work(Infinity);
	}

	/**
	 * Work out what `sources` change, without indexing yet: `work` does that, in slices, so a
	 * large first build need not hold the page. Returns whether there is work to do.
	 */
	plan(sources: SearchSources): boolean {
		const names = new Map([...sources.names].map(([key, { name }]) => [key, name]));
		const renamed = !sameNames(names, this.names);
		if (renamed) this.names = names;
		const nameOf: NameOf = (fingerprint) => this.names.get(fingerprint) ?? '';
		PARTS.forEach((part, i) => {
			const state = this.parts[i]!;
			const source = part.source(sources);
			const valid = source ? validOf(source) : null;
			if (!renamed && valid === state.valid) return;
			const affected =
				renamed ||
				valid === null ||
				state.valid === null ||
				kindsChanged(state.valid, valid, part.kinds);
			state.valid = valid;
			if (affected) this.replacePart(state, source ? part.entries(source, nameOf) : []);
		});
		return this.dirty.size > 0;
	}

	/** Documents waiting to be indexed, re-indexed or removed. */
	get pending(): number {
		return this.dirty.size;
	}

	/**
	 * Index what `plan` found, for about `budgetMs` milliseconds (at least one document).
	 * Returns whether any document changed; `pending` says what is left.
	 */
	work(budgetMs: number): boolean {
		const deadline = performance.now() + budgetMs;
		let changed = false;
		for (const id of this.dirty) {
			this.dirty.delete(id);
			const was = this.indexed.get(id);
			const entry = this.entries.get(id);
			if (was?.entry === entry) continue;
			if (was) {
				// `remove` with the exact indexed fields, not MiniSearch's `discard`: a discarded
				// document stays counted in its terms' frequencies until a vacuum, and scores
				// would then depend on the order records came in.
				this.mini.remove(was.document);
				this.indexed.delete(id);
			}
			if (entry) {
				const document = entry.document();
				this.mini.add(document);
				this.indexed.set(id, { entry, document });
			}
			this.counts[!was ? 'added' : entry ? 'replaced' : 'removed'] += 1;
			changed = true;
			if (performance.now() >= deadline) break;
		}
		return changed;
	}

	/** Ranked results for what a person typed: every word must match, the last as a prefix too. */
	search(query: string, limit: number = DEFAULT_LIMIT): SearchAnswer {
		const words = tokenize(query.slice(0, MAX_QUERY_LENGTH)).slice(0, MAX_QUERY_TERMS);
		if (words.length === 0) return { hits: [], total: 0 };
		const results = this.mini.search(words.join(' '));
		// MiniSearch returns results by score, highest first, so only the first `limit` and
		// those tied with the last of them (to rounding) need our order: not every match.
		const count = Math.max(0, Math.floor(limit));
		const ranked: SearchHitBase[] = [];
		for (const result of results) {
			const last = ranked[ranked.length - 1];
			if (ranked.length >= count && (!last || rounded(result.score) !== rounded(last.score))) {
				break;
			}
			const indexed = this.indexed.get(result.id as string);
			if (indexed) ranked.push({ ...indexed, score: result.score, result });
		}
		ranked.sort(byRank);
		return { hits: ranked.slice(0, count).map(toHit), total: results.length };
	}

	/** Mark what changed in one part: new or re-revised entries, and entries that are gone. */
	private replacePart(state: PartState, next: SearchEntry[]): void {
		const nextIds = new Set<string>();
		for (const entry of next) {
			nextIds.add(entry.id);
			const old = this.entries.get(entry.id);
			if (old !== undefined && old.revision === entry.revision) continue;
			this.entries.set(entry.id, entry);
			this.dirty.add(entry.id);
		}
		for (const id of state.ids) {
			if (nextIds.has(id)) continue;
			this.entries.delete(id);
			this.dirty.add(id);
		}
		state.ids = nextIds;
	}
}

/** The document terms a result matched in one field. */
function termsIn(result: SearchResult, field: Field): Set<string> {
	const terms = new Set<string>();
	for (const [term, fields] of Object.entries(result.match)) {
		if (fields.includes(field)) terms.add(term);
	}
	return terms;
}

function toHit({ entry, document, score, result }: SearchHitBase): SearchHit {
	return {
		id: entry.id,
		kind: entry.kind,
		target: entry.target,
		title: entry.title,
		author: entry.author,
		at: entry.at,
		score,
		titleHtml: highlight(entry.title, termsIn(result, 'title')),
		excerptHtml: highlightedExcerpt(document.text, termsIn(result, 'text')),
		authorHtml: highlight(entry.author, termsIn(result, 'author'))
	};
}
