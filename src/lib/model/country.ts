/**
 * The country as a pure derivation of its verified records. Two peers with the same
 * records derive the same country, whatever order the records arrived in.
 * Rules are numbered as in docs/records.md.
 *
 * Live changes: `extendCountry(prev, records, added)` is `deriveCountry` of `records` (which
 * holds `added`), reusing `prev`, the view of the records before `added` arrived. New posts
 * and edits of valid posts by citizens (the usual change) only join `prev`'s valid records
 * (a copy of one Map, no sort, no rule run again); any other change derives from scratch, so
 * a caller may pass every change through it. The record store and the mirror can keep their
 * last view and call it with the batch that just arrived (extend.property.test.ts holds it
 * to deriving from scratch for random splits, orders and repeats).
 */
import { deriveGovernance, emptyGovernment, isGovernanceKind, type Government } from './governance';
import { sha256Hex } from './hash';
import type { AdmissionProof } from './kinds/citizen';
import type { Constitution, GenesisBody } from './kinds/genesis';
import type { AnyRecord, ParsedRecord, RecordOf } from './record';
import type { ReasonCode } from './result';
import type { Verified } from './verified';

export type Citizen = {
	fingerprint: string;
	name: string;
	publicKey: string;
	/** The record that admitted them, and how. */
	admittedBy: string;
	admission: AdmissionProof['type'];
	admittedAt: number;
	isFounder: boolean;
	/** For a seceded country: the ancestor country whose records admitted them. */
	inheritedFrom: string | null;
};

export type Rejection = {
	id: string;
	kind: string;
	author: string;
	code: ReasonCode;
	message: string;
};

export type CountryView = {
	id: string;
	genesis: Verified<RecordOf<'genesis'>> | null;
	name: string;
	constitution: Constitution | null;
	parent: GenesisBody['parent'];
	/** Ancestor country ids, nearest first (empty unless this country seceded). */
	ancestors: string[];
	/** The parent country's name, from its genesis, when this country seceded. */
	parentName: string | null;
	founder: string | null;
	/** Citizens in order of admission. */
	citizens: Citizen[];
	citizenByKey: ReadonlyMap<string, Citizen>;
	/** Every record that passed every rule, by id. */
	valid: ReadonlyMap<string, Verified>;
	rejected: Rejection[];
	/** Elections, leaders, filters and features (governance.ts, R31–R43). */
	government: Government;
};

/** Deterministic order used wherever "earlier" decides: author time, then id. */
export const byTimeThenId = (a: ParsedRecord, b: ParsedRecord): number =>
	a.record.at - b.record.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const isKindOf =
	<K extends AnyRecord['kind']>(kind: K) =>
	(r: Verified): r is Verified<Extract<AnyRecord, { kind: K }>> =>
		r.record.kind === kind;

/**
 * The key a record must be verified with: self-keyed kinds carry it; every other kind
 * is signed by a citizen's key. Citizen keys are trusted to belong to their fingerprint
 * because verification checks that fingerprint(key) === author.
 */
export function signingKeyFor(
	parsed: ParsedRecord,
	keyByAuthor: ReadonlyMap<string, string>
): string | null {
	const { record } = parsed;
	if (record.kind === 'genesis') return record.body.founderKey;
	if (record.kind === 'citizen') return record.body.publicKey;
	return keyByAuthor.get(record.author) ?? null;
}

/**
 * Author → armored key, from the self-keyed records (`genesis`, `citizen`). When an author
 * has several, the earliest record by (at, id) gives the key, so the map does not depend on
 * the order records arrived in.
 *
 * Pass self-keyed records whose signatures verified: the model cannot tell a key's
 * fingerprint, so an unverified `citizen` record that claims someone else's fingerprint
 * would otherwise hide that person's real key.
 */
export function keysByAuthor(records: Iterable<ParsedRecord>): Map<string, string> {
	const selfKeyed = [...records].filter(
		({ record }) => record.kind === 'genesis' || record.kind === 'citizen'
	);
	const keys = new Map<string, string>();
	for (const { record } of selfKeyed.sort(byTimeThenId)) {
		if (keys.has(record.author)) continue;
		if (record.kind === 'genesis') keys.set(record.author, record.body.founderKey);
		else if (record.kind === 'citizen') keys.set(record.author, record.body.publicKey);
	}
	return keys;
}

