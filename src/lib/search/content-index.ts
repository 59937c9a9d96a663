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

type SearchHitBase = { entry: SearchEntry; score: number; result: SearchResult };

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
	private readonly entries = new Map<string, SearchEntry>();
	/**
	 * What each entry was indexed as: removing a document needs its exact fields, and a
	 * result's excerpt its text, without turning Markdown into text again.
	 */
	private readonly documents = new Map<string, SearchDocument>();
	private readonly parts: PartState[] = PARTS.map(() => ({ valid: null, ids: new Set() }));
	private names: ReadonlyMap<string, string> = new Map();
	/** Documents indexed, re-indexed and dropped so far: what each update cost. */
	readonly counts = { added: 0, replaced: 0, removed: 0 };

	/** How many documents are indexed. */
	get size(): number {
		return this.mini.documentCount;
	}

	/**
	 * Bring the index to what `sources` hold. Returns whether any document was added, replaced
	 * or removed. Cheap when nothing searchable changed: a pass over the record ids.
	 */
	update(sources: SearchSources): boolean {
		const names = new Map([...sources.names].map(([key, { name }]) => [key, name]));
		const renamed = !sameNames(names, this.names);
		if (renamed) this.names = names;
		const nameOf: NameOf = (fingerprint) => this.names.get(fingerprint) ?? '';
		let changed = false;
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
			if (affected)
				changed = this.replacePart(state, source ? part.entries(source, nameOf) : []) || changed;
		});
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
			const entry = this.entries.get(result.id as string);
			if (entry) ranked.push({ entry, score: result.score, result });
		}
		ranked.sort(byRank);
		return {
			hits: ranked.slice(0, count).map((hit) => toHit(hit, this.documents.get(hit.entry.id)!.text)),
			total: results.length
		};
	}

	/**
	 * Old documents leave by `remove` with their exact indexed fields (kept in `documents`),
	 * not by MiniSearch's `discard`: a discarded document stays counted in its terms'
	 * document frequencies until a vacuum, so scores would depend on the order records came in.
	 */
	private replacePart(state: PartState, next: SearchEntry[]): boolean {
		let changed = false;
		const nextIds = new Set<string>();
		for (const entry of next) {
			nextIds.add(entry.id);
			const old = this.entries.get(entry.id);
			this.entries.set(entry.id, entry);
			if (old !== undefined && old.revision === entry.revision) continue;
			if (old === undefined) this.counts.added += 1;
			else {
				this.mini.remove(this.documents.get(entry.id)!);
				this.counts.replaced += 1;
			}
			const document = entry.document();
			this.documents.set(entry.id, document);
			this.mini.add(document);
			changed = true;
		}
		for (const id of state.ids) {
			if (nextIds.has(id)) continue;
			this.mini.remove(this.documents.get(id)!);
			this.documents.delete(id);
			this.entries.delete(id);
			this.counts.removed += 1;
			changed = true;
		}
		state.ids = nextIds;
		return changed;
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

function toHit({ entry, score, result }: SearchHitBase, text: string): SearchHit {
	return {
		id: entry.id,
		kind: entry.kind,
		target: entry.target,
		title: entry.title,
		author: entry.author,
		at: entry.at,
		score,
		titleHtml: highlight(entry.title, termsIn(result, 'title')),
		excerptHtml: highlightedExcerpt(text, termsIn(result, 'text')),
		authorHtml: highlight(entry.author, termsIn(result, 'author'))
	};
}
