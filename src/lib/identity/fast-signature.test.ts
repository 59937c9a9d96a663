/**
 * The fast path against openpgp itself: for random texts, keys, hashes, creation times,
 * notations and expiries, and for signatures with flipped bytes, cut short, lengthened, or
 * checked against the wrong key, the fast path either declines (null) or gives exactly
 * openpgp.verify's verdict; and the whole core (fast path + fallback) always does.
 * Seeds are pinned so a failure replays.
 */
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../model/hash';
import { bytesToBase64 } from './base64';
import { importPoint, verifyFast, type FastVerdict } from './fast-signature';
import { nodeCrypto } from './node-crypto';
import { fixtureKey, passphrases } from './fixtures';
import { openpgpVerdict } from './fixtures/openpgp-verdict';
import { keyFactsOf, maySign, type KeyFacts } from './key-facts';
import { createVerifyCore, type VerifyCore } from './verify-core';

const SEED = 20_261_203;
/** Keys made for these tests are created at this time (seconds). */
const T0 = 1_760_000_000;
const HOUR = 3600;

type Signer = {
	name: string;
	privateKey: openpgp.PrivateKey;
	publicArmored: string;
	facts: KeyFacts | null;
	cryptoKey: CryptoKey | null;
	/** The same key for the node:crypto backend (node-crypto.ts). */
	nodeKey: KeyObject | null;
};

let signers: Signer[];
const byName = (name: string) => signers.find((s) => s.name === name) as Signer;

async function signer(name: string, privateKey: openpgp.PrivateKey, publicArmored?: string) {
	const armored = publicArmored ?? privateKey.toPublic().armor();
	const facts = await keyFactsOf(await openpgp.readKey({ armoredKey: armored }));
	const cryptoKey = facts ? await importPoint(facts.point) : null;
	const nodeKey = facts ? nodeCrypto.importKey(facts.point) : null;
	return { name, privateKey, publicArmored: armored, facts, cryptoKey, nodeKey };
}

async function fixture(name: 'alice' | 'bob' | 'carol' | 'erin'): Promise<Signer> {
	const privateKey = await openpgp.decryptKey({
		privateKey: await openpgp.readPrivateKey({ armoredKey: fixtureKey(name, 'private') }),
		passphrase: passphrases[name]
	});
	return signer(name, privateKey, fixtureKey(name, 'public'));
}

async function made(
	name: string,
	options: { v6?: boolean; keyExpirationTime?: number }
): Promise<openpgp.PrivateKey> {
	const { privateKey } = await openpgp.generateKey({
		userIDs: [{ name }],
		date: new Date(T0 * 1000),
		keyExpirationTime: options.keyExpirationTime ?? 0,
		format: 'object',
		...(options.v6 ? { type: 'curve25519' as const, config: { v6Keys: true } } : {})
	});
	return privateKey;
}

beforeAll(async () => {
	const expiring = await made('Expiring', { keyExpirationTime: HOUR });
	const expiringV6 = await made('Expiring v6', { v6: true, keyExpirationTime: HOUR });
	// Self-signatures remade an hour after the key: openpgp does not let it sign before that.
	const { privateKey: reformatted } = await openpgp.reformatKey({
		privateKey: await made('Reformatted', {}),
		userIDs: [{ name: 'Reformatted' }],
		date: new Date((T0 + HOUR) * 1000),
		format: 'object'
	});
	const revocable = await made('Revoked', {});
	const { publicKey: revoked } = await openpgp.revokeKey({
		key: revocable,
		date: new Date((T0 + 2 * HOUR) * 1000),
		format: 'armored'
	});
	signers = [
		await fixture('alice'),
		await fixture('bob'),
		await fixture('carol'),
		await fixture('erin'),
		await signer('expiring', expiring),
		await signer('expiring-v6', expiringV6),
		await signer('reformatted', reformatted),
		await signer('revoked', revocable, revoked)
	];
}, 60_000);

type Options = {
	hash: number;
	/** Seconds after the key's creation. */
	created: number;
	/** Signature expiry, seconds after creation (0: none). */
	expiry: number;
	notations: openpgp.RawNotation[];
	/** 0x00 binary, 0x01 text. */
	type: number;
};

/** openpgp's SignaturePacket as used here: fields its .d.ts leaves out. */
type RawSignature = openpgp.SignaturePacket & {
	rawNotations: openpgp.RawNotation[];
	sign(key: unknown, data: unknown, date: Date, detached: boolean, config: unknown): Promise<void>;
};

/**
 * A detached signature made by openpgp's own packet code, at any time and with any hash:
 * openpgp.sign refuses to sign outside a key's validity, which is exactly what needs checking.
 */
