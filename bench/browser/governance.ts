/**
 * The governance workload (issue 5): tally and certification of an election with 10,000
 * ballots, from records already parsed (as the record store holds them): every signature
 * checked again through a warm verifier (memory cache), the country derived with all its
 * rules — which counts the live tally and re-counts the 10,000 ballots the result names —
 * beside a plain count of the same approvals in a Map, without any validation. Runs in
 * Chromium (bench page) and in Node (SSR module).
 */
import { createVerifier, type Verifier } from '../../src/lib/identity';
import {
	deriveCountry,
	extendCountry,
	keysByAuthor,
	postsOf,
	parseEntry,
	signingKeyFor,
	type ElectionState,
	type ParsedRecord,
	type RecordOf,
	type SignedEntry,
	type Verified
} from '../../src/lib/model';
import {
	citizenRecord,
	genesisRecord,
	person,
	verified
} from '../../src/lib/model/fixtures/records';
import { postRecord } from '../../src/lib/model/fixtures/posts';

export type GovernanceFixture = {
	country: string;
	election: string;
	voters: number;
	records: { id: string; entry: SignedEntry }[];
	signMs: number;
};

export type GovernanceResult = {
	records: number;
	ballots: number;
	resultParts: number;
	runs: number;
	/** First pass, empty verifier cache: every signature checked. */
	coldMs: number;
	/** Medians of the warm runs: the whole, and its two phases. */
	warmMs: number;
	verifyMs: number;
	deriveMs: number;
	/** The plain count of the same approvals, median, alternating with ours. */
	baselineMs: number;
	signatureChecksWarm: number;
	winners: number;
	agrees: boolean;
};

export function parseAll(records: readonly { id: string; entry: SignedEntry }[]): ParsedRecord[] {
	return records.map(({ id, entry }) => {
		const parsed = parseEntry(id, entry);
		if (!parsed.ok) throw new Error(`parseEntry ${id}: ${parsed.code} ${parsed.message}`);
		return parsed.value;
	});
}

const selfKeyed = (p: ParsedRecord) => p.record.kind === 'genesis' || p.record.kind === 'citizen';

