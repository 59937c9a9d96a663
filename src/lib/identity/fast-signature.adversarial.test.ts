/**
 * Hand-built signature packets, validly signed (so only the packet's shape is in question),
 * that a hostile peer could send: odd subpacket length encodings, critical bits, duplicate
 * or unhashed creation times, unhashed issuers naming other keys, wildcard issuers, other
 * types and hashes, wrong v6 salts, MPIs with leading zeros or extra bytes, s + L, extra
 * bytes, other packet headers, several packets. For each, the fast path either declines
 * (null) or gives openpgp.verify's verdict (date: null). Shapes that must take the fast
 * path are asserted to, so the builder itself is checked against openpgp.
 */
import { createHash, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPoint, verifyFast, type FastVerdict } from './fast-signature';
import { nodeCrypto } from './node-crypto';
import { fixtureKey, passphrases } from './fixtures';
import { openpgpVerdict } from './fixtures/openpgp-verdict';
import { bytesToBase64 } from './base64';
import { keyFactsOf, MAX_FACT_CHECKS, MAX_SELF_SIGNATURES, type KeyFacts } from './key-facts';
import { createVerifyCore } from './verify-core';

const SEED = 20_261_204;
const HASH_NAMES: Record<number, string> = {
	2: 'sha1',
	8: 'sha256',
	9: 'sha384',
	10: 'sha512',
	11: 'sha224'
};
const SALT_SIZES: Record<number, number> = { 8: 16, 9: 24, 10: 32, 11: 16, 2: 16 };
/** The order of the Ed25519 group, little-endian. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

type Signer = {
	name: string;
	armored: string;
	facts: KeyFacts;
	cryptoKey: CryptoKey;
	/** The same key for the node:crypto backend (node-crypto.ts). */
	nodeKey: KeyObject;
	signKey: CryptoKey;
	created: number;
	fingerprint: Uint8Array;
	keyId: Uint8Array;
};

