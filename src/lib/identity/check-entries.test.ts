/**
 * Entries parsed and verified together (check-entries.ts), as the workers do for a large
 * sync: every entry, however hostile, gets exactly parseEntry's result, and a verdict only
 * when it parsed as a record of the expected author, the same verdict the checking of a
 * parsed record gives. Then the same through a verifier, inline and through its pool.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeGenesis, makePost } from '../model';
import { sha256Hex } from '../model/hash';
import { parseEntry, type AnyRecord, type SignedEntry } from '../model/record';
import { checkEntries, handleAnyRequest, handleEntryRequest } from './check-entries';
import { fixtureKey, passphrases } from './fixtures';
import { importIdentity, signRecord, unlockIdentity, type IdentityKey } from './keys';
import type { WorkerLike } from './pool';
import { createVerifyCore, type VerifyCore } from './verify-core';
import { createVerifier, type EntryItem } from './verify';
import type { EntryJob, WorkerRequest } from './verify-protocol';

type Person = {
	key: IdentityKey;
	sign: (record: AnyRecord) => Promise<Stored>;
	signText: (text: string) => Promise<string>;
};
type Stored = { id: string; entry: SignedEntry };

async function person(name: 'alice' | 'bob'): Promise<Person> {
	const key = await importIdentity({
		armored: fixtureKey(name, 'private'),
		passphrase: passphrases[name]
	});
	if (!key.ok) throw new Error(key.message);
	const session = await unlockIdentity(key.value, passphrases[name]);
	if (!session.ok) throw new Error(session.message);
	return {
		key: key.value,
		sign: async (record) => {
			const signed = await signRecord(session.value, record);
			if (!signed.ok) throw new Error(signed.message);
			return signed.value;
		},
		signText: (text) => session.value.signText(text)
	};
}

const COUNTRY = 'c0'.repeat(32);
const post = (author: IdentityKey, i: number) =>
	makePost({
		country: COUNTRY,
		author: author.fingerprint,
		at: 1_763_900_000_000 + i,
		title: `Post ${i} ✓`,
		body: `Body of post ${i}, with "quotes" and \\ and émoji 🗳️`
	});

let alice: Person;
let bob: Person;
/** Valid entries: alice's and bob's posts, and alice's genesis (which carries its key). */
let stored: Stored[];
/** bob's signature over alice's post: a forgery under the right id. */
let forged: Stored;
let core: VerifyCore;

beforeAll(async () => {
	[alice, bob] = await Promise.all([person('alice'), person('bob')]);
	const genesis = makeGenesis({
		author: alice.key.fingerprint,
		at: 1_763_900_000_000,
		name: 'Entries Republic',
		constitution: { admission: 'open', seats: 3, termDays: 365 },
		founderKey: alice.key.publicKey
	});
	stored = await Promise.all([
		alice.sign(post(alice.key, 1)),
		alice.sign(post(alice.key, 2)),
		bob.sign(post(bob.key, 3)),
		alice.sign(genesis)
	]);
	const real = await alice.sign(post(alice.key, 4));
	forged = {
		id: real.id,
		entry: { ...real.entry, signature: await bob.signText(real.entry.record) }
	};
	core = createVerifyCore();
});

/**
 * Whether a record is `author`'s and is checked with `publicKey`: a genesis or citizen record
 * is checked with the key it carries, any other with its author's.
 */
function signedWith(record: AnyRecord, author: string, publicKey: string): boolean {
	if (record.author !== author) return false;
	if (record.kind === 'genesis') return record.body.founderKey === publicKey;
	if (record.kind === 'citizen') return record.body.publicKey === publicKey;
	return true;
}

/** A hostile change to a stored entry: what the text, id or signature can become. */
type Mutation = (entry: { id: unknown; record: unknown; signature: unknown }) => void;

/** The entry's JSON written another way, under its new id (unchanged if it is not JSON). */
function reencode(e: Parameters<Mutation>[0], write: (value: unknown) => string) {
	let value: unknown;
	try {
		value = JSON.parse(String(e.record));
	} catch {
		return;
	}
	if (typeof value !== 'object' || value === null) return;
	e.record = write(value);
	e.id = sha256Hex(e.record as string);
}

