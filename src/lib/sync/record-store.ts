/**
 * Watches a country's record map — an untrusted log any peer can write — and keeps the
 * verified set and the derived country. Honest peers heal: a valid record that someone
 * deletes or overwrites is put back from this peer's verified copy.
 */
import * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import {
	deriveCountry,
	extendCountry,
	keysByAuthor,
	parseEntry,
	signingKeyFor,
	type CountryView,
	type ParsedRecord,
	type ReasonCode,
	type Rejection,
	type Result,
	type SignedEntry,
	type Verified
} from '../model';
import type { EntryItem, EntryVerdict } from '../identity/verify';
import { junkReason, storedEntry } from './junk';
import { yieldToPage } from './yield';

export type RecordVerifier = {
	verifyMany(items: { parsed: ParsedRecord; publicKey: string }[]): Promise<Result<Verified>[]>;
	/**
	 * If present, entries whose author's key is known are handed over unparsed: parsed and
	 * verified where the checking runs (Verifier.checkEntries), not on this thread.
	 */
	checkEntries?(items: EntryItem[]): Promise<EntryVerdict[]>;
	/** If present, called when a store opens: get ready before the first record arrives. */
	warmUp?(): unknown;
};

/**
 * How a store judges records that are judged against another document (the citizens' area
 * against the public country): where authors' keys come from, and how the view is derived.
 * Without one, both come from this map's own verified records.
 */
export type RecordJudge = {
	/** Author → key, from verified self-keyed records only. */
	keys(): ReadonlyMap<string, string>;
	derive(records: Iterable<Verified>): CountryView;
};

export type RecordStatus =
	| { status: 'valid' }
	| {
			status: 'pending';
			message: string;
			/**
			 * Why: `checking`, its key is here and its turn will come (a large load is checked in
			 * chunks); `no_key`, no record held here carries its author's key yet.
			 */
			reason: PendingReason;
	  }
	| { status: 'invalid'; code: ReasonCode; message: string };

export type PendingReason = 'checking' | 'no_key';

export type DiagnosticEntry = {
	id: string;
	kind: string;
	author: string;
	at: number | null;
} & RecordStatus;

export type StoreSnapshot = {
	country: CountryView;
	diagnostics: DiagnosticEntry[];
	healed: number;
	/**
	 * Junk entries this peer removed from the map: values that are no entry, or entries whose
	 * id is not their text's hash (junk.ts). No version of the app could ever accept them.
	 */
	removed: number;
	/**
	 * Entries the record map holds (counted when first read: Yjs counts a map's entries one by
	 * one, too slow to do for every live record of a large country). Those not in
	 * `diagnostics` have not been read yet: they are still to be parsed and checked.
	 */
	readonly held: number;
	/** A view emitted halfway through a large batch: more held records are still being checked. */
	partial?: boolean;
};

type Events = { change: (snapshot: StoreSnapshot) => void };

/**
 * One batch of ids as read: entries to put back, contested signatures to settle, and new
 * entries to parse and verify together (their author's key is known).
 */
type Read = {
	ids: readonly string[];
	toHeal: Verified[];
	contested: { parsed: ParsedRecord; publicKey: string; mine: Verified }[];
	toCheck: EntryItem[];
};

/** Transactions stay far below y-webrtc's 256 KiB message limit (STACK.md, gotcha 1). */
const MAX_TRANSACTION_BYTES = 64 * 1024;
/** What Yjs adds per map entry besides its strings (item header, field names): about 30. */
const ENTRY_OVERHEAD = 64;
const utf8 = new TextEncoder();

/** The bytes an entry adds to an update: Yjs writes its strings as UTF-8. */
const entryBytes = (id: string, entry: SignedEntry): number =>
	utf8.encode(entry.record).length +
	utf8.encode(entry.signature).length +
	id.length +
	ENTRY_OVERHEAD;

export const LOCAL_ORIGIN = Symbol('webocracy-local-write');

