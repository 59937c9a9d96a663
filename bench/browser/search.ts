/**
 * Search workload (issue 4): a country of N posts by 20 citizens, with Markdown bodies of
 * about 120–300 words drawn from a skewed vocabulary (a few words everywhere, most rare), as
 * the verified content the app hands the index. Measures our ContentIndex against a plain
 * baseline over the same texts: building (ours: the MiniSearch index; plain: the texts a
 * substring scan needs), searching a mixed set of queries (ours: ranked, highlighted top 20;
 * plain: a lowercase substring scan of every text for every word), and one post arriving
 * (ours: the incremental update; the driver sets it beside building the index again).
 */
import { makePost, postsOf, type RecordOf, type Verified } from '../../src/lib/model';
import { ContentIndex, markdownText, type SearchSources } from '../../src/lib/search';

export type SearchBenchOptions = { posts: number; buildRuns: number; queryRounds: number };

export type SearchBenchResult = {
	posts: number;
	documents: number;
	textBytes: number;
	queries: number;
	build: { oursMs: number[]; plainMs: number[] };
	/** Every timed query, each round: ours and plain. */
	search: { oursMs: number[]; plainMs: number[]; oursHits: number; plainHits: number };
	/** One post arriving into the built index, five times. */
	updateMs: number[];
};

const CITIZENS = 20;
const COUNTRY = 'b'.repeat(64);

/** Deterministic pseudo-random numbers (mulberry32): the same country on every run. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const SYLLABLES =
	'ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu'.split(
		' '
	);

function vocabulary(next: () => number, size: number): string[] {
	const words = new Set<string>();
	while (words.size < size) {
		const length = 1 + Math.floor(next() * 4);
		let word = '';
		for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
		if (word.length >= 2) words.add(word);
	}
	return [...words];
}

type Country = { source: Map<string, Verified>; names: SearchSources['names']; words: string[] };

function makeCountry(posts: number): Country {
	const next = random(20261123);
	const words = vocabulary(next, 6000);
	// Skewed: the first words are everywhere, most are rare.
	const word = () => words[Math.floor(words.length * next() ** 3)]!;
	const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
	const authors = Array.from({ length: CITIZENS }, (_, i) => ({
		fingerprint: (i + 1).toString(16).padStart(40, '0'),
		name: `Citizen ${words[100 + i]}`
	}));
	const tags = words.slice(0, 60);
	const source = new Map<string, Verified>();
	for (let i = 0; i < posts; i++) {
		const paragraphs = 2 + Math.floor(next() * 4);
		const parts: string[] = [];
		for (let p = 0; p < paragraphs; p++) {
			const roll = next();
			const text = sentence(30 + Math.floor(next() * 50));
			if (roll < 0.15) parts.push(`## ${sentence(3)}\n\n${text}`);
			else if (roll < 0.3) parts.push(`- ${sentence(6)}\n- **${sentence(4)}**\n- ${sentence(5)}`);
			else if (roll < 0.45) parts.push(`${text} [${sentence(2)}](https://example.org/${word()}).`);
			else parts.push(`${text}.`);
		}
		const author = authors[i % CITIZENS]!;
		const record = makePost({
			country: COUNTRY,
			author: author.fingerprint,
			at: 1_700_000_000_000 + i * 60_000,
			title: sentence(3 + Math.floor(next() * 5)),
			body: parts.join('\n\n'),
			tags: Array.from(
				{ length: Math.floor(next() * 3) },
				() => tags[Math.floor(next() * tags.length)]!
			)
		}) as RecordOf<'post'>;
		const id = i.toString(16).padStart(64, '0');
		// Branded without a signature: the bench measures search, not verification.
		source.set(id, { id, text: '', signature: '', record } as unknown as Verified);
	}
	const names = new Map(authors.map((a) => [a.fingerprint, { name: a.name }]));
	return { source, names, words };
}

/** A mixed set of queries, as people type them: common and rare words, prefixes, typos, pairs. */
function makeQueries(country: Country, texts: string[]): string[] {
	const next = random(7);
	const { words } = country;
	const pick = (from: number, to: number) => words[from + Math.floor(next() * (to - from))]!;
	const queries: string[] = [];
	for (let i = 0; i < 40; i++) queries.push(pick(0, 200)); // common words
	for (let i = 0; i < 40; i++) queries.push(pick(2000, 6000)); // rare words
	for (let i = 0; i < 40; i++) {
		const w = pick(0, 3000);
		queries.push(w.slice(0, Math.max(2, Math.ceil(w.length / 2)))); // typing: a prefix
	}
	for (let i = 0; i < 40; i++) {
		// A typo: one letter changed in a word of five letters or more.
		let w = pick(0, 3000);
		while (w.length < 5) w = pick(0, 3000);
		const at = 1 + Math.floor(next() * (w.length - 2));
		queries.push(`${w.slice(0, at)}${w[at] === 'a' ? 'e' : 'a'}${w.slice(at + 1)}`);
	}
	for (let i = 0; i < 40; i++) {
		// Two words from one post.
		const text = texts[Math.floor(next() * texts.length)]!.split(' ');
		queries.push(
			`${text[Math.floor(next() * text.length)]} ${text[Math.floor(next() * text.length)]}`
		);
	}
	return queries;
}