async function makeSignature(by: Signer, data: Uint8Array, o: Options): Promise<Uint8Array> {
	const literal = new openpgp.LiteralDataPacket();
	// reason: setBytes is private in openpgp's .d.ts but is how a literal packet gets its data.
	(literal as unknown as { setBytes(b: Uint8Array, f: string): void }).setBytes(data, 'binary');
	const packet = new openpgp.SignaturePacket() as RawSignature;
	packet.signatureType = o.type;
	packet.publicKeyAlgorithm = by.privateKey.keyPacket.algorithm;
	packet.hashAlgorithm = o.hash;
	if (o.expiry > 0) {
		packet.signatureExpirationTime = o.expiry;
		packet.signatureNeverExpires = false;
	}
	// A copy: signing adds its salt notation to the array it is given.
	packet.rawNotations = [...o.notations];
	const created = Math.floor(by.privateKey.getCreationTime().getTime() / 1000) + o.created;
	await packet.sign(by.privateKey.keyPacket, literal, new Date(created * 1000), true, {
		...openpgp.config
	});
	const list = new openpgp.PacketList<openpgp.SignaturePacket>();
	list.push(packet);
	return new openpgp.Signature(list).write() as Uint8Array;
}

/** What verify-core's openpgp path says: the reference verdict. */
const openpgpSays = (by: Signer, data: Uint8Array, signature: Uint8Array) =>
	openpgpVerdict(by.publicArmored, data, signature);

/** The fast path's verdict, the same with WebCrypto and with node:crypto. */
async function fastSays(by: Signer, data: Uint8Array, signature: Uint8Array): Promise<FastVerdict> {
	if (!by.facts || !by.cryptoKey || !by.nodeKey) return null;
	const [web, node] = await Promise.all([
		verifyFast(by.facts, by.cryptoKey, data, signature),
		verifyFast(by.facts, by.nodeKey, data, signature, nodeCrypto)
	]);
	expect(node, 'the node:crypto backend').toEqual(web);
	return web;
}

let core: VerifyCore;
let nodeCore: VerifyCore;
/**
 * The whole core's verdict (fast path or fallback), as a verifier would get it: the same
 * outcome with either backend.
 */
async function coreSays(by: Signer, text: string, signature: Uint8Array): Promise<boolean> {
	core ??= createVerifyCore();
	nodeCore ??= createVerifyCore({ crypto: nodeCrypto });
	const fingerprint = by.facts?.fingerprint ?? by.privateKey.getFingerprint();
	const job = {
		id: sha256Hex(text),
		text,
		signature: bytesToBase64(signature),
		publicKey: by.publicArmored,
		author: fingerprint,
		checkSignature: true
	};
	const [[outcome], [nodeOutcome]] = await Promise.all([
		core.verifyBatch([job]),
		nodeCore.verifyBatch([job])
	]);
	expect(nodeOutcome, 'the core on node:crypto').toEqual(outcome);
	if (outcome?.code === 'key_mismatch') throw new Error(outcome.message);
	return outcome?.code === null;
}

const SHA2 = [8, 9, 10];
const arbSigner = () => fc.constantFrom(...signers.map((s) => s.name));
const arbText = fc.string({ unit: 'binary', maxLength: 300 });
/**
 * Seconds after the signing key's creation, around its interesting times: creation, the
 * reformat, expiry, revocation; and long after.
 */
const arbCreated = fc.oneof(
	fc.integer({ min: -10, max: 3 * HOUR }),
	fc.constantFrom(-1, 0, HOUR - 1, HOUR, 2 * HOUR, 30_000_000)
);
const arbNotation = fc.record({
	name: fc.constantFrom('note@example.org', 'x@y', 'rule@webocracy.example'),
	value: fc.uint8Array({ maxLength: 40 }),
	humanReadable: fc.boolean(),
	critical: fc.constant(false)
});
const arbOptions = (hashes: number[]) =>
	fc.record({
		hash: fc.constantFrom(...hashes),
		created: arbCreated,
		expiry: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 * HOUR })),
		notations: fc.array(arbNotation, { maxLength: 2 }),
		type: fc.constant(0)
	});

const encode = (text: string) => new TextEncoder().encode(text);