export function deriveCountry(countryId: string, records: Iterable<Verified>): CountryView {
	const rejected: Rejection[] = [];
	const valid = new Map<string, Verified>();
	const reject = (r: Verified, code: ReasonCode, message: string) =>
		rejected.push({ id: r.id, kind: r.record.kind, author: r.record.author, code, message });

	// Sort once and drop repeats, so every later step sees one deterministic order. Copies of
	// one record share its (at, id), so they are neighbours once sorted. The same text may come
	// with several valid signatures: keep the smallest, so the view does not depend on arrival
	// order.
	const sorted: Verified[] = [];
	for (const r of [...records].sort(byTimeThenId)) {
		const last = sorted[sorted.length - 1];
		if (last?.id !== r.id) sorted.push(r);
		else if (r.signature < last.signature) sorted[sorted.length - 1] = r;
	}

	// R24: a seceded country starts from its parent's records: what is valid there (by the
	// parent's own rules, recursively) stays valid here, and its citizens are citizens here.
	let genesis =
		(sorted.find((r) => r.id === countryId && isKindOf('genesis')(r)) as
			Verified<RecordOf<'genesis'>> | undefined) ?? null;
	const parent = genesis?.record.body.parent ?? null;
	const inherited = parent
		? deriveCountry(
				parent.country,
				sorted.filter((r) => r.id !== countryId)
			)
		: null;
	const ancestors = inherited ? [inherited.id, ...inherited.ancestors] : [];
	const ancestry = new Set(ancestors);
	const ofAncestor = (r: Verified) =>
		r.record.kind === 'genesis' ? ancestry.has(r.id) : ancestry.has(r.record.country);

	// R1, R2: exactly one genesis, the one whose hash is the country id.
	genesis = null;
	const rest: Verified[] = [];
	for (const r of sorted) {
		if (ofAncestor(r)) continue; // judged by the ancestor's own derivation above
		if (isKindOf('genesis')(r)) {
			if (r.id === countryId) genesis = r;
			else reject(r, 'genesis_conflict', 'a genesis of another country');
		} else if (r.record.country !== countryId) {
			reject(r, 'country_mismatch', 'the record belongs to another country'); // R3
		} else rest.push(r);
	}

	const empty: CountryView = {
		id: countryId,
		genesis: null,
		name: '',
		constitution: null,
		parent: null,
		ancestors: [],
		parentName: null,
		founder: null,
		citizens: [],
		citizenByKey: new Map(),
		valid,
		rejected,
		government: emptyGovernment()
	};
	if (!genesis) {
		for (const r of rest) reject(r, 'genesis_missing', 'the country’s genesis is not here yet');
		return empty;
	}
	valid.set(genesis.id, genesis);
	const { constitution } = genesis.record.body;
	const founder = genesis.record.author;

	const citizens = new Map<string, Citizen>();
	if (inherited) {
		for (const [id, r] of inherited.valid) valid.set(id, r);
		const byId = new Map(sorted.map((r) => [r.id, r]));
		for (const rejection of inherited.rejected) {
			const r = byId.get(rejection.id);
			if (r && ofAncestor(r)) rejected.push(rejection);
		}
		for (const citizen of inherited.citizens) {
			citizens.set(citizen.fingerprint, {
				...citizen,
				isFounder: false,
				inheritedFrom: citizen.inheritedFrom ?? inherited.id
			});
		}
	}

	// Invites are usable only once their author is a citizen admitted before the claimant.
	const invites = new Map(rest.filter(isKindOf('invite')).map((r) => [r.id, r]));
	const usedInvites = new Set<string>();

	for (const r of rest.filter(isKindOf('citizen'))) {
		const { admission, name, publicKey } = r.record.body;
		const author = r.record.author;
		const existing = citizens.get(author);
		if (admission.type === 'update') {
			// R8: a profile update from someone already admitted.
			if (!existing) {
				reject(r, 'admission_denied', 'a profile update from someone who is not a citizen');
				continue;
			}
			citizens.set(author, { ...existing, name });
			valid.set(r.id, r);
			continue;
		}
		if (existing?.inheritedFrom && admission.type === 'founder' && author === founder) {
			// R25: the seceding founder may already be a citizen of the parent. From now on this
			// record admits them here, so a second founder proof is a duplicate (R4).
			citizens.set(author, {
				...existing,
				name,
				admittedBy: r.id,
				admission: 'founder',
				admittedAt: r.record.at,
				isFounder: true,
				inheritedFrom: null
			});
			valid.set(r.id, r);
			continue;
		}
		if (existing) {
			reject(r, 'citizen_duplicate', 'this key is already a citizen'); // R4
			continue;
		}
		if (admission.type === 'founder' && author !== founder) {
			reject(r, 'founder_mismatch', 'only the founder’s key may claim to be the founder'); // R5
			continue;
		}
		if (admission.type === 'open' && constitution.admission !== 'open') {
			reject(r, 'admission_denied', 'this country admits by invitation only'); // R6
			continue;
		}
		if (admission.type === 'invite') {
			// R7: the invite exists, its author was admitted earlier, the code matches, unused.
			const invite = invites.get(admission.invite);
			if (
				!invite ||
				!citizens.has(invite.record.author) ||
				sha256Hex(admission.code) !== invite.record.body.codeHash
			) {
				reject(r, 'invite_invalid', 'the invite code is not valid here');
				continue;
			}
			if (usedInvites.has(invite.id)) {
				reject(r, 'invite_used', 'this invite was already used');
				continue;
			}
			usedInvites.add(invite.id);
		}
		citizens.set(author, {
			fingerprint: author,
			name,
			publicKey,
			admittedBy: r.id,
			admission: admission.type,
			admittedAt: r.record.at,
			isFounder: author === founder,
			inheritedFrom: null
		});
		valid.set(r.id, r);
	}

	// R9: everything else must come from a citizen.
	const posts = new Map<string, Verified<RecordOf<'post'>>>();
	const pages = new Map<string, Verified<RecordOf<'page'>>>();
	const messages = new Map<string, Verified<RecordOf<'message'>>>();
	const retractions: Verified<RecordOf<'retraction'>>[] = [];
	const governance: Verified[] = [];
	for (const r of rest) {
		if (r.record.kind === 'citizen') continue;
		if (!citizens.has(r.record.author)) {
			reject(r, 'author_unknown', 'the author is not a citizen of this country');
			continue;
		}
		if (isKindOf('post')(r)) posts.set(r.id, r);
		else if (isKindOf('page')(r)) pages.set(r.id, r);
		else if (isKindOf('message')(r)) messages.set(r.id, r);
		else if (isKindOf('retraction')(r)) retractions.push(r);
		else if (isGovernanceKind(r.record.kind)) governance.push(r);
		else valid.set(r.id, r); // invite, thread: R9 is their only rule here
	}

	// Inherited records of the kinds below are settled (valid): records here may build on them.
	const inheritedIds = new Set<string>();
	for (const r of inherited?.valid.values() ?? []) {
		if (isKindOf('post')(r)) posts.set(r.id, r);
		else if (isKindOf('page')(r)) pages.set(r.id, r);
		else if (isKindOf('message')(r)) messages.set(r.id, r);
		else continue;
		inheritedIds.add(r.id);
	}
	const settled = (records: ReadonlyMap<string, Verified>) =>
		new Map(
			inheritedIds.size
				? [...records.keys()].filter((id) => inheritedIds.has(id)).map((id) => [id, 'ok' as const])
				: []
		);
	const judged = <R extends Verified>(
		records: ReadonlyMap<string, R>,
		verdicts: ReadonlyMap<string, Verdict>,
		explain: Partial<Record<ReasonCode, string>>
	) => {
		for (const [id, verdict] of verdicts) {
			const r = records.get(id);
			if (!r || inheritedIds.has(id)) continue;
			if (verdict === 'ok') valid.set(id, r);
			else reject(r, verdict, explain[verdict] ?? verdict);
		}
	};

	// R22, R23: a post edit replaces a valid post of the same author (inherited posts count:
	// their authors may go on editing them in the new country).
	const postVerdict = postVerdicts(posts, settled(posts));
	judged(posts, postVerdict, {
		edit_forbidden: 'only a post’s author may edit it',
		replaces_unknown: 'it edits a post that is not here or not valid'
	});

	// R26, R27: a page revision builds on valid revisions of the same page.
	judged(
		pages,
		dependentVerdicts(pages, settled(pages), {
			parents: (r) => r.record.body.replaces,
			own: (r) => {
				const parents = r.record.body.replaces.map((id) => pages.get(id));
				if (parents.some((p) => p && p.record.body.slug !== r.record.body.slug)) {
					return 'revision_foreign';
				}
				return parents.every(Boolean) ? null : 'replaces_unknown';
			},
			unknown: 'replaces_unknown'
		}),
		{
			revision_foreign: 'it names a parent revision of another page',
			replaces_unknown: 'it names a parent revision that is not here or not valid'
		}
	);

	// R28: only a post's author retracts it, and only a valid post.
	for (const r of retractions) {
		const post = posts.get(r.record.body.post);
		if (post && post.record.author !== r.record.author) {
			reject(r, 'edit_forbidden', 'only a post’s author may retract it');
		} else if (!post || postVerdict.get(post.id) !== 'ok') {
			reject(r, 'replaces_unknown', 'it retracts a post that is not here or not valid');
		} else valid.set(r.id, r);
	}

	// R29, R30: a message belongs to a valid thread and answers a valid message of that thread.
	judged(
		messages,
		dependentVerdicts(messages, settled(messages), {
			parents: (r) => (r.record.body.replyTo === null ? [] : [r.record.body.replyTo]),
			own: ({ record: { body } }) => {
				if (valid.get(body.thread)?.record.kind !== 'thread') return 'thread_unknown';
				if (body.replyTo === null) return null;
				const parent = messages.get(body.replyTo);
				return parent?.record.body.thread === body.thread ? null : 'reply_unknown';
			},
			unknown: 'reply_unknown'
		}),
		{
			thread_unknown: 'it is posted in a thread that is not here or not valid',
			reply_unknown: 'it answers a message that is not here, not valid or in another thread'
		}
	);

	// R31–R43: elections, results, leaders and what the leaders decide.
	const governed = deriveGovernance({
		constitution,
		foundedAt: genesis.record.at,
		founder,
		records: governance
	});
	for (const r of governed.valid) valid.set(r.id, r);
	for (const { record, code, message } of governed.rejected) reject(record, code, message);

	return {
		...empty,
		genesis,
		ancestors,
		parentName: inherited?.name || null,
		name: genesis.record.body.name,
		constitution,
		parent: genesis.record.body.parent,
		founder,
		citizens: [...citizens.values()],
		citizenByKey: citizens,
		valid,
		rejected,
		government: governed.government
	};
}