let alice: Signer;
let carol: Signer;
let bob: Signer;

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const cat = (...parts: (Uint8Array | number[])[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
};
const be = (n: number, size: number) =>
	Array.from({ length: size }, (_, i) => Math.floor(n / 256 ** (size - 1 - i)) % 256);

async function loadSigner(name: 'alice' | 'bob' | 'carol'): Promise<Signer> {
	const privateKey = await openpgp.decryptKey({
		privateKey: await openpgp.readPrivateKey({ armoredKey: fixtureKey(name, 'private') }),
		passphrase: passphrases[name]
	});
	return signerOf(name, privateKey, fixtureKey(name, 'public'));
}

async function signerOf(name: string, privateKey: openpgp.PrivateKey, armored: string) {
	const facts = await keyFactsOf(await openpgp.readKey({ armoredKey: armored }));
	if (!facts) throw new Error(`${name}: no facts`);
	const cryptoKey = (await importPoint(facts.point)) as CryptoKey;
	const nodeKey = nodeCrypto.importKey(facts.point) as KeyObject;
	// reason: openpgp's .d.ts does not declare a key packet's private parameters.
	const { seed } = (privateKey.keyPacket as unknown as { privateParams: { seed: Uint8Array } })
		.privateParams;
	const pkcs8 = cat(hexBytes('302e020100300506032b657004220420'), seed);
	const signKey = await crypto.subtle.importKey('pkcs8', pkcs8, 'Ed25519', false, ['sign']);
	return {
		name,
		armored,
		facts,
		cryptoKey,
		nodeKey,
		signKey,
		created: Math.floor(privateKey.getCreationTime().getTime() / 1000),
		fingerprint: hexBytes(facts.fingerprint),
		keyId: hexBytes(facts.keyId)
	};
}

beforeAll(async () => {
	[alice, bob, carol] = await Promise.all([
		loadSigner('alice'),
		loadSigner('bob'),
		loadSigner('carol')
	]);
}, 60_000);

/** A subpacket; `long`: its length in the 5-octet form (legal, never needed here). */
const sub = (
	type: number,
	body: Uint8Array | number[],
	o: { critical?: boolean; long?: boolean } = {}
) => {
	const size = body.length + 1;
	const length = o.long ? [255, ...be(size, 4)] : [size];
	return cat(length, [type | (o.critical ? 0x80 : 0)], body);
};
const createdSub = (seconds: number, o?: { critical?: boolean; long?: boolean }) =>
	sub(2, be(seconds, 4), o);
const fingerprintSub = (s: Signer, o?: { critical?: boolean }) =>
	sub(33, cat([s.facts.version], s.fingerprint), o);
const keyIdSub = (id: Uint8Array, o?: { critical?: boolean }) => sub(16, id, o);

type Craft = {
	signer: Signer;
	type?: number;
	hash?: number;
	hashed: Uint8Array;
	unhashed?: Uint8Array;
	saltSize?: number;
	/** Flip the left 16 bits of the digest. */
	badLeft16?: boolean;
	/** The algorithm-specific fields, from R || S (default: as openpgp writes them). */
	fields?: (rs: Uint8Array) => Uint8Array;
	/** The packet around the body (default: new format, shortest length). */
	frame?: (body: Uint8Array) => Uint8Array;
};

const mpi = (bytes: Uint8Array) => {
	let start = 0;
	while (start < bytes.length && bytes[start] === 0) start++;
	const trimmed = bytes.subarray(start);
	const bits =
		trimmed.length === 0 ? 0 : (trimmed.length - 1) * 8 + (trimmed[0] as number).toString(2).length;
	return cat(be(bits, 2), trimmed);
};
const defaultFields = (s: Signer) => (rs: Uint8Array) =>
	s.facts.algorithm === 22 ? cat(mpi(rs.subarray(0, 32)), mpi(rs.subarray(32))) : rs;

const newFrame = (tag: number, body: Uint8Array) => {
	const n = body.length;
	const length =
		n < 192 ? [n] : n < 8384 ? [((n - 192) >> 8) + 192, (n - 192) & 0xff] : [255, ...be(n, 4)];
	return cat([0xc0 | tag], length, body);
};
const DATA = new TextEncoder().encode('{"kind":"post","body":"hello"}');

/** A signature packet over DATA, signed by the signer's real key. */
async function craft(c: Craft): Promise<Uint8Array> {
	const { signer } = c;
	const version = signer.facts.version;
	const hash = c.hash ?? 8;
	const areaSize = version === 6 ? 4 : 2;
	const hashedPart = cat(
		[version, c.type ?? 0, signer.facts.algorithm, hash],
		be(c.hashed.length, areaSize),
		c.hashed
	);
	const salt =
		version === 6
			? crypto.getRandomValues(new Uint8Array(c.saltSize ?? SALT_SIZES[hash] ?? 16))
			: new Uint8Array(0);
	const toHash = cat(salt, DATA, hashedPart, [version, 0xff], be(hashedPart.length, 4));
	const digest = new Uint8Array(
		createHash(HASH_NAMES[hash] as string)
			.update(toHash)
			.digest()
	);
	const rs = new Uint8Array(await crypto.subtle.sign('Ed25519', signer.signKey, digest));
	const unhashed = c.unhashed ?? new Uint8Array(0);
	const left16 = digest.slice(0, 2);
	if (c.badLeft16) left16[0] = (left16[0] as number) ^ 0xff;
	const body = cat(
		hashedPart,
		be(unhashed.length, areaSize),
		unhashed,
		left16,
		version === 6 ? [salt.length] : [],
		version === 6 ? salt : [],
		(c.fields ?? defaultFields(signer))(rs)
	);
	return (c.frame ?? ((b) => newFrame(2, b)))(body);
}

const openpgpSays = (s: Signer, signature: Uint8Array) =>
	openpgpVerdict(s.armored, DATA, signature);

/** The fast path's verdict, the same with WebCrypto and with node:crypto. */
async function fastSays(s: Signer, signature: Uint8Array): Promise<FastVerdict> {
	const [web, node] = await Promise.all([
		verifyFast(s.facts, s.cryptoKey, DATA, signature),
		verifyFast(s.facts, s.nodeKey, DATA, signature, nodeCrypto)
	]);
	expect(node, 'the node:crypto backend').toEqual(web);
	return web;
}

/** The fast path declines or agrees with openpgp; returns both for further checks. */
async function agree(s: Signer, signature: Uint8Array) {
	const [fast, reference] = await Promise.all([fastSays(s, signature), openpgpSays(s, signature)]);
	if (fast !== null) expect(fast.valid, `fast path verdict`).toBe(reference);
	return { fast, reference };
}

/** The usual hashed area: creation time and issuer fingerprint (+ key id for v4). */
const usual = (s: Signer, at = s.created + 100) =>
	cat(createdSub(at), fingerprintSub(s), s.facts.version === 4 ? keyIdSub(s.keyId) : []);

describe('fast path against hand-built hostile packets', () => {
	it('plain packets built here: judged fast and valid, as openpgp judges them', async () => {
		for (const s of [alice, carol]) {
			for (const hash of [8, 9, 10]) {
				const result = await agree(s, await craft({ signer: s, hash, hashed: usual(s) }));
				expect(result).toEqual({ fast: { valid: true }, reference: true });
			}
		}
	});

	it('subpacket length forms, critical bits, duplicate and unhashed creation times', async () => {
		for (const s of [alice, carol]) {
			const early = s.created - 1000;
			const ok = s.created + 100;
			const cases: Craft[] = [
				{ signer: s, hashed: cat(createdSub(ok, { long: true }), fingerprintSub(s)) },
				{
					signer: s,
					hashed: cat(createdSub(ok, { critical: true }), fingerprintSub(s, { critical: true }))
				},
				// Duplicates: the last one wins in openpgp.
				{ signer: s, hashed: cat(createdSub(early), createdSub(ok), fingerprintSub(s)) },
				{ signer: s, hashed: cat(createdSub(ok), createdSub(early), fingerprintSub(s)) },
				// Unhashed creation time: ignored by openpgp, whatever it says.
				{ signer: s, hashed: usual(s), unhashed: createdSub(early) },
				{ signer: s, hashed: fingerprintSub(s), unhashed: createdSub(ok) },
				// Issuer only unhashed (attacker-controlled, but it must still name the key).
				{ signer: s, hashed: createdSub(ok), unhashed: fingerprintSub(s) },
				// Created before the key: openpgp says the key is newer.
				{ signer: s, hashed: usual(s, early) },
				{ signer: s, hashed: usual(s, 0) },
				{ signer: s, hashed: usual(s, 0xffffffff) }
			];
			const verdicts = [];
			for (const c of cases) verdicts.push(await agree(s, await craft(c)));
			// The plain long-form and critical packets are still valid, and judged fast.
			expect(verdicts[0]).toEqual({ fast: { valid: true }, reference: true });
			expect(verdicts[1]).toEqual({ fast: { valid: true }, reference: true });
			expect(verdicts[7]?.reference).toBe(false);
		}
	});

	it('issuers: another key named unhashed or hashed, wildcard ids, v6 with a key id', async () => {
		const wildcard = new Uint8Array(8);
		for (const s of [alice, carol]) {
			const other = s === alice ? bob : alice;
			const ok = s.created + 100;
			const cases: Craft[] = [
				{ signer: s, hashed: usual(s), unhashed: keyIdSub(other.keyId) },
				{ signer: s, hashed: usual(s), unhashed: fingerprintSub(other) },
				{ signer: s, hashed: usual(s), unhashed: keyIdSub(wildcard) },
				{ signer: s, hashed: cat(createdSub(ok), keyIdSub(wildcard)) },
				{ signer: s, hashed: cat(createdSub(ok), keyIdSub(s.keyId)) },
				{ signer: s, hashed: createdSub(ok), unhashed: keyIdSub(s.keyId) },
				{ signer: s, hashed: cat(createdSub(ok), fingerprintSub(other), fingerprintSub(s)) },
				{ signer: s, hashed: createdSub(ok) },
				// A subpacket length cut short at the end of an area: openpgp reads on past it.
				{ signer: s, hashed: usual(s), unhashed: new Uint8Array([255, 0, 0]) },
				{ signer: s, hashed: usual(s), unhashed: cat(fingerprintSub(s), [255]) },
				{ signer: s, hashed: usual(s), unhashed: new Uint8Array([200]) },
				{ signer: s, hashed: cat(usual(s), [255, 0]) },
				// An embedded signature, unhashed: openpgp parses it even there.
				{ signer: s, hashed: usual(s), unhashed: sub(32, [4, 0, 22, 8, 0, 0]) }
			];
			for (const c of cases) await agree(s, await craft(c));
		}
	});

	it('types, hashes, v6 salts, left 16 bits', async () => {
		for (const s of [alice, carol]) {
			const cases: Craft[] = [
				...[0x01, 0x02, 0x10, 0x13, 0x18, 0x1f, 0x40].map((type) => ({
					signer: s,
					type,
					hashed: usual(s)
				})),
				...[2, 11].map((hash) => ({ signer: s, hash, hashed: usual(s) })),
				{ signer: s, hashed: usual(s), badLeft16: true }
			];
			if (s.facts.version === 6) {
				cases.push({ signer: s, hashed: usual(s), saltSize: 32 });
				cases.push({ signer: s, hashed: usual(s), saltSize: 0 });
				cases.push({ signer: s, hash: 10, hashed: usual(s), saltSize: 16 });
			}
			// A text signature over text without line ends is valid to openpgp: declined here.
			for (const c of cases) await agree(s, await craft(c));
		}
	});

	it('signature fields: s + L, extra bytes, MPIs with leading zeros or odd bit counts', async () => {
		const plusL = (rs: Uint8Array) => {
			let s = 0n;
			for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(rs[32 + i] as number);
			s += L;
			const out = rs.slice();
			for (let i = 0; i < 32; i++) out[32 + i] = Number((s >> BigInt(8 * i)) & 0xffn);
			return out;
		};
		const raw = (bits: number, bytes: Uint8Array) => cat(be(bits, 2), bytes);
		const legacy: ((rs: Uint8Array) => Uint8Array)[] = [
			(rs) => cat(mpi(plusL(rs).subarray(0, 32)), mpi(plusL(rs).subarray(32))),
			(rs) => cat(raw(256, rs.subarray(0, 32)), raw(256, rs.subarray(32))),
			(rs) => cat(raw(249, rs.subarray(0, 32)), raw(249, rs.subarray(32))),
			(rs) => cat(raw(264, cat([0], rs.subarray(0, 32))), mpi(rs.subarray(32))),
			(rs) => cat(mpi(rs.subarray(0, 32)), mpi(rs.subarray(32)), [0]),
			(rs) => cat(mpi(rs.subarray(0, 32)), raw(256, rs.subarray(32, 63)))
		];
		const modern: ((rs: Uint8Array) => Uint8Array)[] = [
			plusL,
			(rs) => cat(rs, [0]),
			(rs) => rs.subarray(0, 63)
		];
		for (const fields of legacy)
			await agree(alice, await craft({ signer: alice, hashed: usual(alice), fields }));
		for (const fields of modern)
			await agree(carol, await craft({ signer: carol, hashed: usual(carol), fields }));
		// s + L is the same signature to a lax verifier: both must refuse it here.
		const malleated = await agree(
			carol,
			await craft({ signer: carol, hashed: usual(carol), fields: plusL })
		);
		expect(malleated.reference).toBe(false);
	});

	it('packet framing: old formats, long lengths, partial lengths, extra bytes and packets', async () => {
		const marker = newFrame(10, new TextEncoder().encode('PGP'));
		for (const s of [alice, carol]) {
			const frames: ((b: Uint8Array) => Uint8Array)[] = [
				(b) => cat([0x88], [b.length], b),
				(b) => cat([0x89], be(b.length, 2), b),
				(b) => cat([0x8a], be(b.length, 4), b),
				(b) => cat([0x8b], b),
				(b) => cat([0xc2, 255], be(b.length, 4), b),
				(b) => cat([0xc2, 0xe0 + 5], b.subarray(0, 32), [b.length - 32], b.subarray(32)),
				(b) => cat(newFrame(2, b), [0]),
				(b) => cat(newFrame(2, b), newFrame(2, b)),
				(b) => cat(marker, newFrame(2, b)),
				(b) => cat(newFrame(2, b), marker),
				(b) => newFrame(2, cat(b, [0]))
			];
			for (const frame of frames)
				await agree(s, await craft({ signer: s, hashed: usual(s), frame }));
		}
	});

	it('random hashed and unhashed areas of real subpackets (pinned seed)', async () => {
		const arbSub = (s: Signer) =>
			fc.oneof(
				fc
					.record({ t: fc.constant(2), at: fc.integer({ min: s.created - 5, max: s.created + 5 }) })
					.map(({ at }) => createdSub(at)),
				fc.constant(fingerprintSub(s)),
				fc.constant(keyIdSub(s.keyId)),
				fc.constant(keyIdSub(bob.keyId)),
				fc.constant(sub(3, be(10, 4))),
				fc.constant(
					sub(20, cat([0x80, 0, 0, 0], be(3, 2), be(1, 2), new TextEncoder().encode('a@b'), [7]))
				),
				fc.constant(
					sub(20, cat([0x80, 0, 0, 0], be(3, 2), be(1, 2), new TextEncoder().encode('a@b'), [7]), {
						critical: true
					})
				),
				fc.constant(sub(100, [1, 2, 3])),
				fc.constant(sub(100, [1], { critical: true })),
				fc.constant(new Uint8Array([0])),
				fc.constant(new Uint8Array([255, 0, 0, 0, 40, 2]))
			);
		for (const s of [alice, carol]) {
			await fc.assert(
				fc.asyncProperty(
					fc.array(arbSub(s), { maxLength: 5 }),
					fc.array(arbSub(s), { maxLength: 3 }),
					async (hashed, unhashed) => {
						await agree(
							s,
							await craft({ signer: s, hashed: cat(...hashed), unhashed: cat(...unhashed) })
						);
					}
				),
				{ seed: SEED, numRuns: 150 }
			);
		}
	}, 60_000);
});

describe('fast path against raw bytes in the subpacket areas', () => {
	/** Bytes, often ones that mean something here: lengths, subpacket types, their forms. */
	const arbBytes = fc
		.array(
			fc.oneof(
				fc.constantFrom(0, 1, 2, 5, 9, 16, 20, 32, 33, 130, 144, 161, 191, 192, 223, 255),
				fc.integer({ min: 0, max: 255 })
			),
			{ maxLength: 12 }
		)
		.map((bytes) => Uint8Array.from(bytes));
	it('any bytes after the usual hashed subpackets, any unhashed area (pinned seed)', async () => {
		for (const s of [alice, carol]) {
			await fc.assert(
				fc.asyncProperty(arbBytes, arbBytes, async (extra, unhashed) => {
					await agree(s, await craft({ signer: s, hashed: cat(usual(s), extra), unhashed }));
				}),
				{ seed: SEED, numRuns: 300 }
			);
		}
	}, 60_000);
});

describe('key facts against openpgp over a key’s history', () => {
	const T0 = 1_760_000_000;
	const HOUR = 3600;
	const at = (seconds: number) => new Date(seconds * 1000);

	/**
	 * Keys whose validity changes more than once: self-signatures remade later with an
	 * expiry, merged into the first (openpgp then takes the latest valid one at each time),
	 * for the same user and for a second user; v4 and v6 (expiry on direct-key signatures).
	 */
	async function histories(v6: boolean): Promise<Signer[]> {
		const v6Options = v6 ? { type: 'curve25519' as const, config: { v6Keys: true } } : {};
		const { privateKey: first } = await openpgp.generateKey({
			userIDs: [{ name: 'First' }],
			date: at(T0),
			format: 'object',
			...v6Options
		});
		const out: Signer[] = [];
		for (const userIDs of [[{ name: 'First' }], [{ name: 'Second' }]]) {
			const { privateKey: later } = await openpgp.reformatKey({
				privateKey: first,
				userIDs,
				date: at(T0 + HOUR),
				keyExpirationTime: 2 * HOUR,
				format: 'object'
			});
			const merged = await first.update(later.toPublic(), new Date(8e15));
			out.push(
				await signerOf(
					`merged ${userIDs[0]?.name}`,
					merged as openpgp.PrivateKey,
					merged.toPublic().armor()
				)
			);
		}
		return out;
	}

	it('a signature made at any time: the fast verdict is openpgp’s (pinned seed)', async () => {
		const keys = [...(await histories(false)), ...(await histories(true))];
		const times = [-1, 0, 1, HOUR - 1, HOUR, HOUR + 1, 3 * HOUR - 1, 3 * HOUR, 3 * HOUR + 1];
		const judged: boolean[] = [];
		for (const s of keys) {
			await fc.assert(
				fc.asyncProperty(
					fc.oneof(fc.constantFrom(...times), fc.integer({ min: -HOUR, max: 5 * HOUR })),
					async (offset) => {
						const signature = await craft({ signer: s, hashed: usual(s, T0 + offset) });
						const { fast, reference } = await agree(s, signature);
						expect(fast).not.toBeNull();
						judged.push(reference);
					}
				),
				{ seed: SEED, numRuns: 40 }
			);
		}
		// Both verdicts occur: the keys' histories are not all-valid or all-invalid.
		expect(judged).toContain(true);
		expect(judged).toContain(false);
	}, 60_000);
});

describe('hostile key material: the work per key is bounded', () => {
	/**
	 * Alice's key with `count` more copies of her self-certification, each broken in its last
	 * signature byte (so openpgp checks it in full and finds it false); `spread`: each copy
	 * also claims another creation time (its digest then fails at once, but the time counts).
	 */
	async function withBrokenSelfSignatures(count: number, spread: boolean): Promise<string> {
		const key = await openpgp.readKey({ armoredKey: fixtureKey('alice', 'public') });
		const user = key.users[0] as openpgp.User;
		const original = user.selfCertifications[0] as openpgp.SignaturePacket;
		for (let i = 0; i < count; i++) {
			const body = original.write();
			body[body.length - 1] = (body[body.length - 1] as number) ^ 0x01;
			if (spread) {
				// The creation time subpacket (length 5, type 2, maybe critical) in the hashed area.
				const at = body.findIndex(
					(b, j) => j > 5 && b === 5 && (body[j + 1] as number) % 128 === 2
				);
				expect(at).toBeGreaterThan(5);
				body.set(be(alice.created + 1000 + i, 4), at + 2);
			}
			const copy = new openpgp.SignaturePacket();
			copy.read(body);
			user.selfCertifications.push(copy);
		}
		return key.armor();
	}

	/** Ed25519 checks through WebCrypto (openpgp's own, and ours) while `work` runs. */
	async function checksDuring<T>(work: () => Promise<T>): Promise<{ value: T; checks: number }> {
		const subtle = globalThis.crypto.subtle;
		const original = subtle.verify;
		let checks = 0;
		subtle.verify = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['verify']>) {
			checks++;
			return original.apply(this, args);
		} as SubtleCrypto['verify'];
		try {
			return { value: await work(), checks };
		} finally {
			subtle.verify = original;
		}
	}

	const job = (armored: string, signature: Uint8Array) => ({
		id: createHash('sha256').update(DATA).digest('hex'),
		text: new TextDecoder().decode(DATA),
		signature: bytesToBase64(signature),
		publicKey: armored,
		author: alice.facts.fingerprint,
		checkSignature: true
	});

	it('a key with more than 64 self-signatures is refused before any is checked', async () => {
		const armored = await withBrokenSelfSignatures(100, false);
		const signature = await craft({ signer: alice, hashed: usual(alice) });
		const { value, checks } = await checksDuring(() =>
			createVerifyCore().verifyBatch([job(armored, signature)])
		);
		expect(value[0]).toMatchObject({ code: 'key_mismatch', fingerprint: null });
		expect(value[0]?.message).toContain(`more than ${MAX_SELF_SIGNATURES} self-signatures`);
		expect(checks).toBe(0);
	});

	it('broken self-signatures within the budget: facts in bounded checks, openpgp’s verdicts', async () => {
		const armored = await withBrokenSelfSignatures(40, false);
		const key = await openpgp.readKey({ armoredKey: armored });
		const { value: facts, checks } = await checksDuring(() => keyFactsOf(key));
		expect(facts).not.toBeNull();
		expect(checks).toBeGreaterThan(40); // each broken one was checked at least once
		expect(checks).toBeLessThanOrEqual(MAX_FACT_CHECKS);
		const signer = { ...alice, armored, facts: facts as KeyFacts };
		const good = await craft({ signer, hashed: usual(signer) });
		const { fast, reference } = await agree(signer, good);
		expect([fast?.valid, reference]).toEqual([true, true]);
	});

	it('too many times × self-signatures: the fast path declines, openpgp judges', async () => {
		const armored = await withBrokenSelfSignatures(30, true);
		const key = await openpgp.readKey({ armoredKey: armored });
		const { value: facts, checks } = await checksDuring(() => keyFactsOf(key));
		expect(facts).toBeNull();
		expect(checks).toBe(0);
		const signature = await craft({ signer: alice, hashed: usual(alice) });
		const [outcome] = await createVerifyCore().verifyBatch([job(armored, signature)]);
		expect(outcome?.code === null).toBe(await openpgpVerdict(armored, DATA, signature));
	});
});
