import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { makeGenesis } from '../model';
import { sha256Hex } from '../model/hash';
import { parseEntry, type AnyRecord, type ParsedRecord } from '../model/record';
import { base64ToBytes, bytesToBase64 } from './base64';
import { fixtureKey, passphrases, vectors } from './fixtures';
import {
	importIdentity,
	signRecord,
	unlockIdentity,
	type IdentityKey,
	type UnlockedIdentity
} from './keys';
import type { WorkerLike } from './pool';
import { createVerifiedCacheStore } from './store';
import { createVerifyCore, handleRequest, packRequest, type WorkerRequest } from './verify-core';
import { WARM_UP_JOB } from './warm-up';
import {
	createVerifier,
	verifiedCacheKey,
	type PersistentVerifiedCache,
	type VerifyItem
} from './verify';

type Person = { key: IdentityKey; session: UnlockedIdentity };
let alice: Person;
let bob: Person;

async function person(name: 'alice' | 'bob'): Promise<Person> {
	const key = await importIdentity({
		armored: fixtureKey(name, 'private'),
		passphrase: passphrases[name]
	});
	if (!key.ok) throw new Error(key.message);
	const session = await unlockIdentity(key.value, passphrases[name]);
	if (!session.ok) throw new Error(session.message);
	return { key: key.value, session: session.value };
}

const genesis = (author: IdentityKey, name = 'Test Republic', at = 1_763_900_000_000) =>
	makeGenesis({
		author: author.fingerprint,
		at,
		name,
		constitution: { admission: 'open', seats: 3, termDays: 365 },
		founderKey: author.publicKey
	});

async function signed(by: Person, record: AnyRecord): Promise<ParsedRecord> {
	const result = await signRecord(by.session, record);
	if (!result.ok) throw new Error(result.message);
	const parsed = parseEntry(result.value.id, result.value.entry);
	if (!parsed.ok) throw new Error(parsed.message);
	return parsed.value;
}

/** A parsed record with other text, under the id that text really has. */
function withText(parsed: ParsedRecord, text: string): ParsedRecord {
	const again = parseEntry(sha256Hex(text), { record: text, signature: parsed.signature });
	if (!again.ok) throw new Error(again.message);
	return again.value;
}

function flipByte(signature: string, index: number, mask = 0x01): string {
	const bytes = base64ToBytes(signature) as Uint8Array;
	// Negative indexes count from the end.
	const at = (index + bytes.length) % bytes.length;
	bytes[at] = (bytes[at] as number) ^ mask;
	return bytesToBase64(bytes);
}

let good: ParsedRecord;
let goodBob: ParsedRecord;
beforeAll(async () => {
	[alice, bob] = await Promise.all([person('alice'), person('bob')]);
	good = await signed(alice, genesis(alice.key));
	goodBob = await signed(bob, genesis(bob.key));
});