describe('fast path: same verdicts as openpgp.verify (date: null)', () => {
	it('reads key facts once: point, ids, and the times each key may sign', async () => {
		expect(byName('revoked').facts).toBeNull();
		const expiring = byName('expiring').facts as KeyFacts;
		expect(expiring.spans).toEqual([T0, T0 + HOUR]);
		expect(byName('expiring-v6').facts).toMatchObject({ version: 6, spans: [T0, T0 + HOUR] });
		expect(byName('reformatted').facts?.spans).toEqual([T0 + HOUR, Infinity]);
		expect(maySign(expiring, T0 + HOUR - 1)).toBe(true);
		expect(maySign(expiring, T0 + HOUR)).toBe(false);
		for (const name of ['alice', 'bob', 'erin']) {
			expect(byName(name).facts).toMatchObject({ version: 4, algorithm: 22 });
		}
		expect(byName('carol').facts).toMatchObject({ version: 6, algorithm: 27 });
	});

	it('untouched signatures: judged by the fast path, and as openpgp judges them', async () => {
		let judged = 0;
		let valid = 0;
		await fc.assert(
			fc.asyncProperty(arbSigner(), arbText, arbOptions(SHA2), async (name, text, options) => {
				const by = byName(name);
				const data = encode(text);
				const signature = await makeSignature(by, data, options);
				const reference = await openpgpSays(by, data, signature);
				const fast = await fastSays(by, data, signature);
				if (by.facts) {
					expect(fast).not.toBeNull();
					judged++;
				}
				if (fast) expect(fast.valid).toBe(reference);
				expect(await coreSays(by, text, signature)).toBe(reference);
				if (reference) valid++;
			}),
			{ seed: SEED, numRuns: 200 }
		);
		// Both verdicts occur: the times range over valid and invalid ones.
		expect(judged).toBeGreaterThan(150);
		expect(valid).toBeGreaterThan(40);
		expect(valid).toBeLessThan(judged);
	}, 120_000);

	it('changed signatures and texts, other keys: never a different verdict', async () => {
		const arbChange = fc.oneof(
			fc.record({
				kind: fc.constant('flip' as const),
				at: fc.nat(),
				mask: fc.integer({ min: 1, max: 255 })
			}),
			fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
			fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1 }) }),
			fc.record({ kind: fc.constant('text' as const), at: fc.nat() }),
			fc.record({ kind: fc.constant('key' as const), other: arbSigner() })
		);
		let fastJudged = 0;
		await fc.assert(
			fc.asyncProperty(
				arbSigner(),
				fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 200 }),
				arbOptions(SHA2),
				arbChange,
				async (name, text, options, change) => {
					let by = byName(name);
					const signature = await makeSignature(by, encode(text), options);
					let changed = signature;
					let changedText = text;
					if (change.kind === 'flip') {
						changed = signature.slice();
						const at = change.at % changed.length;
						changed[at] = (changed[at] as number) ^ change.mask;
					} else if (change.kind === 'cut') {
						changed = signature.slice(0, change.at % signature.length);
					} else if (change.kind === 'append') {
						changed = new Uint8Array([...signature, ...change.bytes]);
					} else if (change.kind === 'text') {
						const at = change.at % text.length;
						const c = text.charCodeAt(at) ^ 1;
						changedText = text.slice(0, at) + String.fromCharCode(c) + text.slice(at + 1);
					} else {
						by = byName(change.other);
					}
					const data = encode(changedText);
					const reference = await openpgpSays(by, data, changed);
					const fast = await fastSays(by, data, changed);
					if (fast) {
						fastJudged++;
						expect(fast.valid).toBe(reference);
					}
					if (changed.length > 0) expect(await coreSays(by, changedText, changed)).toBe(reference);
				}
			),
			{ seed: SEED + 1, numRuns: 300 }
		);
		// Most changes keep the packet's shape: the fast path is what judged them.
		expect(fastJudged).toBeGreaterThan(60);
	}, 180_000);

	it('a core with room for 2 keys and 1 parsed key judges every key as a big one does', async () => {
		const small = createVerifyCore({ maxKeys: 2, maxParsedKeys: 1 });
		const options: Options = { hash: 8, created: 10, expiry: 0, notations: [], type: 0 };
		const cases = await Promise.all(
			signers.map(async (by, i) => {
				const text = `record ${i}`;
				const signature = await makeSignature(by, encode(text), options);
				return { by, text, signature, reference: await openpgpSays(by, encode(text), signature) };
			})
		);
		// Twice round: every key is forgotten and read again in between.
		for (let round = 0; round < 2; round++) {
			for (const { by, text, signature, reference } of cases) {
				const [outcome] = await small.verifyBatch([
					{
						id: sha256Hex(text),
						text,
						signature: bytesToBase64(signature),
						publicKey: by.publicArmored,
						author: by.privateKey.getFingerprint(),
						checkSignature: true
					}
				]);
				expect([by.name, outcome?.code === null]).toEqual([by.name, reference]);
			}
			expect(small.keyCount).toBe(2);
		}
		expect(cases.filter((c) => c.reference).length).toBeGreaterThan(4);
	});

	it('other hashes, text-mode signatures, critical notations: left to openpgp', async () => {
		const arbOther = fc.oneof(
			arbOptions([2, 11, 12, 14]),
			arbOptions(SHA2).map((o) => ({ ...o, type: 1 })),
			arbOptions(SHA2).map((o) => ({
				...o,
				notations: [
					{
						name: 'critical@example.org',
						value: new Uint8Array(2),
						humanReadable: false,
						critical: true
					}
				]
			}))
		);
		await fc.assert(
			fc.asyncProperty(arbSigner(), arbText, arbOther, async (name, text, options) => {
				const by = byName(name);
				const data = encode(text);
				let signature: Uint8Array;
				try {
					signature = await makeSignature(by, data, options);
				} catch {
					// openpgp cannot make this one (e.g. SHA-1 for a v6 key's salt): nothing to compare.
					return;
				}
				expect(await fastSays(by, data, signature)).toBeNull();
				const reference = await openpgpSays(by, data, signature);
				expect(await coreSays(by, text, signature)).toBe(reference);
			}),
			{ seed: SEED + 2, numRuns: 120 }
		);
	}, 120_000);
});