/** The plain way: each document's text in lower case, every query word looked for in each. */
function plainTexts(source: Map<string, Verified>, names: SearchSources['names']): string[] {
	return postsOf(source).map((post) =>
		[
			post.current.title,
			markdownText(post.current.body),
			post.current.tags.join(' '),
			names.get(post.current.author)?.name ?? ''
		]
			.join('\n')
			.toLowerCase()
	);
}

function plainSearch(texts: string[], query: string): number {
	const words = query.toLowerCase().split(/\s+/).filter(Boolean);
	let hits = 0;
	for (const text of texts) if (words.every((w) => text.includes(w))) hits += 1;
	return hits;
}

const time = (work: () => void): number => {
	const t0 = performance.now();
	work();
	return performance.now() - t0;
};

/** Let the page breathe between long steps (timers, GC), as a person's browser would. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

export async function runSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
	const country = makeCountry(options.posts);
	const sources: SearchSources = { public: country.source, citizens: null, names: country.names };

	const build = { oursMs: [] as number[], plainMs: [] as number[] };
	let index = new ContentIndex();
	let texts: string[] = [];
	for (let run = 0; run < options.buildRuns; run++) {
		// Alternate who goes first: the machine's speed drifts.
		const steps = [
			() => {
				const fresh = new ContentIndex();
				build.oursMs.push(time(() => fresh.update(sources)));
				index = fresh;
			},
			() => build.plainMs.push(time(() => (texts = plainTexts(country.source, country.names))))
		];
		if (run % 2 === 1) steps.reverse();
		for (const step of steps) {
			step();
			await pause();
		}
	}

	const queries = makeQueries(country, texts);
	const search = { oursMs: [] as number[], plainMs: [] as number[], oursHits: 0, plainHits: 0 };
	for (let round = 0; round < options.queryRounds; round++) {
		for (const [i, query] of queries.entries()) {
			const ours = () => {
				search.oursMs.push(time(() => (search.oursHits += index.search(query).total)));
			};
			const plain = () => {
				search.plainMs.push(time(() => (search.plainHits += plainSearch(texts, query))));
			};
			if ((i + round) % 2 === 0) {
				ours();
				plain();
			} else {
				plain();
				ours();
			}
		}
		await pause();
	}

	// One post arrives: the next snapshot holds it besides everything else.
	const updateMs: number[] = [];
	const grown = new Map(country.source);
	for (let n = 0; n < 5; n++) {
		const id = `f${n}`.padStart(64, '0');
		const record = makePost({
			country: COUNTRY,
			author: (1).toString(16).padStart(40, '0'),
			at: 1_800_000_000_000 + n,
			title: `Arrival ${n}`,
			body: `A new post, number ${n}, with a word or two.`
		}) as RecordOf<'post'>;
		grown.set(id, { id, text: '', signature: '', record } as unknown as Verified);
		const next: SearchSources = { ...sources, public: new Map(grown) };
		updateMs.push(time(() => index.update(next)));
		await pause();
	}

	return {
		posts: options.posts,
		documents: index.size,
		textBytes: texts.reduce((n, t) => n + t.length, 0),
		queries: queries.length,
		build,
		search,
		updateMs
	};
}
