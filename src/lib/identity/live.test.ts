/**
 * A live record on the main thread: once a worker has read an author's key, it sends back
 * the key's facts, and the next few records of that author are checked here with WebCrypto
 * alone: openpgp is not loaded for them (loadOpenpgp is counted to show it).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeGenesis } from '../model';
import { parseEntry, type ParsedRecord } from '../model/record';
import { fixtureKey, passphrases } from './fixtures';
import { importIdentity, signRecord, unlockIdentity, type IdentityKey } from './keys';
import * as loader from './openpgp';
import type { WorkerLike } from './pool';
import { createVerifyCore, handleRequest, type WorkerRequest } from './verify-core';
import { createVerifier } from './verify';

vi.mock('./openpgp', async (original) => {
	const actual = await original<typeof import('./openpgp')>();
	return { ...actual, loadOpenpgp: vi.fn(actual.loadOpenpgp) };
});

/** The real worker code in this process, answering asynchronously with cloned messages. */
class InProcessWorker implements WorkerLike {
	onmessage: ((event: MessageEvent) => void) | null = null;
	onerror: ((event: ErrorEvent) => void) | null = null;
	readonly received: WorkerRequest[] = [];
	private readonly core = createVerifyCore();
	postMessage(message: unknown): void {
		const request = structuredClone(message) as WorkerRequest;
		this.received.push(request);
		void handleRequest(this.core, request).then((response) =>
			this.onmessage?.({ data: structuredClone(response) } as MessageEvent)
		);
	}
	terminate(): void {}
}

let key: IdentityKey;
let records: ParsedRecord[];

beforeAll(async () => {
	const imported = await importIdentity({
		armored: fixtureKey('alice', 'private'),
		passphrase: passphrases.alice
	});
	if (!imported.ok) throw new Error(imported.message);
	key = imported.value;
	const session = await unlockIdentity(key, passphrases.alice);
	if (!session.ok) throw new Error(session.message);
	records = [];
	for (let i = 0; i < 7; i++) {
		const record = makeGenesis({
			author: key.fingerprint,
			at: 1_763_900_000_000 + i,
			name: `Live Republic ${i}`,
			constitution: { admission: 'open', seats: 3, termDays: 365 },
			founderKey: key.publicKey
		});
		const signed = await signRecord(session.value, record);
		if (!signed.ok) throw new Error(signed.message);
		const parsed = parseEntry(signed.value.id, signed.value.entry);
		if (!parsed.ok) throw new Error(parsed.message);
		records.push(parsed.value);
	}
});

describe('live records on the main thread', () => {
	it('a key a worker has read: the next records are checked here, without openpgp', async () => {
		const worker = new InProcessWorker();
		const verifier = createVerifier({ poolSize: 1, createWorker: () => worker, inlineMax: 3 });
		const [a, b, c, d, e, f, g] = records as [
			ParsedRecord,
			ParsedRecord,
			ParsedRecord,
			ParsedRecord,
			ParsedRecord,
			ParsedRecord,
			ParsedRecord
		];
		// Four new records: more than inlineMax, so a worker reads the key.
		const first = await verifier.verifyMany(
			[a, b, c, d].map((parsed) => ({ parsed, publicKey: key.publicKey }))
		);
		expect(first.every((r) => r.ok)).toBe(true);
		expect(worker.received).toHaveLength(1);
		const loads = vi.mocked(loader.loadOpenpgp).mock.calls.length;

		// A live record, then a pair: checked here by the fast path, openpgp never asked for.
		expect((await verifier.verify(e, key.publicKey)).ok).toBe(true);
		const pair = await verifier.verifyMany(
			[f, g].map((parsed) => ({ parsed, publicKey: key.publicKey }))
		);
		expect(pair.every((r) => r.ok)).toBe(true);
		expect(worker.received).toHaveLength(1);
		expect(vi.mocked(loader.loadOpenpgp).mock.calls.length).toBe(loads);
		expect(verifier.stats()).toMatchObject({ signatureChecks: 7, fastChecks: 7 });

		// A forged live record is still rejected here.
		const forged = { ...e, signature: f.signature };
		expect(await verifier.verify(forged, key.publicKey)).toMatchObject({
			ok: false,
			code: 'signature_invalid'
		});
		expect(vi.mocked(loader.loadOpenpgp).mock.calls.length).toBe(loads);
	});
});