/**
 * A large batch (a country loading from this device, or a first sync) is checked this many
 * records at a time, with the browser free to render and handle input in between.
 */
const LOAD_CHUNK = 500;
/**
 * At most this many junk entries are judged and removed per pass, and at most this much
 * text hashed to judge them: a vandal writing junk faster than that costs each honest peer
 * one bounded pass at a time, with the browser free in between (the rest waits its turn).
 */
export const REMOVE_PER_PASS = 1000;
export const HASH_PER_PASS = 8 * 1024 * 1024;
/** Deletions per transaction: each is one small update (a delete set) to every peer. */
export const REMOVE_PER_TRANSACTION = 250;
/**
 * Parse failures that come before or at the id check (R10–R14): only entries failing so
 * may be junk for good. Any later failure means the id is the text's hash.
 */
const BEFORE_ID: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
	'entry_malformed',
	'record_too_large',
	'record_malformed',
	'record_not_canonical'
]);

/** While a large batch is checked, the view is brought up to date about this often. */
const PROGRESS_MS = 1000;
/**
 * Chunks of a large batch being checked at once: the workers always have the next one
 * queued (each takes its share of a chunk), instead of idling while this thread reads it.
 */
const CHUNKS_IN_FLIGHT = 3;

/** The kinds that make the country's frame: its genesis, citizens and their admission. */
const FOUNDATIONAL_KINDS: ReadonlySet<string> = new Set(['genesis', 'citizen', 'invite']);
const FOUNDATIONAL = [...FOUNDATIONAL_KINDS].map((kind) => `"kind":"${kind}"`);

/**
 * Whether a stored entry looks like a genesis, citizen or invite record (canonical JSON
 * writes the kind exactly so; inside a string its quotes would be escaped). Only decides what
 * is checked first when a country loads: these reveal the keys and citizens all else needs.
 */
const looksFoundational = (value: unknown): boolean => {
	const text = (value as Partial<SignedEntry> | null)?.record;
	return typeof text === 'string' && FOUNDATIONAL.some((kind) => text.includes(kind));
};

const NO_KEYS: ReadonlyMap<string, string> = new Map();
/** Genesis and citizen records carry their author's key: verifying one may reveal a key. */
const carriesKey = (parsed: ParsedRecord) => signingKeyFor(parsed, NO_KEYS) !== null;

/**
 * The author a stored entry's text names, read without parsing it: canonical JSON sorts the
 * keys, so a record starts with its `at` and then its `author`. Only a hint, to pick the key
 * a worker checks the record with: the worker parses it and judges it only if the parsed
 * record names this author.
 */
