/**
 * The public shapes of the static tourist site (issue 7, part 4). The renderer is a pure
 * function from a verified country to files; see docs/site.md.
 */
import type { CountryView } from '../model/country';

/**
 * Everything the site is made from. Only `country` is required: a `CountryView` from
 * `deriveCountry` over records whose signatures were verified. Governance inputs are
 * optional so that the site renders today and shows them once governance provides them.
 */
export type SiteInput = {
	country: CountryView;
	/**
	 * Where the site is served, absolute http(s) URL, e.g. `https://fwr.example/` or
	 * `https://example.org/fwr/`. Needed for `sitemap.xml` and `robots.txt` (left out without
	 * it) and for absolute links in the Atom feed (relative without it).
	 */
	baseUrl?: string;
	/**
	 * Post ids shown first on the front page, in this order (featured by the government).
	 * A post is named by any of its revision ids; ids of posts that are not shown (retracted,
	 * hidden, unknown) are skipped. Default: the posts the leaders feature now
	 * (`country.government.featured`, most recently featured first).
	 */
	featured?: readonly string[];
	/**
	 * Fingerprints whose records a global filter hides: they appear nowhere on the site. The
	 * authors the country's leaders banned (`country.government.banned`) are always added.
	 */
	hiddenAuthors?: ReadonlySet<string>;
	/**
	 * Record ids a global filter hides: a post any of whose revisions is named is left out
	 * whole; a named page revision is left out as if it had never been written.
	 */
	hiddenRecords?: ReadonlySet<string>;
	/**
	 * The government page. Default: derived from `country.government` (constitution, the
	 * term and leaders as of the newest record, certified elections, the public filter log).
	 */
	government?: SiteGovernment;
	/**
	 * The Atom feed's `<updated>`, in ms since the epoch. Default: the newest `at` of the
	 * posts in the feed, so that the same records always give the same bytes.
	 */
	updatedAt?: number;
	/** How many posts "Latest" shows on the front page and in the feed (default 20). */
	latestCount?: number;
	/** Posts per page of a blog or a tag (default 20, `LIST_PAGE_SIZE`); later ones page on. */
	pageSize?: number;
	/** Posts per sitemap part (default `SITEMAP_CHUNK`, 1,000; at most 50,000 by the protocol). */
	sitemapChunk?: number;
};

export type SiteLeader = {
	fingerprint: string;
	/** e.g. "President", "Seat 3"; plain text. */
	role?: string;
	/** Term, ms since the epoch. */
	since?: number;
	until?: number;
};

export type SiteElection = {
	/** The election record's id. */
	id: string;
	title: string;
	/** The term its winners serve. */
	term?: number;
	/** Ballots counted by the certified result. */
	ballots?: number;
	/** When the certified result closed it, ms since the epoch. */
	closedAt: number;
	/** Candidates by fingerprint with their votes, in the order to show. */
	tally: readonly { fingerprint: string; votes: number }[];
	/** Fingerprints elected. */
	elected: readonly string[];
	/** The certified `result` record, published under records/ when the site has it. */
	resultRecord?: string;
};

/** One entry of the leaders' public filter log (R42, R43). */
export type SiteFilter = {
	/** The filter record's id (its text is published under records/). */
	id: string;
	leader: string;
	at: number;
	/** The author banned or let back. */
	target: string;
	action: 'ban' | 'lift';
	/** The leader's reason, plain text. */
	reason: string;
};

export type SiteGovernment = {
	/** The constitution, from the genesis record. */
	constitution?: { admission: 'open' | 'invite'; seats: number; termDays: number };
	/**
	 * The term in progress, as of the newest record when derived (the site never reads the
	 * clock, and a new post must not change this page).
	 */
	term?: { number: number; startsAt: number; endsAt: number };
	leaders: readonly SiteLeader[];
	/** Past elections, in the order to show (newest first, usually). */
	elections: readonly SiteElection[];
	/** The public filter log, newest first. */
	filters?: readonly SiteFilter[];
};

/** One output file: a path relative to the site root, with `/` separators. */
export type SiteFile = { path: string; content: string | Uint8Array };

/**
 * A file of the site before it is rendered. `key` changes whenever anything the file shows
 * changes (a fast 128-bit hash over the ids, revisions and names it depends on): a writer
 * that remembers the keys it wrote renders only the files whose key changed.
 */
export type PlannedFile = {
	path: string;
	key: string;
	/** Pure: the same call gives the same bytes. Text is UTF-8. */
	render: () => string | Uint8Array;
};

export type SitePlan = {
	/** Every file of the site, each path once, in an order that depends on the input alone. */
	readonly files: PlannedFile[];
	/** Counts, for logs and /health. */
	stats: SiteStats;
	/** This plan's identity, for a later plan's `changes.since`. */
	stamp?: object;
	/**
	 * What differs from the plan whose `stamp` is `since` (a planner's previous plan): files
	 * that are new or whose key changed, and paths no longer in the site. A writer that wrote
	 * that plan needs to look at nothing else.
	 */
	changes?: {
		since: object;
		files: readonly PlannedFile[];
		removed: readonly string[];
	};
};

export type SiteStats = {
	posts: number;
	pages: number;
	tags: number;
	citizens: number;
	/** Records published under records/. */
	records: number;
	/** HTML files. */
	htmlFiles: number;
	/** Files of every kind: `files.length`. */
	files: number;
};

export type SiteError = { ok: false; code: 'base_url_invalid' | 'country_empty'; message: string };
export type SitePlanResult = { ok: true; value: SitePlan } | SiteError;
