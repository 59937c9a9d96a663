/**
 * The verifier on Node worker threads. Node starts a worker from JavaScript only, so the
 * module is bundled first, as the command bundles it, and its threads run the bundle.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importForNode } from '../bench/support/bundle.js';
import { generateIdentity, signRecord, unlockIdentity } from '../src/lib/identity';
import { makePost, parseEntry, type ParsedRecord } from '../src/lib/model';

type ThreadsModule = typeof import('./verify-threads');

const root = join(import.meta.dirname, '..');
let threads: ThreadsModule;
let key: string;
let records: ParsedRecord[];

beforeAll(async () => {
	threads = (await importForNode(
		root,
		'mirror/verify-threads.ts',
		'verify-threads-test'
	)) as ThreadsModule;
	const made = await generateIdentity({ name: 'Thread Tester', passphrase: 'thread passphrase' });
	if (!made.ok) throw new Error(made.message);
	const unlocked = await unlockIdentity(made.value, 'thread passphrase');
	if (!unlocked.ok) throw new Error(unlocked.message);
	key = unlocked.value.key.publicKey;
	records = [];
	for (let i = 0; i < 12; i++) {
		const post = makePost({
			country: 'c'.repeat(64),
			author: unlocked.value.key.fingerprint,
			at: 1_000 + i,
			title: `Post ${i}`,
			body: 'Checked on a thread.'
		});
		const signed = await signRecord(unlocked.value, post);
		if (!signed.ok) throw new Error(signed.message);
		const parsed = parseEntry(signed.value.id, signed.value.entry);
		if (!parsed.ok) throw new Error(parsed.message);
		records.push(parsed.value);
	}
}, 120_000);

describe('createThreadVerifier', () => {
	it('checks a batch on two threads: good signatures pass, a forged one fails', async () => {
		const verifier = threads.createThreadVerifier({ threads: 2 });
		try {
			// Another record's signature under this text: the check must fail.
			const forged = { ...records[0]!, signature: records[1]!.signature };
			const results = await verifier.verifyMany(
				[...records, forged].map((parsed) => ({ parsed, publicKey: key }))
			);
			expect(results.slice(0, -1).every((r) => r.ok)).toBe(true);
			expect(results.at(-1)).toMatchObject({ ok: false, code: 'signature_invalid' });
			const stats = verifier.stats();
			expect(stats.workers).toBe(2);
			expect(stats.messages).toBeGreaterThan(0);
			expect(stats.signatureChecks).toBe(records.length + 1);
		} finally {
			verifier.destroy();
		}
	}, 60_000);
});