const CLAIMED_AUTHOR = /^\{"at":[-+.0-9eE]{1,32},"author":"([0-9a-f]{40}|[0-9a-f]{64})"/;

const sameEntry = (a: unknown, b: ParsedRecord): boolean =>
	typeof a === 'object' &&
	a !== null &&
	(a as SignedEntry).record === b.text &&
	(a as SignedEntry).signature === b.signature;

const sameSignedEntry = (a: unknown, b: SignedEntry): boolean =>
	typeof a === 'object' &&
	a !== null &&
	(a as SignedEntry).record === b.record &&
	(a as SignedEntry).signature === b.signature;

export class RecordStore extends ObservableV2<Events> {
	readonly countryId: string;
	private readonly map: Y.Map<unknown>;
	private readonly verifier: RecordVerifier;
	private readonly judge: RecordJudge | null;
	private readonly parsed = new Map<string, ParsedRecord>();
	private readonly verified = new Map<string, Verified>();
	private readonly failed = new Map<string, DiagnosticEntry>();
	/** Parsed, neither verified nor failed: waiting for a key or for a check. */
	private readonly unchecked = new Set<string>();
	/** Author → key from the verified self-keyed records; null: to be recomputed. */
	private keys: ReadonlyMap<string, string> | null = null;
	/** Whether `verified` changed since the country was last derived. */
	private verifiedChanged = false;
	/**
	 * What `accept` added since the country was last derived, so a live change extends the
	 * last view (extendCountry) instead of deriving every record again; null: derive afresh
	 * (too many to be worth it, or the judge's ground changed).
	 */
	private addedSinceView: Verified[] | null = [];
	private readonly dirty = new Set<string>();
	private readonly waiters = new Map<string, Array<(status: RecordStatus) => void>>();
	private running: Promise<void> = Promise.resolve();
	private scheduled = false;
	private healed = 0;
	private removed = 0;
	/** Ids whose entry may be junk for good: judged again, from the map alone, by sweep. */
	private readonly suspects = new Set<string>();
	/** A pass that stopped at its bounds: the next one yields to the browser first. */
	private sweepAgain = false;
	private current: StoreSnapshot;
	private readonly observer: (event: Y.YMapEvent<unknown>, tx: Y.Transaction) => void;

	constructor(options: {
		countryId: string;
		records: Y.Map<unknown>;
		verifier: RecordVerifier;
		judge?: RecordJudge;
	}) {
		super();
		this.countryId = options.countryId;
		this.map = options.records;
		this.verifier = options.verifier;
		this.judge = options.judge ?? null;
		this.current = {
			country: deriveCountry(this.countryId, []),
			diagnostics: [],
			healed: 0,
			removed: 0,
			held: 0
		};
		this.observer = (event, tx) => {
			if (tx.origin === this) return; // our own healing writes
			for (const key of event.keysChanged) this.dirty.add(key);
			this.schedule();
		};
		this.map.observe(this.observer);
		for (const key of this.map.keys()) this.dirty.add(key);
		this.schedule();
		try {
			// Workers started and openpgp loaded before the first live record needs them.
			void Promise.resolve(this.verifier.warmUp?.()).catch(() => {});
		} catch {
			// A verifier that cannot warm up still verifies.
		}
	}

	get snapshot(): StoreSnapshot {
		return this.current;
	}

	/** Resolves when every change seen so far has been checked. */
	settled(): Promise<void> {
		return this.running.then(() =>
			this.scheduled || this.dirty.size ? this.settled() : undefined
		);
	}

	/** Write signed entries, in transactions of bounded size, and wait for their verdict. */
	async publish(entries: { id: string; entry: SignedEntry }[]): Promise<RecordStatus[]> {
		for (const { id, entry } of entries) this.published.set(id, entry);
		const verdicts = entries.map(({ id }) => this.statusWhenKnown(id));
		this.write(entries, LOCAL_ORIGIN);
		try {
			return await Promise.all(verdicts);
		} finally {
			for (const { id } of entries) this.published.delete(id);
		}
	}

	/**
	 * Entries this store published and has not judged yet. Healing puts back only verified
	 * records, so without these a peer overwriting or deleting a new entry before its check
	 * ends (or while its author's key is still on its way) would destroy it everywhere.
	 */
	private readonly published = new Map<string, SignedEntry>();

	/** What a record is here, as of the current snapshot (null: not seen). */
	statusOf(id: string): RecordStatus | null {
		if (this.current.country.valid.has(id)) return { status: 'valid' };
		const entry = this.current.diagnostics.find((d) => d.id === id);
		return entry ? (entry as RecordStatus) : null;
	}

	/** The judge's ground changed (keys, citizens): check waiting records again, re-derive. */
	rejudge(): void {
		this.keys = null;
		this.verifiedChanged = true;
		this.addedSinceView = null;
		this.recheckWaiting = true;
		this.schedule();
	}

	/** Set by rejudge: records waiting for a key are tried again even if nothing else changed. */
	private recheckWaiting = false;
	/** Ids judged from a preload, to be held against the map once it has loaded. */
	private readonly preloaded = new Set<string>();

	/**
	 * Judge entries this device kept aside (its frame: frame.ts) before the map has loaded,
	 * and show them as a partial view, so a large country appears before its document is
	 * decoded. They are parsed and verified like map entries; ids the map already holds are
	 * read from the map. Call `mapLoaded` once the map holds what was stored on this device.
	 */
	preload(entries: readonly { id: string; entry: SignedEntry }[]): Promise<void> {
		const values = new Map(entries.map(({ id, entry }) => [id, entry as unknown]));
		const done = this.running.then(async () => {
			const ids = [...values.keys()].filter(
				(id) => !this.verified.has(id) && !this.parsed.has(id) && !this.failed.has(id)
			);
			if (!ids.length) return;
			for (const id of ids) this.preloaded.add(id);
			await this.verifyRead(this.read(ids, (id) => this.map.get(id) ?? values.get(id)));
			this.recompute(false);
		});
		// A failure here must not stop the store: the map's own load judges everything anyway.
		this.running = done.catch(() => {});
		return this.running;
	}

	/**
	 * The map now holds what this device stored: preloaded records it lacks are put back
	 * (valid ones: this device's verified copy heals the map) or forgotten (the others).
	 */
	mapLoaded(): void {
		if (!this.preloaded.size) return;
		for (const id of this.preloaded) this.dirty.add(id);
		this.preloaded.clear();
		this.schedule();
	}

	destroy(): void {
		this.map.unobserve(this.observer);
		super.destroy();
	}

	private statusWhenKnown(id: string): Promise<RecordStatus> {
		return new Promise((resolve) => {
			const list = this.waiters.get(id) ?? [];
			list.push(resolve);
			this.waiters.set(id, list);
		});
	}

	/** Author → key, from the verified self-keyed records (kept until one is added). */
	private knownKeys(): ReadonlyMap<string, string> {
		return (this.keys ??= this.judge?.keys() ?? keysByAuthor(this.verified.values()));
	}

	private accept(record: Verified): void {
		if (!this.verified.has(record.id) && carriesKey(record)) this.keys = null;
		this.verified.set(record.id, record);
		this.unchecked.delete(record.id);
		this.verifiedChanged = true;
		if (this.addedSinceView && this.addedSinceView.push(record) > MAX_EXTEND) {
			this.addedSinceView = null;
		}
	}

	/** A parsed record's verdict: valid, or failed with the reason. */
	private judged(parsed: ParsedRecord, result: Result<Verified>): void {
		if (result.ok) this.accept(result.value);
		else {
			this.unchecked.delete(parsed.id);
			this.failed.set(parsed.id, {
				...describeRecord(parsed),
				status: 'invalid',
				code: result.code,
				message: result.message
			});
		}
	}

	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		// Coalesce a burst of remote updates into one verification batch.
		this.running = this.running.then(async () => {
			await Promise.resolve();
			this.scheduled = false;
			await this.process();
		});
	}

	private async process(): Promise<void> {
		if (this.sweepAgain) {
			this.sweepAgain = false;
			await yieldToPage();
		}
		if (this.recheckWaiting) {
			this.recheckWaiting = false;
			await this.verifyPending();
		}
		const ids = [...this.dirty];
		this.dirty.clear();
		if (ids.length <= LOAD_CHUNK) {
			await this.check(ids);
			await this.sweep();
			this.recompute(true);
			return;
		}
		// Genesis, citizens and invites first, so the country (name, constitution, citizens) shows while
		// the rest is checked in chunks; the view is derived again only now and then, not per
		// chunk (each derivation goes over every record).
		const first: string[] = [];
		const rest: string[] = [];
		for (const id of ids) (looksFoundational(this.map.get(id)) ? first : rest).push(id);
		const chunks = [first];
		for (let i = 0; i < rest.length; i += LOAD_CHUNK) chunks.push(rest.slice(i, i + LOAD_CHUNK));
		// Pipelined: several chunks are checked at once, so the workers never wait for this
		// thread to hand them the next. The first chunk reveals keys, and is checked whole
		// before anything else.
		await this.check(chunks[0]!);
		let shownAt = -Infinity;
		const checking: Promise<void>[] = [];
		for (const chunk of chunks.slice(1)) {
			if (checking.length >= CHUNKS_IN_FLIGHT) await checking.shift();
			// A citizen joining (or an invite) during a long load is answered now, not after it.
			const urgent = [...this.dirty].filter((id) => looksFoundational(this.map.get(id)));
			for (const id of urgent) this.dirty.delete(id);
			if (urgent.length) await this.check(urgent);
			if (urgent.length || performance.now() - shownAt >= PROGRESS_MS) {
				this.recompute(false);
				shownAt = performance.now();
			}
			checking.push(this.verifyRead(this.read(chunk)));
			await yieldToPage();
		}
		await Promise.all(checking);
		await this.sweep();
		this.recompute(true);
	}

	/** Parse, heal and verify what changed under these ids. */
	private async check(ids: readonly string[]): Promise<void> {
		await this.verifyRead(this.read(ids));
	}

	/** What changed under these ids, parsed: new records wait in `unchecked`. */
	private read(ids: readonly string[], valueOf = (id: string) => this.map.get(id)): Read {
		const toHeal: Verified[] = [];
		const contested: { parsed: ParsedRecord; publicKey: string; mine: Verified }[] = [];
		const toCheck: EntryItem[] = [];
		for (const id of ids) {
			const found = valueOf(id);
			const own = this.published.get(id);
			const value = own && !sameSignedEntry(found, own) ? own : found;
			const mine = this.verified.get(id);
			if (mine) {
				if (value !== undefined && sameEntry(value, mine)) continue;
				// The text under an id can never change (the id is its hash), so only the
				// signature can differ. Deleted, unreadable, or a larger signature: put ours
				// back. A smaller one wins only if it verifies — one deterministic winner, so
				// two honest peers never fight over it.
				const parsed = value === undefined ? null : parseEntry(id, value);
				// Keys are derived once, not per entry: a vandal rewriting every entry must not
				// cost n².
				const publicKey = parsed?.ok ? signingKeyFor(parsed.value, this.knownKeys()) : null;
				if (parsed?.ok && publicKey && parsed.value.signature < mine.signature) {
					contested.push({ parsed: parsed.value, publicKey, mine });
				} else toHeal.push(mine);
				continue;
			}
			this.failed.delete(id);
			this.parsed.delete(id);
			this.unchecked.delete(id);
			this.suspects.delete(id);
			// Yjs can hold `undefined` under a key: present, yet read as nothing.
			if (this.map.has(id) && this.map.get(id) === undefined) this.suspects.add(id);
			if (value === undefined) continue;
			const item = this.verifier.checkEntries ? this.checkable(id, value) : null;
			if (item) {
				toCheck.push(item);
				continue;
			}
			const parsed = parseEntry(id, value);
			if (parsed.ok) {
				this.parsed.set(id, parsed.value);
				this.unchecked.add(id);
			} else this.unparsed(id, value, parsed);
		}
		return { ids, toHeal, contested, toCheck };
	}

	/**
	 * The entry as the verifier's checkEntries takes it, if its claimed author's key is known.
	 * Not genesis, citizen or invite records: few, and they reveal the keys all else needs.
	 */
	private checkable(id: string, value: unknown): EntryItem | null {
		const entry = storedEntry(value);
		const author = entry && !looksFoundational(entry) && CLAIMED_AUTHOR.exec(entry.record)?.[1];
		const publicKey = author ? this.knownKeys().get(author) : undefined;
		return entry && author && publicKey ? { id, entry, author, publicKey } : null;
	}

	/** Take the verdicts of entries parsed and verified together (see checkable). */
	private async checkRead(items: EntryItem[]): Promise<void> {
		const verdicts = await this.verifier.checkEntries!(items);
		items.forEach(({ id, entry }, i) => {
			const verdict = verdicts[i];
			if (!verdict) {
				this.failed.set(id, describeUnparsed(id, entry, 'entry_malformed', 'no verdict'));
				return;
			}
			if (!verdict.parsed.ok) {
				this.unparsed(id, entry, verdict.parsed);
				return;
			}
			const parsed = verdict.parsed.value;
			this.parsed.set(id, parsed);
			this.unchecked.add(id);
			// No verdict: not this author's record after all; verifyPending judges it.
			if (verdict.verified) this.judged(parsed, verdict.verified);
		});
	}

	/** An entry that did not parse: listed with the reason, and suspected of being junk. */
	private unparsed(id: string, value: unknown, failure: { code: ReasonCode; message: string }) {
		this.failed.set(id, describeUnparsed(id, value, failure.code, failure.message));
		if (BEFORE_ID.has(failure.code)) this.suspects.add(id);
	}

	/**
	 * Remove junk (junk.ts) from the map, within this pass's bounds. Each verdict is on what
	 * the map holds under the id, never on a preloaded copy, and an entry is deleted only if
	 * it is still that very value: a record that replaced it since is never touched. Records
	 * this peer verified are healed instead; records awaiting a verdict (publish) wait for a
	 * later pass. Deleting the same Yjs item twice is a no-op, so honest peers converge.
	 */
	private async sweep(): Promise<void> {
		const batch: { id: string; value: unknown }[] = [];
		let bytes = 0;
		let more = false;
		for (const id of this.suspects) {
			if (this.published.has(id) || this.waiters.has(id)) continue;
			if (this.verified.has(id) || !this.map.has(id)) {
				this.suspects.delete(id);
				continue;
			}
			const value = this.map.get(id);
			// UTF-8 takes at most 3 bytes per UTF-16 unit: the bound holds whatever the text. A
			// larger entry still gets a pass, alone.
			const size = 3 * (storedEntry(value)?.record.length ?? 0);
			if (batch.length >= REMOVE_PER_PASS || (batch.length && bytes + size > HASH_PER_PASS)) {
				more = true;
				break;
			}
			this.suspects.delete(id);
			batch.push({ id, value });
			bytes += size;
		}
		if (!batch.length) return;
		const reasons = await Promise.all(batch.map(({ id, value }) => junkReason(id, value, true)));
		const doomed = batch
			.filter(({ id, value }, i) => {
				const unchanged = this.map.has(id) && this.map.get(id) === value;
				return reasons[i] && unchanged && !this.verified.has(id) && !this.published.has(id);
			})
			.map(({ id }) => id);
		for (let i = 0; i < doomed.length; i += REMOVE_PER_TRANSACTION) {
			const ids = doomed.slice(i, i + REMOVE_PER_TRANSACTION);
			this.map.doc?.transact(() => {
				for (const id of ids) this.map.delete(id);
			}, this);
		}
		for (const id of doomed) {
			this.failed.delete(id);
			this.parsed.delete(id);
			this.unchecked.delete(id);
		}
		this.removed += doomed.length;
		if (more) {
			this.sweepAgain = true;
			this.schedule();
		}
	}

	/** Settle contested entries, heal, and verify the new records of one read. */
	private async verifyRead({ ids, toHeal, contested, toCheck }: Read): Promise<void> {
		if (contested.length) {
			const results = await this.verifier.verifyMany(contested);
			results.forEach((result, i) => {
				const { mine } = contested[i]!;
				if (result.ok) {
					this.accept(result.value);
					this.parsed.set(mine.id, result.value);
				} else toHeal.push(mine);
			});
		}
		if (toHeal.length) this.heal(toHeal);
		if (toCheck.length) await this.checkRead(toCheck);
		await this.verifyPending(ids);
		// Our own new records, judged from our copy while the map held something else: now
		// that they are verified, they go back into the map like any other healed record.
		const lost: Verified[] = [];
		for (const id of this.published.keys()) {
			const mine = this.verified.get(id);
			if (mine && !sameEntry(this.map.get(id), mine)) lost.push(mine);
		}
		if (lost.length) this.heal(lost);
	}

	private heal(records: Verified[]): void {
		this.healed += records.length;
		// A vandal may delete everything at once: put it back in bounded transactions too.
		const entries = records.map((r) => ({
			id: r.id,
			entry: { record: r.text, signature: r.signature }
		}));
		this.write(entries, this);
	}

	/**
	 * Set entries in transactions of at most MAX_TRANSACTION_BYTES (one entry bigger than
	 * that goes alone): each transaction is one update, and one message to every peer.
	 */
	private write(entries: { id: string; entry: SignedEntry }[], origin: unknown): void {
		let batch: typeof entries = [];
		let bytes = 0;
		const flush = () => {
			const items = batch;
			this.map.doc?.transact(() => {
				for (const { id, entry } of items) this.map.set(id, { ...entry });
			}, origin);
			batch = [];
			bytes = 0;
		};
		for (const item of entries) {
			const size = entryBytes(item.id, item.entry);
			if (batch.length && bytes + size > MAX_TRANSACTION_BYTES) flush();
			batch.push(item);
			bytes += size;
		}
		if (batch.length) flush();
	}

	/**
	 * Verify what waits in `unchecked` among `scope` (default: all of it). Keys come only from
	 * verified self-signed records (a forged citizen record must not shadow a real key);
	 * verifying them reveals new keys, and then everything still waiting is tried again.
	 */
	private async verifyPending(scope?: readonly string[]): Promise<void> {
		let candidates: Iterable<string> = scope ?? this.unchecked;
		while (this.unchecked.size > 0) {
			const keys = this.knownKeys();
			const items: { parsed: ParsedRecord; publicKey: string }[] = [];
			for (const id of candidates) {
				const parsed = this.unchecked.has(id) ? this.parsed.get(id) : undefined;
				const publicKey = parsed ? signingKeyFor(parsed, keys) : null;
				if (parsed && publicKey) items.push({ parsed, publicKey });
			}
			if (!items.length) return;
			const results = await this.verifier.verifyMany(items);
			results.forEach((result, i) => this.judged(items[i]!.parsed, result));
			// No record that carries a key was added: what still waits for one keeps waiting.
			if (this.keys === keys) return;
			candidates = this.unchecked;
		}
	}

	/**
	 * Derive the view from the verified set and tell listeners. `settled`: every change seen
	 * so far is checked, so records still missing a verdict can be given one; a view taken
	 * halfway through a large batch answers only those waiting on a genesis, citizen or
	 * invite record (what any other record needs may be in a later chunk).
	 */
	private recompute(settled: boolean): void {
		// The country is always deriveCountry of the verified set; unchanged set, same view.
		// extendCountry is that too (extend.property.test.ts), cheaper for a few new posts.
		const added = this.addedSinceView;
		const country = !this.verifiedChanged
			? this.current.country
			: this.judge
				? this.judge.derive(this.verified.values())
				: added
					? extendCountry(this.current.country, this.verified.values(), added)
					: deriveCountry(this.countryId, this.verified.values());
		this.verifiedChanged = false;
		this.addedSinceView = [];
		const keys = this.knownKeys();
		this.current = snapshotOf({
			country,
			healed: this.healed,
			removed: this.removed,
			countHeld: () => this.map.size,
			keys,
			parsed: [...this.parsed.values()],
			failed: [...this.failed]
		});
		if (!settled) this.current.partial = true;
		let rejected: Map<string, Rejection> | null = null;
		for (const [id, waiting] of this.waiters) {
			const parsed = this.parsed.get(id);
			// Halfway, only the frame's verdicts are final: every genesis, citizen and invite
			// record held was checked first (see process).
			if (!settled && !(parsed && FOUNDATIONAL_KINDS.has(parsed.record.kind))) continue;
			const entry = parsed
				? diagnose(parsed, {
						country,
						rejected: (rejected ??= rejectedById(country)),
						keys,
						failed: this.failed.get(id)
					})
				: this.failed.get(id);
			if (!entry || entry.status === 'pending') continue;
			this.waiters.delete(id);
			for (const resolve of waiting) resolve(entry);
		}
		this.emit('change', [this.current]);
	}
}