/**
 * `deriveCountry(prev.id, records)`, reusing `prev` when it can: `prev` is the view of
 * `records` without `added`, and `records` holds every record, `added` among them. The
 * common live change (new posts, and edits of valid posts, by citizens) leaves everything
 * else as it was, so it only adds those posts to `prev`'s valid records; anything else, or
 * any doubt, derives from scratch. `prev` is never changed.
 *
 * A new post can change no other record's verdict except an edit or retraction waiting for
 * it (`replaces_unknown`): a view holding such a rejection, a seceded country (inherited
 * posts) and a post that would not be valid all go the long way.
 */
export function extendCountry(
	prev: CountryView,
	records: Iterable<Verified>,
	added: Iterable<Verified>
): CountryView {
	const fresh = () => deriveCountry(prev.id, records);
	if (!prev.genesis || prev.ancestors.length) return fresh();
	if (prev.rejected.some((r) => r.code === 'replaces_unknown')) return fresh();
	const rejectedIds = new Set(prev.rejected.map((r) => r.id));
	let pending: Verified<RecordOf<'post'>>[] = [];
	for (const r of added) {
		const seen = prev.valid.get(r.id);
		if (seen) {
			// The smallest signature of one text is kept (see deriveCountry), and other parts of
			// the view may hold the record itself: a smaller one goes the long way.
			if (r.signature < seen.signature) return fresh();
		} else if (rejectedIds.has(r.id)) return fresh();
		else if (isKindOf('post')(r) && r.record.country === prev.id) pending.push(r);
		else return fresh();
	}
	if (!pending.length) return prev;
	const valid = new Map(prev.valid);
	// R9, R22, R23: edits may come before what they edit, so accept until nothing moves.
	while (pending.length) {
		const waiting: Verified<RecordOf<'post'>>[] = [];
		for (const r of pending) {
			const { author, body } = r.record;
			const parent = body.replaces === null ? null : valid.get(body.replaces);
			const seen = valid.get(r.id);
			if (seen) {
				if (r.signature < seen.signature) valid.set(r.id, r);
			} else if (!prev.citizenByKey.has(author)) return fresh();
			else if (body.replaces === null) valid.set(r.id, r);
			else if (!parent) waiting.push(r);
			else if (parent.record.kind !== 'post' || parent.record.author !== author) return fresh();
			else valid.set(r.id, r);
		}
		if (waiting.length === pending.length) return fresh(); // an edit of a post not here
		pending = waiting;
	}
	return { ...prev, valid };
}