describe('verify: what passes and what is rejected, and why', () => {
	type Case = [string, () => Promise<VerifyItem> | VerifyItem, 'ok' | string];
	const cases: Case[] = [
		[
			'a record signed by its author',
			() => ({ parsed: good, publicKey: alice.key.publicKey }),
			'ok'
		],
		[
			'tampered text (the id follows the text)',
			() => ({
				parsed: withText(good, good.text.replace('Test Republic', 'Test Repubmic')),
				publicKey: alice.key.publicKey
			}),
			'signature_invalid'
		],
		[
			'tampered signature (last byte)',
			() => ({
				parsed: { ...good, signature: flipByte(good.signature, -1) },
				publicKey: alice.key.publicKey
			}),
			'signature_invalid'
		],
		[
			'garbage base64 signature',
			() => ({ parsed: { ...good, signature: 'AAAA' }, publicKey: alice.key.publicKey }),
			'signature_invalid'
		],
		[
			'a signature that is not base64 at all',
			() => ({ parsed: { ...good, signature: 'not base64!' }, publicKey: alice.key.publicKey }),
			'signature_invalid'
		],
		[
			'an empty signature',
			() => ({ parsed: { ...good, signature: '' }, publicKey: alice.key.publicKey }),
			'signature_invalid'
		],
		[
			'two signatures in one (a bundle where any one might pass)',
			async () => ({
				parsed: {
					...good,
					signature: bytesToBase64(
						new Uint8Array([
							...(base64ToBytes(good.signature) as Uint8Array),
							...(base64ToBytes(await bob.session.signText(good.text)) as Uint8Array)
						])
					)
				},
				publicKey: alice.key.publicKey
			}),
			'signature_invalid'
		],
		[
			'signed by another key, checked with the author’s key',
			async () => ({
				parsed: { ...good, signature: await bob.session.signText(good.text) },
				publicKey: alice.key.publicKey
			}),
			'signature_invalid'
		],
		[
			'signed by another key, checked with that key (fingerprint ≠ author)',
			async () => ({
				parsed: { ...good, signature: await bob.session.signText(good.text) },
				publicKey: bob.key.publicKey
			}),
			'key_mismatch'
		],
		[
			'a good signature checked with a key that is not the author’s',
			() => ({ parsed: good, publicKey: bob.key.publicKey }),
			'key_mismatch'
		],
		['a garbage key', () => ({ parsed: good, publicKey: 'not a key' }), 'key_mismatch'],
		['an empty key', () => ({ parsed: good, publicKey: '' }), 'key_mismatch'],
		['a huge key', () => ({ parsed: good, publicKey: 'A'.repeat(100_000) }), 'key_mismatch'],
		[
			'an id that is not the hash of the text',
			() => ({ parsed: { ...good, id: 'f'.repeat(64) }, publicKey: alice.key.publicKey }),
			'record_malformed'
		],
		[
			'not a parsed record',
			() => ({ parsed: null as unknown as ParsedRecord, publicKey: alice.key.publicKey }),
			'entry_malformed'
		],
		[
			'a parsed record without a record',
			() => ({
				parsed: { id: good.id, text: good.text, signature: good.signature } as ParsedRecord,
				publicKey: alice.key.publicKey
			}),
			'entry_malformed'
		]
	];

	it.each(cases)('%s → %s', async (_, make, expected) => {
		const item = await make();
		const result = await createVerifier().verify(item.parsed, item.publicKey);
		if (expected === 'ok') {
			expect(result.ok).toBe(true);
			if (result.ok) expect(result.value).toBe(item.parsed);
		} else {
			expect(result).toMatchObject({ ok: false, code: expected });
		}
	});

	it('rejects any single flipped bit in the signature (seeded)', async () => {
		const verifier = createVerifier();
		const length = (base64ToBytes(good.signature) as Uint8Array).length;
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 0, max: length - 1 }),
				fc.integer({ min: 0, max: 7 }),
				async (index, bit) => {
					const parsed = { ...good, signature: flipByte(good.signature, index, 1 << bit) };
					const result = await verifier.verify(parsed, alice.key.publicKey);
					expect(result.ok).toBe(false);
				}
			),
			{ seed: 424242, numRuns: 60 }
		);
	});

	it('rejects any single changed character in the text (seeded)', async () => {
		const verifier = createVerifier();
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 0, max: good.text.length - 1 }), async (index) => {
				const text = good.text.slice(0, index) + '\u0000' + good.text.slice(index + 1);
				const parsed = { ...good, id: sha256Hex(text), text };
				expect((await verifier.verify(parsed, alice.key.publicKey)).ok).toBe(false);
			}),
			{ seed: 777, numRuns: 40 }
		);
	});
});

describe('verifyMany', () => {
	it('keeps the order and mixes results', async () => {
		const verifier = createVerifier();
		const forged = { ...good, signature: await bob.session.signText(good.text) };
		const items: VerifyItem[] = [
			{ parsed: good, publicKey: alice.key.publicKey },
			{ parsed: forged, publicKey: alice.key.publicKey },
			{ parsed: goodBob, publicKey: bob.key.publicKey },
			{ parsed: good, publicKey: bob.key.publicKey },
			{ parsed: good, publicKey: alice.key.publicKey },
			{ parsed: goodBob, publicKey: 'garbage' }
		];
		const results = await verifier.verifyMany(items);
		expect(results.map((r) => (r.ok ? r.value.id : r.code))).toEqual([
			good.id,
			'signature_invalid',
			goodBob.id,
			'key_mismatch',
			good.id,
			'key_mismatch'
		]);
		expect(await verifier.verifyMany([])).toEqual([]);
	});
});