/** Past this many new records since the last view, deriving afresh is as cheap. */
const MAX_EXTEND = 256;

const rejectedById = (country: CountryView) => new Map(country.rejected.map((r) => [r.id, r]));

/** What a snapshot's diagnostics are read from. */
type Judged = {
	country: CountryView;
	rejected: ReadonlyMap<string, Rejection>;
	/** Author → key when the snapshot was taken: a pending record with one waits its turn. */
	keys: ReadonlyMap<string, string>;
	failed: DiagnosticEntry | undefined;
};

const PENDING_MESSAGE: Record<PendingReason, string> = {
	checking: 'not checked yet: its author’s key is here, and its turn will come',
	no_key: 'the author’s key is not here yet'
};

/** A parsed record's line in the diagnostics. */
function diagnose(parsed: ParsedRecord, judged: Judged): DiagnosticEntry {
	const base = describeRecord(parsed);
	if (judged.country.valid.has(parsed.id)) return { ...base, status: 'valid' };
	const rejection = judged.rejected.get(parsed.id);
	if (rejection) {
		return { ...base, status: 'invalid', code: rejection.code, message: rejection.message };
	}
	if (judged.failed) return judged.failed;
	const reason: PendingReason = signingKeyFor(parsed, judged.keys) ? 'checking' : 'no_key';
	return { ...base, status: 'pending', reason, message: PENDING_MESSAGE[reason] };
}