/** The first 8 hex digits, enough for people to tell countries and keys apart at a glance. */
export const shortId = (id: string): string => id.slice(0, 8);

type PostVerdict = 'ok' | 'replaces_unknown' | 'edit_forbidden';
type Verdict = 'ok' | ReasonCode;

/**
 * Judge records whose validity depends on other records of the same map (their parents:
 * a page's parent revisions, the message a reply answers). A record is valid when `own`
 * finds nothing wrong with it by itself and every parent is valid; otherwise it carries
 * `own`'s code or, when only a parent fails, `unknown`. `own` must return a code whenever a
 * parent is missing from `records`. Iterative (an explicit stack): chains can be long.
 */
function dependentVerdicts<R extends Verified>(
	records: ReadonlyMap<string, R>,
	settled: ReadonlyMap<string, Verdict>,
	rule: {
		parents: (r: R) => readonly string[];
		own: (r: R) => ReasonCode | null;
		unknown: ReasonCode;
	}
): Map<string, Verdict> {
	const verdicts = new Map<string, Verdict>(settled);
	const expanded = new Set<string>();
	for (const start of records.keys()) {
		const stack = [start];
		while (stack.length) {
			const id = stack.at(-1)!;
			if (verdicts.has(id)) {
				stack.pop();
				continue;
			}
			const r = records.get(id)!;
			const own = rule.own(r);
			if (own) {
				verdicts.set(id, own);
				stack.pop();
				continue;
			}
			const pending = rule.parents(r).filter((p) => !verdicts.has(p));
			// An expanded, undecided parent is below us on the stack: a cycle, which hashes make
			// impossible; judged unknown rather than looping.
			if (pending.some((p) => expanded.has(p))) verdicts.set(id, rule.unknown);
			else if (pending.length) {
				expanded.add(id);
				stack.push(...pending);
				continue;
			} else {
				const ok = rule.parents(r).every((p) => verdicts.get(p) === 'ok');
				verdicts.set(id, ok ? 'ok' : rule.unknown);
			}
			stack.pop();
		}
	}
	return verdicts;
}