describe('the in-memory cache', () => {
	it('checks a signature once, good or bad', async () => {
		const verifier = createVerifier();
		const bad = { ...good, signature: flipByte(good.signature, -1) };
		for (let i = 0; i < 3; i++) {
			expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
			expect((await verifier.verify(bad, alice.key.publicKey)).ok).toBe(false);
		}
		expect(verifier.stats()).toMatchObject({
			requests: 6,
			signatureChecks: 2,
			memoryHits: 4,
			rejected: 3,
			memoryEntries: 1,
			knownKeys: 1,
			workers: 0
		});
	});

	it('still holds the key against the author on a cache hit', async () => {
		const verifier = createVerifier();
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		// Learn bob's fingerprint, then try alice's cached record with bob's key.
		expect((await verifier.verify(goodBob, bob.key.publicKey)).ok).toBe(true);
		expect(await verifier.verify(good, bob.key.publicKey)).toMatchObject({
			ok: false,
			code: 'key_mismatch'
		});
		expect(await verifier.verify(good, 'garbage')).toMatchObject({ code: 'key_mismatch' });
		expect(await verifier.verify(good, 'garbage')).toMatchObject({ code: 'key_mismatch' });
		expect(verifier.stats().signatureChecks).toBe(2);
	});

	it('does not let a cached id vouch for another signature', async () => {
		const verifier = createVerifier();
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		const other = { ...good, signature: flipByte(good.signature, -1) };
		expect((await verifier.verify(other, alice.key.publicKey)).ok).toBe(false);
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
	});

	it('forgets the oldest records beyond memoryEntries', async () => {
		const verifier = createVerifier({ memoryEntries: 1 });
		await verifier.verifyMany([
			{ parsed: good, publicKey: alice.key.publicKey },
			{ parsed: goodBob, publicKey: bob.key.publicKey }
		]);
		expect(verifier.stats().memoryEntries).toBe(1);
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		expect(verifier.stats().signatureChecks).toBe(3);
	});
});

