/**
 * Governance actions for the government page: open an election, stand, vote, certify, and
 * the leaders' filters. Each signs with the unlocked identity, is checked against the
 * country as this device sees it (so a record every peer would reject is never sent), then
 * published. Times are this device's clock: records carry it in `at`, and the model judges
 * them by it, never by its own clock.
 */
import {
	certificationParts,
	cleanText,
	err,
	makeBallot,
	makeCandidacy,
	makeElection,
	makeFeature,
	makeFilter,
	makeResult,
	termEnd,
	type AnyRecord,
	type CountryView,
	type ElectionState,
	type FeatureAction,
	type FilterAction,
	type Result,
	type TermNow
} from '../model';
import type { AppState } from './app.svelte';
import type { CountryState } from './country.svelte';
import { publishAllChecked } from './publishing';

/** `now` for views that change with time (an election opens, closes): ticks every second. */
export class Clock {
	now = $state(Date.now());
	private timer: ReturnType<typeof setInterval> | null = null;

	start(): () => void {
		this.timer ??= setInterval(() => (this.now = Date.now()), 1000);
		return () => this.stop();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}
}

type Actor = { app: AppState; country: CountryState };
/** What every record of this country written now by the unlocked identity starts with. */
type Envelope = { country: string; author: string; at: number };

/** Sign and publish the records `make` writes (together: all or none), as the unlocked identity. */
async function publishAs(
	{ app, country }: Actor,
	make: (envelope: Envelope) => AnyRecord[]
): Promise<Result<string[], string>> {
	const author = app.identity.unlocked?.key.fingerprint;
	if (!author) return err('locked', 'Unlock your identity first.');
	return publishAllChecked(app, country, make({ country: country.id, author, at: Date.now() }));
}

/** The term a new election is for by default: the next one, or this one while nobody is elected. */
export function nextElectionTerm(term: TermNow): number {
	return term.tenure ? term.term + 1 : Math.max(1, term.term);
}

export async function openElection(
	actor: Actor,
	options: { term: number; opensAt: number; closesAt: number }
): Promise<Result<string[], string>> {
	const { constitution, government } = actor.country.view;
	if (!constitution || !government.terms) return err('genesis_missing', 'The country is not here.');
	if (options.closesAt > termEnd(government.terms, options.term)) {
		return err('election_past', `Term ${options.term} ends before that closing time.`);
	}
	return publishAs(actor, (envelope) => [
		makeElection({ ...envelope, ...options, seats: constitution.seats })
	]);
}

export async function declareCandidacy(
	actor: Actor,
	election: ElectionState,
	statement: string
): Promise<Result<string[], string>> {
	if (!cleanText(statement)) return err('schema_invalid', 'Write a few words to the voters.');
	return publishAs(actor, (envelope) => [
		makeCandidacy({ ...envelope, election: election.id, statement })
	]);
}

export async function castBallot(
	actor: Actor,
	election: ElectionState,
	approve: readonly string[]
): Promise<Result<string[], string>> {
	return publishAs(actor, (envelope) => [
		makeBallot({ ...envelope, election: election.id, approve })
	]);
}

/** Certify with this device's own count, in as many parts as it takes, published together. */
export async function certify(
	actor: Actor,
	election: ElectionState
): Promise<Result<string[], string>> {
	return publishAs(actor, (envelope) =>
		certificationParts(election).map((body) => makeResult({ ...envelope, body }))
	);
}

export async function publishFilter(
	actor: Actor,
	options: { target: string; action: FilterAction; reason: string }
): Promise<Result<string[], string>> {
	return publishAs(actor, (envelope) => [makeFilter({ ...envelope, ...options })]);
}

/**
 * Put a post on the front page, or take it off (`unfeature`), as a sitting leader. Anyone
 * else's feature is invalid on every peer (R42), so the check before publishing refuses it.
 */
export async function publishFeature(
	actor: Actor,
	options: { post: string; action: FeatureAction }
): Promise<Result<string[], string>> {
	return publishAs(actor, (envelope) => [makeFeature({ ...envelope, ...options })]);
}

/** Whether the post (by its id) is featured now: the latest valid feature record says so (R43). */
export const isFeatured = (view: Pick<CountryView, 'government'>, post: string): boolean =>
	view.government.featured.some((entry) => entry.post === post);

/** The ballot of `voter` that counts now in `election`, if any (their latest valid one). */
export function ballotOf(
	country: CountryState,
	election: ElectionState,
	voter: string | null
): readonly string[] | null {
	if (!voter) return null;
	for (const id of election.live.ballots) {
		const r = country.view.valid.get(id);
		if (r?.record.kind === 'ballot' && r.record.author === voter) return r.record.body.approve;
	}
	return null;
}