/**
 * A snapshot whose diagnostics (every record and its status, sorted) are built when first
 * read, from what was held when it was taken: most changes are never looked at that way.
 */
function snapshotOf(options: {
	country: CountryView;
	healed: number;
	removed: number;
	countHeld: () => number;
	keys: ReadonlyMap<string, string>;
	parsed: readonly ParsedRecord[];
	failed: readonly [string, DiagnosticEntry][];
}): StoreSnapshot {
	const { country, healed, removed, countHeld, keys, parsed, failed } = options;
	let diagnostics: DiagnosticEntry[] | null = null;
	let held: number | null = null;
	return {
		country,
		healed,
		removed,
		get held() {
			return (held ??= countHeld());
		},
		get diagnostics() {
			if (diagnostics) return diagnostics;
			const rejected = rejectedById(country);
			const failedById = new Map(failed);
			const list = parsed.map((p) =>
				diagnose(p, { country, rejected, keys, failed: failedById.get(p.id) })
			);
			const parsedIds = new Set(parsed.map((p) => p.id));
			for (const [id, entry] of failed) if (!parsedIds.has(id)) list.push(entry);
			list.sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || (a.id < b.id ? -1 : 1));
			return (diagnostics = list);
		}
	};
}

/** What every diagnostic says of a parsed record, whatever its verdict. */
export function describeRecord(parsed: ParsedRecord): Omit<DiagnosticEntry, keyof RecordStatus> {
	return {
		id: parsed.id,
		kind: parsed.record.kind,
		author: parsed.record.author,
		at: parsed.record.at
	};
}

/** A diagnostic for an entry that did not parse, with what it claimed to be when readable. */
export function describeUnparsed(
	id: string,
	value: unknown,
	code: ReasonCode,
	message: string
): DiagnosticEntry {
	// Best effort to say what the junk claimed to be; never trust it.
	let kind = '?';
	let author = '';
	try {
		const text = (value as SignedEntry | null)?.record;
		if (typeof text === 'string' && text.length < 300_000) {
			const claimed = JSON.parse(text) as { kind?: unknown; author?: unknown };
			if (typeof claimed.kind === 'string') kind = claimed.kind.slice(0, 32);
			if (typeof claimed.author === 'string') author = claimed.author.slice(0, 64);
		}
	} catch {
		// unreadable: keep the placeholders
	}
	return { id: id.slice(0, 80), kind, author, at: null, status: 'invalid', code, message };
}