describe('the persistent cache (fake-indexeddb)', () => {
	it('vouches across verifiers for positives only; the key is still checked', async () => {
		const dbName = `verified-${Math.random()}`;
		const bad = { ...good, signature: flipByte(good.signature, -1) };
		const items = [
			{ parsed: good, publicKey: alice.key.publicKey },
			{ parsed: goodBob, publicKey: bob.key.publicKey },
			{ parsed: bad, publicKey: alice.key.publicKey }
		];
		const first = createVerifier({
			cache: createVerifiedCacheStore(dbName),
			persistentLookupMin: 1
		});
		const before = await first.verifyMany(items);
		expect(before.map((r) => r.ok)).toEqual([true, true, false]);
		expect(first.stats()).toMatchObject({ signatureChecks: 3, persistentHits: 0 });

		const store = createVerifiedCacheStore(dbName);
		expect(
			await store.hasMany([
				verifiedCacheKey(good.id, alice.key.fingerprint, good.signature),
				verifiedCacheKey(goodBob.id, bob.key.fingerprint, goodBob.signature),
				verifiedCacheKey(bad.id, alice.key.fingerprint, bad.signature)
			])
		).toEqual([true, true, false]);

		const second = createVerifier({ cache: store, persistentLookupMin: 1 });
		const after = await second.verifyMany([
			...items,
			{ parsed: good, publicKey: bob.key.publicKey },
			// A cached id with text that is not its own must not borrow the result.
			{ parsed: { ...good, text: goodBob.text }, publicKey: alice.key.publicKey }
		]);
		expect(after.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
			'ok',
			'ok',
			'signature_invalid',
			'key_mismatch',
			'record_malformed'
		]);
		expect(second.stats()).toMatchObject({ persistentHits: 2, signatureChecks: 1 });
		store.close();
	});

	it('keeps verifying when the cache fails', async () => {
		const broken: PersistentVerifiedCache = {
			hasMany: () => Promise.reject(new Error('IndexedDB blocked')),
			addMany: () => Promise.reject(new Error('quota'))
		};
		const verifier = createVerifier({ cache: broken, persistentLookupMin: 1 });
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		// Remembering a positive is not awaited: its failure is counted a moment later.
		await vi.waitFor(() =>
			expect(verifier.stats()).toMatchObject({ cacheErrors: 2, signatureChecks: 1 })
		);
	});

	it('stores positives of small (live) batches a moment later, together', async () => {
		const writes: string[][] = [];
		const recording: PersistentVerifiedCache = {
			hasMany: async (keys) => keys.map(() => false),
			addMany: async (keys) => {
				writes.push([...keys]);
			}
		};
		const verifier = createVerifier({ cache: recording, persistentLookupMin: 16 });
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		expect((await verifier.verify(goodBob, bob.key.publicKey)).ok).toBe(true);
		// The verdicts are out; nothing has touched the store yet.
		expect(writes).toEqual([]);
		await vi.waitFor(() => expect(writes).toHaveLength(1));
		expect(writes[0]).toEqual([
			verifiedCacheKey(good.id, alice.key.fingerprint, good.signature),
			verifiedCacheKey(goodBob.id, bob.key.fingerprint, goodBob.signature)
		]);
	});

	it('stores what is still waiting when destroyed', async () => {
		const writes: string[][] = [];
		const recording: PersistentVerifiedCache = {
			hasMany: async (keys) => keys.map(() => false),
			addMany: async (keys) => {
				writes.push([...keys]);
			}
		};
		const verifier = createVerifier({ cache: recording });
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		verifier.destroy();
		expect(writes).toEqual([[verifiedCacheKey(good.id, alice.key.fingerprint, good.signature)]]);
	});

	it('skips the persistent lookup for small (live) batches', async () => {
		let lookups = 0;
		const counting: PersistentVerifiedCache = {
			hasMany: async (keys) => {
				lookups++;
				return keys.map(() => false);
			},
			addMany: async () => {}
		};
		const verifier = createVerifier({ cache: counting, persistentLookupMin: 2 });
		await verifier.verify(good, alice.key.publicKey);
		expect(lookups).toBe(0);
		await verifier.verifyMany([
			{ parsed: goodBob, publicKey: bob.key.publicKey },
			{
				parsed: { ...good, signature: flipByte(good.signature, -1) },
				publicKey: alice.key.publicKey
			}
		]);
		expect(lookups).toBe(1);
	});
});

/** A worker stand-in: the real worker code, in this process, with cloned messages. */
class InProcessWorker implements WorkerLike {
	onmessage: ((event: MessageEvent) => void) | null = null;
	onerror: ((event: ErrorEvent) => void) | null = null;
	readonly received: WorkerRequest[] = [];
	private readonly core = createVerifyCore();
	constructor(private readonly behaviour: 'ok' | 'crash' | 'error-reply' = 'ok') {}
	postMessage(message: unknown): void {
		const request = structuredClone(message) as WorkerRequest;
		this.received.push(request);
		queueMicrotask(() => {
			if (this.behaviour === 'crash') {
				this.onerror?.({ message: 'boom' } as ErrorEvent);
				return;
			}
			if (this.behaviour === 'error-reply') {
				this.onmessage?.({ data: { seq: request.seq, error: 'nope' } } as MessageEvent);
				return;
			}
			void handleRequest(this.core, request).then((response) =>
				this.onmessage?.({ data: structuredClone(response) } as MessageEvent)
			);
		});
	}
	terminate(): void {}
}