const mutation = (): fc.Arbitrary<Mutation> =>
	fc.oneof(
		fc.constant<Mutation>(() => {}),
		fc.string().map<Mutation>((text) => (e) => (e.record = text)),
		fc.string().map<Mutation>((text) => (e) => {
			// Any text under its real id: only parsing can refuse it.
			e.record = text;
			e.id = sha256Hex(text);
		}),
		fc
			.tuple(fc.nat(), fc.constantFrom(' ', '\n', '{', '"', '\\', 'é', '\u2028'))
			.map<Mutation>(([at, char]) => (e) => {
				const text = String(e.record);
				const i = at % (text.length + 1);
				e.record = text.slice(0, i) + char + text.slice(i);
				e.id = sha256Hex(e.record as string);
			}),
		fc.nat().map<Mutation>((at) => (e) => {
			const text = String(e.record);
			e.record = text.slice(0, at % (text.length + 1));
		}),
		fc.constant<Mutation>((e) =>
			// The same record, not canonical: spaces between the tokens.
			reencode(e, (value) => JSON.stringify(value, null, 1))
		),
		fc.constant<Mutation>((e) =>
			// Keys in another order: the author is no longer where the page reads it.
			reencode(e, (value) =>
				JSON.stringify(Object.fromEntries(Object.entries(value as object).reverse()))
			)
		),
		fc
			.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
			.map<Mutation>((id) => (e) => (e.id = id)),
		fc.string({ maxLength: 200 }).map<Mutation>((s) => (e) => (e.signature = s)),
		fc.constantFrom<Mutation>(
			(e) => (e.signature = String(e.signature).slice(4)),
			(e) => (e.signature = `${e.signature}=`),
			(e) => (e.record = null),
			(e) => (e.record = 42),
			(e) => (e.signature = undefined),
			(e) => (e.id = undefined),
			(e) => (e.record = 'x'.repeat(300_000))
		)
	);

/** A job: a stored entry, maybe mutated, with an expected author and a key, maybe wrong. */
const job = (): fc.Arbitrary<EntryJob> =>
	fc
		.record({
			base: fc.nat(),
			mutations: fc.array(mutation(), { maxLength: 2 }),
			author: fc.constantFrom('alice', 'bob', 'claimed'),
			key: fc.constantFrom('alice', 'bob', 'none'),
			checkSignature: fc.boolean()
		})
		.map(({ base, mutations, author, key, checkSignature }) => {
			const all = [...stored, forged];
			const chosen = all[base % all.length]!;
			const e: { id: unknown; record: unknown; signature: unknown } = {
				id: chosen.id,
				record: chosen.entry.record,
				signature: chosen.entry.signature
			};
			for (const change of mutations) change(e);
			const claimed = /"author":"([0-9a-f]+)"/.exec(String(e.record))?.[1] ?? '';
			const people = { alice: alice.key, bob: bob.key };
			return {
				id: e.id,
				record: e.record,
				signature: e.signature,
				author: author === 'claimed' ? claimed : people[author].fingerprint,
				publicKey: key === 'none' ? 'not a key' : people[key].publicKey,
				checkSignature
			} as EntryJob;
		});

describe('checkEntries', () => {
	it('[parse] parses every entry exactly as parseEntry does, and judges it as the core does', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(job(), { minLength: 1, maxLength: 6 }), async (jobs) => {
				const result = await checkEntries(core, structuredClone(jobs));
				expect(result.outcomes).toHaveLength(jobs.length);
				for (const [i, j] of jobs.entries()) {
					const said = result.outcomes[i]!;
					const parsed = parseEntry(j.id as string, {
						record: j.record,
						signature: j.signature
					});
					if (!parsed.ok) {
						expect(said.parsed).toEqual(parsed);
						expect(said.outcome).toBeNull();
						continue;
					}
					expect(said.parsed).toEqual({ ok: true, record: parsed.value.record });
					const judged = signedWith(parsed.value.record, j.author, j.publicKey);
					if (!judged) {
						expect(said.outcome).toBeNull();
						continue;
					}
					const [expected] = await core.verifyBatch([
						{
							id: parsed.value.id,
							text: parsed.value.text,
							signature: parsed.value.signature,
							publicKey: j.publicKey,
							author: j.author,
							checkSignature: j.checkSignature
						}
					]);
					expect(said.outcome).toEqual(expected);
				}
				// Indices of fast checks and key facts name entries, not the jobs verified.
				for (const i of result.fast) expect(result.outcomes[i]?.outcome?.checked).toBe(true);
				for (const [i] of result.facts) expect(result.outcomes[i]?.outcome).not.toBeNull();
			}),
			{ numRuns: 150, seed: 20261203 }
		);
	});

	it('parses a request of more text than is hashed at once as parseEntry does, in order', async () => {
		// 24 records of ~250 KB (6 MB): several groups of hashing. Every other id is right.
		const jobs = Array.from({ length: 24 }, (_, i): EntryJob => {
			const record = `{"text":"${String(i).padEnd(250_000, 'x')}"}`;
			return {
				id: i % 2 ? sha256Hex(record) : sha256Hex(`not ${i}`),
				record,
				signature: 'AAAA',
				author: 'nobody',
				publicKey: 'not a key',
				checkSignature: true
			};
		});
		const result = await checkEntries(core, jobs);
		const expected = jobs.map((j) =>
			parseEntry(j.id, { record: j.record, signature: j.signature })
		);
		expect(result.outcomes.map((o) => o.parsed)).toEqual(expected);
		expect(expected.map((e) => !e.ok && e.message)).toContain('record does not match its id');
		expect(new Set(expected.map((e) => !e.ok && e.code)).size).toBe(2);
	});

	it('answers a malformed request with an error, never throws', async () => {
		const bad = [
			{ seq: 'x', keys: [], jobs: [], entries: [] },
			{ seq: 1, keys: null, jobs: [], entries: [] },
			{ seq: 2, keys: [], jobs: [], entries: {} }
		];
		for (const request of bad) {
			const response = await handleEntryRequest(core, request as unknown as WorkerRequest);
			expect(response).toHaveProperty('error');
		}
		const odd = await handleEntryRequest(core, {
			seq: 3,
			keys: [],
			jobs: [],
			entries: [null, 5, { key: 9 }] as never
		});
		expect('outcomes' in odd && odd.outcomes.map((o) => o.parsed.ok)).toEqual([
			false,
			false,
			false
		]);
	});
});