/**
 * Walk each post's `replaces` chain (iteratively: chains can be long) so that an edit is
 * valid only if everything it builds on is. Cycles cannot occur: an id is the hash of a
 * record that names its parent's id.
 */
function postVerdicts(
	posts: ReadonlyMap<string, Verified<RecordOf<'post'>>>,
	settled: ReadonlyMap<string, PostVerdict> = new Map()
): Map<string, PostVerdict> {
	const verdicts = new Map<string, PostVerdict>(settled);
	for (const [start, post] of posts) {
		if (post.record.body.replaces === null) {
			// A first revision builds on nothing: valid (its author was checked before).
			if (!verdicts.has(start)) verdicts.set(start, 'ok');
			continue;
		}
		const chain: string[] = [];
		let id: string | null = start;
		let verdict: PostVerdict = 'ok';
		while (id !== null && !verdicts.has(id)) {
			const post = posts.get(id);
			if (!post) {
				verdict = 'replaces_unknown';
				break;
			}
			chain.push(id);
			const parentId: string | null = post.record.body.replaces;
			const parent = parentId === null ? null : posts.get(parentId);
			if (parentId !== null && parent && parent.record.author !== post.record.author) {
				verdict = 'edit_forbidden';
				break;
			}
			id = parentId;
		}
		if (id !== null && verdicts.has(id) && verdict === 'ok') {
			verdict = verdicts.get(id) === 'ok' ? 'ok' : 'replaces_unknown';
		}
		// The first link carries the precise reason; everything built on it is unknown ground.
		chain.forEach((link, i) =>
			verdicts.set(
				link,
				i === chain.length - 1 ? verdict : verdict === 'ok' ? 'ok' : 'replaces_unknown'
			)
		);
	}
	return verdicts;
}