describe('the worker pool', () => {
	const many = (count: number): VerifyItem[] =>
		Array.from({ length: count }, (_, i) => ({
			parsed: i % 2 ? good : goodBob,
			publicKey: i % 2 ? alice.key.publicKey : bob.key.publicKey
		}));

	it('splits a batch into a few messages across the workers, in order', async () => {
		const workers: InProcessWorker[] = [];
		const verifier = createVerifier({
			poolSize: 2,
			createWorker: () => {
				const worker = new InProcessWorker();
				workers.push(worker);
				return worker;
			}
		});
		const items = many(300);
		const started = performance.now();
		const results = await verifier.verifyMany(items);
		expect(results.every((r, i) => r.ok && r.value === items[i]?.parsed)).toBe(true);
		expect(workers).toHaveLength(2);
		expect(workers.map((w) => w.received.length)).toEqual([1, 1]);
		expect(verifier.stats()).toMatchObject({ workers: 2, messages: 2, signatureChecks: 300 });
		// The workers say how long they worked: some time, not more than the batch took here.
		const { workerMs } = verifier.stats();
		expect(workerMs).toBeGreaterThan(0);
		expect(workerMs).toBeLessThan(2 * (performance.now() - started));

		// All cached now: no more messages.
		await verifier.verifyMany(items);
		expect(verifier.stats()).toMatchObject({ messages: 2, memoryHits: 300 });
	});

	it('cuts big batches into bounded messages', async () => {
		const verifier = createVerifier({ poolSize: 1, createWorker: () => new InProcessWorker() });
		const bad = { ...good, signature: flipByte(good.signature, -1) };
		// Distinct signatures so nothing is answered from memory.
		const items = Array.from({ length: 600 }, (_, i) => ({
			parsed: { ...bad, signature: flipByte(bad.signature, i % 60, 2) },
			publicKey: alice.key.publicKey
		}));
		const results = await verifier.verifyMany(items);
		expect(results.every((r) => !r.ok)).toBe(true);
		expect(verifier.stats().messages).toBe(3);
	});

	it('sends verify() calls made in the same tick as one message', async () => {
		const worker = new InProcessWorker();
		const verifier = createVerifier({ poolSize: 1, createWorker: () => worker });
		const results = await Promise.all(
			many(10).map(({ parsed, publicKey }) => verifier.verify(parsed, publicKey))
		);
		expect(results.every((r) => r.ok)).toBe(true);
		expect(worker.received).toHaveLength(1);
	});

	it.each([
		['crashes', () => new InProcessWorker('crash')],
		['answers with an error', () => new InProcessWorker('error-reply')],
		[
			'cannot start',
			() => {
				throw new Error('module workers unsupported');
			}
		]
	] as const)('falls back to inline when a worker %s', async (_, createWorker) => {
		const verifier = createVerifier({ poolSize: 2, createWorker });
		const items = [...many(4), { parsed: good, publicKey: bob.key.publicKey }];
		const results = await verifier.verifyMany(items);
		expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
			'ok',
			'ok',
			'ok',
			'ok',
			'key_mismatch'
		]);
	});

	it('checks a few signatures inline, more in the workers', async () => {
		const worker = new InProcessWorker();
		const verifier = createVerifier({ poolSize: 1, createWorker: () => worker, inlineMax: 2 });
		const bad = { ...good, signature: flipByte(good.signature, -1) };
		const two = await verifier.verifyMany([
			{ parsed: good, publicKey: alice.key.publicKey },
			{ parsed: bad, publicKey: alice.key.publicKey }
		]);
		expect(two.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'signature_invalid']);
		expect(worker.received).toHaveLength(0);
		expect(verifier.stats()).toMatchObject({ signatureChecks: 2, messages: 0 });
		// Three signatures never seen: one message to the worker.
		const three = await verifier.verifyMany(
			[1, 2, 3].map((n) => ({
				parsed: { ...goodBob, signature: flipByte(goodBob.signature, -n) },
				publicKey: bob.key.publicKey
			}))
		);
		expect(three.every((r) => !r.ok)).toBe(true);
		expect(worker.received).toHaveLength(1);
	});

	it('works inline after destroy()', async () => {
		const worker = new InProcessWorker();
		const verifier = createVerifier({ poolSize: 1, createWorker: () => worker, inlineMax: 0 });
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		verifier.destroy();
		expect(verifier.stats()).toMatchObject({ workers: 0, memoryEntries: 0, knownKeys: 0 });
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		expect(worker.received).toHaveLength(1);
	});

	it('runs inline in Node, where there is no Worker', async () => {
		const verifier = createVerifier({ useWorkers: true });
		await verifier.warmUp();
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		expect(verifier.stats().workers).toBe(0);
		// The warm-up's built-in record is not counted as a check.
		expect(verifier.stats()).toMatchObject({ signatureChecks: 1, fastChecks: 1 });
	});

	it('warmUp starts the workers before the first record and warms them in turn, once', async () => {
		const workers: InProcessWorker[] = [];
		const verifier = createVerifier({
			poolSize: 2,
			createWorker: () => {
				const worker = new InProcessWorker();
				workers.push(worker);
				return worker;
			}
		});
		await Promise.all([verifier.warmUp(), verifier.warmUp()]);
		expect(verifier.stats().workers).toBe(2);
		// The second is warmed once the first has answered (when warmUp resolves).
		expect(workers.map((w) => w.received)).toEqual([
			[{ seq: 0, keys: [], jobs: [], warmUp: true }],
			[{ seq: 1, keys: [], jobs: [], warmUp: true }]
		]);
		expect((await verifier.verify(good, alice.key.publicKey)).ok).toBe(true);
		expect(workers).toHaveLength(2);
	});

	it('warmUp after destroy does nothing and still resolves', async () => {
		const verifier = createVerifier({ poolSize: 1, createWorker: () => new InProcessWorker() });
		verifier.destroy();
		await verifier.warmUp();
		expect(verifier.stats().workers).toBe(0);
	});
});

