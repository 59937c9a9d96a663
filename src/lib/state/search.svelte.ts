/**
 * Search of one country for the UI: a ContentIndex (src/lib/search) fed from the country's
 * verified records, and a rune that makes a search rerun when the index changes.
 */
import { untrack } from 'svelte';
import {
	ContentIndex,
	DEFAULT_LIMIT,
	type SearchAnswer,
	type SearchHit,
	type SearchSources
} from '../search';
import type { CountryState } from './country.svelte';

export type { SearchAnswer, SearchHit } from '../search';

/** How long one slice of indexing may hold the page: a large build runs in many. */
const SLICE_MS = 12;

export class CountrySearch {
	private readonly index = new ContentIndex();
	/** Bumped whenever the index changed, so searches read in a derivation run again. */
	private version = $state(0);
	/** Documents still to index: a large country is searchable while it is being indexed. */
	pending = $state(0);
	private timer: ReturnType<typeof setTimeout> | null = null;

	/** Bring the index to what the sources hold; only changed documents are re-indexed. */
	update(sources: SearchSources): void {
		if (!this.index.plan(sources)) return;
		// Untracked: an effect that calls update must not depend on the state it sets.
		untrack(() => (this.pending = this.index.pending));
		this.schedule();
	}

	/**
	 * Hits for a query; the `hidden` ones (hit ids, see hiddenSearchKeys: what banned or muted
	 * authors wrote) are left out, as everywhere else. Filtered here, not in the index, so a
	 * ban, a mute or their lifting takes effect at once without re-indexing anything.
	 */
	search(query: string, limit: number = DEFAULT_LIMIT, hidden?: ReadonlySet<string>): SearchAnswer {
		void this.version; // a dependency: the answer changes when the index does
		if (!hidden?.size) return this.index.search(query, limit);
		const answer = this.index.search(query, limit + hidden.size);
		const shown = answer.hits.filter((hit) => !hidden.has(hit.id));
		const dropped = answer.hits.length - shown.length;
		return { hits: shown.slice(0, limit), total: answer.total - dropped };
	}

	get size(): number {
		void this.version;
		return this.index.size;
	}

	/** Index in slices between tasks, so typing and scrolling stay smooth during a big build. */
	private schedule(): void {
		if (this.timer !== null) return;
		this.timer = setTimeout(() => {
			this.timer = null;
			if (this.index.work(SLICE_MS)) this.version += 1;
			this.pending = this.index.pending;
			if (this.pending > 0) this.schedule();
		}, 0);
	}
}

/**
 * One search per open country, kept while the country is: leaving the search page and coming
 * back applies only what changed meanwhile instead of indexing the country again. A WeakMap,
 * so a closed country's index goes with it.
 */
const searches = new WeakMap<CountryState, CountrySearch>();

export function searchOf(country: CountryState): CountrySearch {
	let search = searches.get(country);
	if (!search) {
		search = new CountrySearch();
		searches.set(country, search);
	}
	return search;
}

/**
 * What a country's search reads: its public view, and `citizens`, the citizens' area's
 * verified records (threads, messages), handed over only when this person is a citizen;
 * null (the default) leaves them out.
 */
export function searchSources(
	country: CountryState,
	citizens: SearchSources['citizens'] = null
): SearchSources {
	const view = country.view;
	return { public: view, citizens, names: view.citizenByKey };
}

/** Where a result leads, inside the country. */
export function searchHref(countryId: string, hit: Pick<SearchHit, 'kind' | 'target'>): string {
	const base = `/c/${countryId}`;
	switch (hit.kind) {
		case 'post':
			return `${base}/posts/${hit.target}`;
		case 'page':
			return `${base}/pages/${hit.target}`;
		case 'thread':
		case 'message':
			return `${base}/forum/${hit.target}`;
	}
}