/** A worker in this process: requests answered as verify.worker.ts (and a thread) answer them. */
class InProcessWorker implements WorkerLike {
	onmessage: ((event: MessageEvent) => void) | null = null;
	onerror: ((event: ErrorEvent) => void) | null = null;
	readonly requests: WorkerRequest[] = [];
	private readonly core = createVerifyCore();
	postMessage(message: unknown): void {
		const request = structuredClone(message) as WorkerRequest;
		this.requests.push(request);
		void handleAnyRequest(this.core, request).then((data) =>
			this.onmessage?.({ data } as MessageEvent)
		);
	}
	terminate(): void {}
}

describe('Verifier.checkEntries', () => {
	/** The verdicts parseEntry and verifyMany give the same items. */
	async function reference(items: EntryItem[]) {
		const verifier = createVerifier({ useWorkers: false });
		const out = [];
		for (const { id, entry, author, publicKey } of items) {
			const parsed = parseEntry(id, entry);
			const judged = parsed.ok && signedWith(parsed.value.record, author, publicKey);
			const [verified] = judged
				? await verifier.verifyMany([{ parsed: parsed.value, publicKey }])
				: [null];
			out.push({ parsed, verified });
		}
		return out;
	}

	it.each(['inline', 'workers'] as const)(
		'gives what parseEntry and verifyMany give, forgeries rejected (%s)',
		async (where) => {
			const workers: InProcessWorker[] = [];
			const verifier = createVerifier({
				useWorkers: where === 'workers',
				poolSize: 2,
				createWorker: () => {
					const worker = new InProcessWorker();
					workers.push(worker);
					return worker;
				}
			});
			const items: EntryItem[] = [];
			for (let i = 0; i < 12; i++) {
				for (const s of [...stored, forged]) {
					const author = /"author":"([0-9a-f]+)"/.exec(s.entry.record)![1]!;
					const key = author === bob.key.fingerprint ? bob.key : alice.key;
					items.push({ ...s, author, publicKey: key.publicKey });
				}
			}
			// An entry whose text is not canonical, and one another author's key is given for.
			items.push({
				...stored[0]!,
				entry: { ...stored[0]!.entry, record: ' ' },
				author: 'a',
				publicKey: ''
			});
			items.push({ ...stored[2]!, author: bob.key.fingerprint, publicKey: alice.key.publicKey });
			const verdicts = await verifier.checkEntries(items);
			expect(verdicts).toEqual(await reference(items));
			const forgedAt = items.findIndex((item) => item.entry === forged.entry);
			expect(verdicts[forgedAt]?.verified).toMatchObject({ ok: false, code: 'signature_invalid' });
			if (where === 'workers') {
				// Parsed in the workers: the page sent entries, not parsed records.
				const sent = workers.flatMap((w) => w.requests).filter((r) => !r.warmUp);
				expect(sent.length).toBeGreaterThanOrEqual(2);
				for (const request of sent) expect(request.entries?.length).toBeGreaterThan(0);
			}
			// Verdicts are remembered: the same parsed record through verifyMany is a memory hit.
			const first = verdicts[0]!;
			if (!first.parsed.ok) throw new Error('expected a parsed record');
			const before = verifier.stats().memoryHits;
			await verifier.verifyMany([{ parsed: first.parsed.value, publicKey: alice.key.publicKey }]);
			expect(verifier.stats().memoryHits).toBe(before + 1);
			// The same entries again (a store reopened in this process): what passed is not
			// checked again; only the signatures found invalid are.
			const checks = verifier.stats().signatureChecks;
			const rejected = verdicts.filter(
				(v) => v.verified && !v.verified.ok && v.verified.code === 'signature_invalid'
			).length;
			expect(await verifier.checkEntries(items)).toEqual(verdicts);
			expect(verifier.stats().signatureChecks).toBe(checks + rejected);
			verifier.destroy();
		}
	);
});