describe('the worker protocol', () => {
	it.each([null, 42, { seq: 1 }, { jobs: [] }, { seq: 1, keys: 'k', jobs: [] }])(
		'answers %j with an error',
		async (request) => {
			const response = await handleRequest(createVerifyCore(), request);
			expect(response).toHaveProperty('error');
		}
	);

	it('reads packed requests: each key once, jobs pointing at it', async () => {
		const job = (parsed: ParsedRecord, publicKey: string) => ({
			id: parsed.id,
			text: parsed.text,
			signature: parsed.signature,
			publicKey,
			author: parsed.record.author,
			checkSignature: true
		});
		const jobs = [
			job(good, alice.key.publicKey),
			job(goodBob, bob.key.publicKey),
			job(good, alice.key.publicKey),
			job(goodBob, alice.key.publicKey)
		];
		const request = packRequest(7, jobs);
		expect(request.keys).toEqual([alice.key.publicKey, bob.key.publicKey]);
		expect(request.jobs.map((j) => j.key)).toEqual([0, 1, 0, 0]);
		const response = await handleRequest(createVerifyCore(), structuredClone(request));
		expect(response).toMatchObject({ seq: 7 });
		const outcomes = 'outcomes' in response ? response.outcomes : [];
		expect(outcomes.map((o) => o.code)).toEqual([null, null, null, 'key_mismatch']);
	});

	it.each([-1, 2, 0.5, '0', undefined])(
		'rejects a packed job whose key index is %j as having no key',
		async (key) => {
			const request = packRequest(1, [
				{
					id: good.id,
					text: good.text,
					signature: good.signature,
					publicKey: alice.key.publicKey,
					author: alice.key.fingerprint,
					checkSignature: true
				}
			]);
			request.keys.push(bob.key.publicKey);
			const bad = { ...request, jobs: [{ ...request.jobs[0]!, key: key as number }] };
			const response = await handleRequest(createVerifyCore(), bad);
			expect(response).toMatchObject({
				seq: 1,
				outcomes: [{ code: 'key_mismatch', message: 'no public key given' }]
			});
		}
	);

	it('warms up on a real vector: the genesis-openpgpjs-v4 record, which verifies', async () => {
		const vector = vectors().find((v) => v.name === 'genesis-openpgpjs-v4')!;
		expect(WARM_UP_JOB).toEqual({
			id: vector.entry.id,
			text: vector.entry.record,
			signature: vector.entry.signature,
			publicKey: vector.publicKey,
			author: (JSON.parse(vector.entry.record) as { author: string }).author,
			checkSignature: true
		});
		expect(await createVerifyCore().verifyBatch([WARM_UP_JOB])).toEqual([
			{ fingerprint: WARM_UP_JOB.author, code: null, message: '', checked: true }
		]);
	});

	it('reads each key once per worker', async () => {
		const core = createVerifyCore();
		const job = {
			id: good.id,
			text: good.text,
			signature: good.signature,
			publicKey: alice.key.publicKey,
			author: alice.key.fingerprint,
			checkSignature: true
		};
		const outcomes = await core.verifyBatch([job, job, { ...job, checkSignature: false }]);
		expect(outcomes.map((o) => [o.code, o.checked])).toEqual([
			[null, true],
			[null, true],
			[null, false]
		]);
		expect(core.keyCount).toBe(1);
	});
});