/** Verify as the record store does: self-keyed records first, then the rest with their keys. */
export async function verifyAll(
	verifier: Verifier,
	parsed: readonly ParsedRecord[]
): Promise<Verified[]> {
	const valid = (results: Awaited<ReturnType<Verifier['verifyMany']>>) =>
		results.map((r) => {
			if (!r.ok) throw new Error(`verify: ${r.code} ${r.message}`);
			return r.value;
		});
	const first = valid(
		await verifier.verifyMany(
			parsed.filter(selfKeyed).map((p) => ({ parsed: p, publicKey: signingKeyFor(p, new Map())! }))
		)
	);
	const keys = keysByAuthor(first);
	const rest = valid(
		await verifier.verifyMany(
			parsed
				.filter((p) => !selfKeyed(p))
				.map((p) => ({ parsed: p, publicKey: signingKeyFor(p, keys) ?? '' }))
		)
	);
	return [...first, ...rest];
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

/** The baseline: each voter's latest ballot, approvals counted in a Map, ranked. No checks. */
function plainCount(ballots: readonly ParsedRecord<RecordOf<'ballot'>>[], seats: number) {
	const latest = new Map<string, ParsedRecord<RecordOf<'ballot'>>>();
	for (const b of ballots) {
		const seen = latest.get(b.record.author);
		if (!seen || b.record.at > seen.record.at) latest.set(b.record.author, b);
	}
	const approvals = new Map<string, number>();
	for (const b of latest.values()) {
		for (const c of b.record.body.approve) approvals.set(c, (approvals.get(c) ?? 0) + 1);
	}
	return [...approvals].sort((a, b) => b[1] - a[1]).slice(0, seats);
}

export async function runGovernance(options: {
	fixture: GovernanceFixture;
	runs: number;
	useWorkers: boolean;
	/**
	 * Keys the verifier remembers (armored key → fingerprint). The default, 4,096, is fewer
	 * than this election's 10,001 authors: then no record is answered from memory and every
	 * "warm" run checks most signatures again. The bench passes a size that holds them all.
	 */
	keyEntries: number;
}): Promise<GovernanceResult> {
	const { fixture, runs } = options;
	const parsed = parseAll(fixture.records);
	const ballots = parsed.filter(
		(p): p is ParsedRecord<RecordOf<'ballot'>> => p.record.kind === 'ballot'
	);
	const verifier = createVerifier({
		useWorkers: options.useWorkers,
		keyEntries: options.keyEntries
	});
	const certify = async () => {
		const t0 = performance.now();
		const verified = await verifyAll(verifier, parsed);
		const t1 = performance.now();
		const view = deriveCountry(fixture.country, verified);
		const state = view.government.electionById.get(fixture.election);
		const t2 = performance.now();
		return { state, verifyMs: t1 - t0, deriveMs: t2 - t1, totalMs: t2 - t0 };
	};
	const cold = await certify();
	const checksCold = verifier.stats().signatureChecks;
	const check = (state: ElectionState | undefined) => {
		if (!state?.certified || state.certified.tally.ballots.length !== fixture.voters) {
			throw new Error('the election is not certified with every ballot');
		}
		return state;
	};
	const state = check(cold.state);
	const seats = state.seats;

	const warm: number[] = [];
	const verifyTimes: number[] = [];
	const deriveTimes: number[] = [];
	const plain: number[] = [];
	let plainWinners = 0;
	for (let i = 0; i < runs; i++) {
		// Alternate who goes first, so drift and GC hit both alike.
		const runPlain = () => {
			const t0 = performance.now();
			plainWinners = plainCount(ballots, seats).length;
			plain.push(performance.now() - t0);
		};
		if (i % 2) runPlain();
		const run = await certify();
		check(run.state);
		warm.push(run.totalMs);
		verifyTimes.push(run.verifyMs);
		deriveTimes.push(run.deriveMs);
		if (!(i % 2)) runPlain();
	}
	const signatureChecksWarm = verifier.stats().signatureChecks - checksCold;
	verifier.destroy();
	return {
		records: parsed.length,
		ballots: ballots.length,
		resultParts: state.certified!.records.length,
		runs,
		coldMs: cold.totalMs,
		warmMs: median(warm),
		verifyMs: median(verifyTimes),
		deriveMs: median(deriveTimes),
		baselineMs: median(plain),
		signatureChecksWarm,
		winners: state.certified!.tally.winners.length,
		agrees:
			plainWinners === state.certified!.tally.winners.length &&
			state.live.digest === state.certified!.tally.digest
	};
}

export type CountryViewResult = {
	records: number;
	runs: number;
	/** Medians: deriveCountry of every record with one new post, and extendCountry of it. */
	deriveMs: number;
	extendMs: number;
	/** Median of postsOf over the view: the content every page of posts starts from. */
	postsMs: number;
	/** Whether extendCountry added the post to the previous view rather than deriving again. */
	reused: boolean;
};

/**
 * The live path (a new post arrives in a country of `posts` posts by 20 citizens): the
 * country derived from every record again, against `extendCountry` of the previous view;
 * plus `postsOf`. Records are built unsigned (the model never checks signatures).
 */
export function runCountryView(options: { posts: number; runs: number }): CountryViewResult {
	const people = Array.from({ length: 20 }, (_, i) => person(`citizen ${i}`));
	const genesis = verified(genesisRecord({ founder: people[0]!, admission: 'open' }));
	const country = genesis.id;
	const records: Verified[] = [
		genesis,
		...people.map((who, i) =>
			verified(
				citizenRecord(country, { who, at: i + 1, admission: { type: i ? 'open' : 'founder' } })
			)
		)
	];
	for (let i = 0; i < options.posts; i++) {
		const by = people[i % people.length]!;
		const body = `Post ${i}. `.repeat(20 + (i % 100));
		records.push(verified(postRecord(country, { by, at: 100 + i, body, tags: [`t${i % 40}`] })));
	}
	const prev = deriveCountry(country, records);
	const post = verified(postRecord(country, { by: people[3]!, at: 100 + options.posts }));
	const all = [...records, post];
	const derive: number[] = [];
	const extend: number[] = [];
	const posts: number[] = [];
	const time = (into: number[], f: () => unknown) => {
		const t0 = performance.now();
		f();
		into.push(performance.now() - t0);
	};
	let view = prev;
	for (let i = 0; i < options.runs; i++) {
		// Alternate who goes first, so drift and GC hit both alike.
		if (i % 2) time(derive, () => deriveCountry(country, all));
		time(extend, () => (view = extendCountry(prev, all, [post])));
		if (!(i % 2)) time(derive, () => deriveCountry(country, all));
		time(posts, () => postsOf(view));
	}
	return {
		records: all.length,
		runs: options.runs,
		deriveMs: median(derive),
		extendMs: median(extend),
		postsMs: median(posts),
		reused: view.citizens === prev.citizens && view.valid.get(post.id) === post
	};
}
