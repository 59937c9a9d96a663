/**
 * The record store against real Y.Docs, real signatures (the identity fixtures' keys) and
 * the real verifier, inline. Peers talk over an in-memory network with seeded random
 * delivery; an "attacker" is just a doc that writes whatever it likes.
 */
import * as Y from 'yjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type UnlockedIdentity } from '../identity';
import {
	canonicalText,
	makeCitizen,
	makeGenesis,
	makePost,
	MAX_RECORD_BYTES,
	sha256Hex,
	type AnyRecord,
	type ReasonCode
} from '../model';
import { RECORDS_MAP } from './docs';
import {
	HASH_PER_PASS,
	LOCAL_ORIGIN,
	RecordStore,
	REMOVE_PER_PASS,
	REMOVE_PER_TRANSACTION,
	type DiagnosticEntry,
	type RecordStatus,
	type RecordVerifier,
	type StoreSnapshot
} from './record-store';
import { junkReason, type JunkReason } from './junk';
import { forge, sign, signedCountry, signer, T0, type Signed } from './fixtures/country';
import { Network, seededRandom, settle } from './fixtures/network';

let alice: UnlockedIdentity;
let bob: UnlockedIdentity;
let carol: UnlockedIdentity;
let land: Awaited<ReturnType<typeof signedCountry>>;

beforeAll(async () => {
	[alice, bob, carol] = await Promise.all([signer('alice'), signer('bob'), signer('carol')]);
	land = await signedCountry({ founder: alice, member: bob });
});

type Peer = { doc: Y.Doc; records: Y.Map<unknown>; store: RecordStore };

/** A doc with its own store and verifier, on the network if one is given. */
function peer(network: Network | null, countryId = land.country): Peer {
	const doc = new Y.Doc();
	network?.join(doc);
	const records = doc.getMap<unknown>(RECORDS_MAP);
	const verifier = createVerifier({ useWorkers: false });
	return { doc, records, store: new RecordStore({ countryId, records, verifier }) };
}

/** A doc with no store: it writes what it likes and heals nothing. */
function attacker(network: Network): { doc: Y.Doc; records: Y.Map<unknown> } {
	const doc = network.join(new Y.Doc());
	return { doc, records: doc.getMap<unknown>(RECORDS_MAP) };
}

/** Everything a snapshot says, in a form where equal snapshots compare equal. */
const summary = ({ country, diagnostics }: StoreSnapshot) => ({
	name: country.name,
	founder: country.founder,
	citizens: country.citizens.map((c) => `${c.fingerprint} ${c.name} ${c.admittedBy}`),
	valid: [...country.valid.keys()].sort(),
	signatures: [...country.valid.values()].map((r) => `${r.id} ${r.signature}`).sort(),
	rejected: country.rejected.map((r) => `${r.id} ${r.code}`).sort(),
	diagnostics: diagnostics.map((d) => `${d.id} ${d.status} ${d.status === 'invalid' ? d.code : ''}`)
});

const ids = (records: Signed[]) => records.map((r) => r.id).sort();
const recordOf = (signed: Signed) => JSON.parse(signed.entry.record) as AnyRecord;
/** The map's content, sorted by id. */
const contents = (map: Y.Map<unknown>) =>
	Object.entries(map.toJSON()).sort(([a], [b]) => (a < b ? -1 : 1));
const VALID: RecordStatus = { status: 'valid' };
const REMOVED = 'removed' as const;

/** What a new peer shows for a document state: the view rebuilt from scratch. */
async function fromScratch(state: Uint8Array): Promise<StoreSnapshot> {
	const fresh = peer(null);
	Y.applyUpdate(fresh.doc, state);
	await fresh.store.settled();
	return fresh.store.snapshot;
}

describe('(a) peers converge', () => {
	for (const seed of [1, 2, 3, 0x5eed]) {
		it(`four peers that each publish part of the country, in any order, end equal (seed ${seed})`, async () => {
			const network = new Network({ seed, duplicate: 0.3 });
			const peers = [peer(network), peer(network), peer(network), peer(network)];
			const random = seededRandom(seed);
			// Each record is written on a random peer, all before any delivery: a post can
			// arrive before its author's key, a claim before its invite, an edit before its post.
			for (const record of land.all) {
				void peers[Math.floor(random() * peers.length)]!.store.publish([record]);
			}
			await settle(
				network,
				peers.map((p) => p.store)
			);

			const first = summary(peers[0]!.store.snapshot);
			expect(first.valid).toEqual(ids(land.all));
			expect(first.rejected).toEqual([]);
			expect(first.citizens).toHaveLength(2);
			for (const p of peers) {
				expect(summary(p.store.snapshot)).toEqual(first);
				expect(contents(p.records)).toEqual(contents(peers[0]!.records));
			}
			const rebuilt = await fromScratch(Y.encodeStateAsUpdate(peers[0]!.doc));
			expect(summary(rebuilt)).toEqual(first);
		});
	}

	it('publish resolves once the records it wrote are judged', async () => {
		const network = new Network({ seed: 4 });
		const a = peer(network);
		const b = peer(network);
		const founded = a.store.publish([land.genesis, land.founding, land.invite]);
		await settle(network, [a.store, b.store]);
		expect(await founded).toMatchObject([VALID, VALID, VALID]);
		// Bob, holding the country, joins and posts from his own device.
		const joined = b.store.publish([land.joining, ...land.posts.slice(2)]);
		const posted = a.store.publish(land.posts.slice(0, 2));
		await settle(network, [a.store, b.store]);
		expect(await joined).toMatchObject([VALID, VALID, VALID]);
		expect(await posted).toMatchObject([VALID, VALID]);
		expect(summary(a.store.snapshot)).toEqual(summary(b.store.snapshot));
		expect(a.store.statusOf(land.joining.id)).toEqual(VALID);
		expect(a.store.statusOf(sha256Hex('not here'))).toBeNull();
	});
});

describe('(b) healing', () => {
	/** [name, what the vandal does to the map, how many records it touches] */
	type Attack = [
		name: string,
		attack: (records: Y.Map<unknown>) => void | Promise<void>,
		touched: number
	];
	const attacks: Attack[] = [
		['a deleted record', (m) => m.delete(land.posts[0]!.id), 1],
		[
			'a record whose text was changed under its id',
			(m) => {
				const [post] = land.posts;
				m.set(post!.id, {
					...post!.entry,
					record: post!.entry.record.replace('Welcome', 'Gotcha')
				});
			},
			1
		],
		[
			'a record signed again by another key (same text)',
			async (m) => {
				m.set(land.posts[1]!.id, (await forge(carol, recordOf(land.posts[1]!))).entry);
			},
			1
		],
		[
			'a record with a smaller, bogus signature (must be checked, then refused)',
			(m) => m.set(land.posts[2]!.id, { ...land.posts[2]!.entry, signature: 'AAAA' }),
			1
		],
		[
			'a record with a larger, bogus signature',
			(m) => m.set(land.posts[2]!.id, { ...land.posts[2]!.entry, signature: 'zzzz' }),
			1
		],
		['a record replaced by a number', (m) => m.set(land.founding.id, 42), 1],
		['a record replaced by junk', (m) => m.set(land.genesis.id, { record: 'x', signature: '' }), 1],
		['every record deleted', (m) => m.clear(), 8],
		[
			'every record overwritten with the smallest signature',
			(m) => {
				for (const r of land.all) m.set(r.id, { ...r.entry, signature: 'AAAA' });
			},
			8
		]
	];

	it.each(attacks)(
		'[heal] %s is put back; the record stays valid',
		async (_name, attack, touched) => {
			const network = new Network({ seed: 11 });
			const honest = peer(network);
			const vandal = attacker(network);
			await honest.store.publish(land.all);
			await settle(network, [honest.store]);
			const before = contents(honest.records);
			const healed = honest.store.snapshot.healed;
			const alwaysValid: boolean[] = [];
			honest.store.on('change', (s) =>
				alwaysValid.push(land.all.every((r) => s.country.valid.has(r.id)))
			);

			await attack(vandal.records);
			await settle(network, [honest.store]);

			expect(honest.store.snapshot.healed - healed).toBe(touched);
			// Junk over a verified record is healed, never removed.
			expect(honest.store.snapshot.removed).toBe(0);
			expect(contents(honest.records)).toEqual(before);
			expect(contents(vandal.records)).toEqual(before); // the vandal's copy is healed too
			expect(alwaysValid.length).toBeGreaterThan(0);
			expect(alwaysValid.every(Boolean)).toBe(true);
			expect(summary(honest.store.snapshot).valid).toEqual(ids(land.all));
			// Healed once: nothing moves any more.
			network.flush();
			expect(network.pending).toBe(0);
		}
	);

	it('[heal] two honest peers heal a vandal’s work once between them and agree', async () => {
		const network = new Network({ seed: 12, duplicate: 0.2 });
		const a = peer(network);
		const b = peer(network);
		const vandal = attacker(network);
		await a.store.publish(land.all);
		await settle(network, [a.store, b.store]);
		const before = contents(a.records);
		const updates = network.updateCount();

		const forged = await forge(carol, recordOf(land.posts[3]!));
		vandal.doc.transact(() => {
			vandal.records.delete(land.posts[0]!.id);
			vandal.records.set(land.posts[1]!.id, 'junk');
			vandal.records.set(land.posts[3]!.id, forged.entry);
		});
		await settle(network, [a.store, b.store]);

		for (const p of [a, b, vandal]) expect(contents(p.records)).toEqual(before);
		expect(summary(a.store.snapshot)).toEqual(summary(b.store.snapshot));
		const healed = a.store.snapshot.healed + b.store.snapshot.healed;
		expect(healed).toBeGreaterThanOrEqual(3);
		expect(healed).toBeLessThanOrEqual(6); // at most once each
		expect(network.updateCount() - updates).toBeLessThanOrEqual(1 + 2 * 2);
	});
});

describe('(c) two valid signatures of the same records', () => {
	/** The same texts signed again: openpgp signatures carry a random salt, so they differ. */
	const signAgain = () =>
		Promise.all(land.all.map((r, i) => sign(i === 3 || i >= 6 ? bob : alice, recordOf(r))));
	const sorted = (entries: [string, unknown][]) => entries.sort(([x], [y]) => (x < y ? -1 : 1));

	for (const seed of [21, 22, 23]) {
		it(`honest peers holding different signatures settle on the smaller, without fighting (seed ${seed})`, async () => {
			const again = await signAgain();
			expect(ids(again)).toEqual(ids(land.all));
			again.forEach((r, i) => expect(r.entry.signature).not.toBe(land.all[i]!.entry.signature));

			const network = new Network({ seed, duplicate: 0.2 });
			const a = peer(network);
			const b = peer(network);
			// Each checks its own copy before hearing of the other's.
			const held = await Promise.all([a.store.publish(land.all), b.store.publish(again)]);
			expect(held.flat()).toMatchObject([...land.all, ...land.all].map(() => VALID));
			const writes = network.updateCount();
			await settle(network, [a.store, b.store], 10);

			const expected = sorted(
				land.all.map((r, i) => {
					const other = again[i]!.entry;
					return [r.id, r.entry.signature < other.signature ? r.entry : other];
				})
			);
			expect(contents(a.records)).toEqual(expected);
			expect(contents(b.records)).toEqual(expected);
			expect(summary(a.store.snapshot)).toEqual(summary(b.store.snapshot));
			// Each id is put back at most once, in one bounded transaction per peer.
			const healed = a.store.snapshot.healed + b.store.snapshot.healed;
			expect(healed).toBeLessThanOrEqual(land.all.length);
			expect(network.updateCount() - writes).toBeLessThanOrEqual(2);
		});
	}

	it('peers whose writes cross before either checks them agree on what the document kept', async () => {
		const again = await signAgain();
		const network = new Network({ seed: 24 });
		const a = peer(network);
		const b = peer(network);
		const fromA = a.store.publish(land.all);
		const fromB = b.store.publish(again);
		const writes = network.updateCount();
		await settle(network, [a.store, b.store], 10);
		expect(await fromA).toMatchObject(land.all.map(() => VALID));
		expect(await fromB).toMatchObject(land.all.map(() => VALID));
		// Yjs picked one write per id on both sides; neither store saw the other one, or a
		// reason to change it.
		expect(contents(a.records)).toEqual(contents(b.records));
		expect(summary(a.store.snapshot)).toEqual(summary(b.store.snapshot));
		expect(summary(a.store.snapshot).valid).toEqual(ids(land.all));
		expect(network.updateCount() - writes).toBeLessThanOrEqual(2);
	});
});

describe('(d) junk is diagnosed or removed, never shown', () => {
	const STRANGER = 'ab'.repeat(20);

	/**
	 * [name, the entries a vandal writes (the first is judged), the status it must get, or
	 * `REMOVED`: junk for good (junk.ts), deleted from every map by the honest peer]
	 */
	type Junk = [
		name: string,
		make: () => Promise<Signed[]> | Signed[],
		expected: { status: 'invalid'; code: ReasonCode } | { status: 'pending' } | typeof REMOVED
	];
	const raw = (id: string, entry: unknown) => [{ id, entry } as unknown as Signed];
	const invalid = (code: ReasonCode) => ({ status: 'invalid' as const, code });
	const post = (by: UnlockedIdentity, extra: Partial<Parameters<typeof makePost>[0]> = {}) =>
		makePost({
			country: land.country,
			author: by.key.fingerprint,
			at: T0 + 50,
			title: 'Sneaky',
			body: '',
			...extra
		});
	const carolJoins = () =>
		sign(
			carol,
			makeCitizen({
				country: land.country,
				author: carol.key.fingerprint,
				at: T0 + 40,
				name: 'Carol',
				publicKey: carol.key.publicKey,
				admission: { type: 'open' }
			})
		);

	const cases: Junk[] = [
		['a number', () => raw(sha256Hex('n'), 42), REMOVED],
		['a string', () => raw(sha256Hex('s'), 'record'), REMOVED],
		['null', () => raw(sha256Hex('null'), null), REMOVED],
		['a list', () => raw(sha256Hex('l'), [1, 2]), REMOVED],
		['an entry without a signature', () => raw(sha256Hex('{}'), { record: '{}' }), REMOVED],
		[
			'a signature that is not base64',
			() => raw(sha256Hex('{}'), { record: '{}', signature: 'not base64!' }),
			invalid('entry_malformed')
		],
		[
			'a valid entry under another id',
			() => raw(sha256Hex('elsewhere'), land.posts[0]!.entry),
			REMOVED
		],
		[
			'text that is not JSON',
			() => raw(sha256Hex('{oops'), { record: '{oops', signature: 'AAAA' }),
			invalid('record_malformed')
		],
		[
			'JSON that is not canonical',
			() => {
				const pretty = JSON.stringify(recordOf(land.posts[0]!), null, 2);
				return raw(sha256Hex(pretty), { record: pretty, signature: 'AAAA' });
			},
			invalid('record_not_canonical')
		],
		[
			'a record over 256 KiB',
			() => {
				const big = `"${'x'.repeat(MAX_RECORD_BYTES)}"`;
				return raw(sha256Hex(big), { record: big, signature: 'AAAA' });
			},
			invalid('record_too_large')
		],
		[
			'a record of a kind this peer does not know',
			() => {
				const text = canonicalText({ ...recordOf(land.posts[0]!), kind: 'poll' });
				if (!text.ok) throw new Error(text.message);
				return raw(sha256Hex(text.value), { record: text.value, signature: 'AAAA' });
			},
			invalid('kind_unknown')
		],
		[
			'a record of a version this peer does not know',
			() => {
				const text = canonicalText({ ...recordOf(land.posts[0]!), v: 2 });
				if (!text.ok) throw new Error(text.message);
				return raw(sha256Hex(text.value), { record: text.value, signature: 'AAAA' });
			},
			invalid('version_unsupported')
		],
		[
			'a post by alice signed by bob',
			async () => [await forge(bob, post(alice))],
			invalid('signature_invalid')
		],
		[
			'a post by alice with the signature of another of her posts',
			async () => {
				const other = await forge(alice, post(alice));
				const entry = { ...other.entry, signature: land.posts[0]!.entry.signature };
				return [{ id: other.id, entry }];
			},
			invalid('signature_invalid')
		],
		[
			'a forged citizen record claiming bob’s fingerprint with carol’s key',
			async () => [
				await forge(
					carol,
					makeCitizen({
						country: land.country,
						author: bob.key.fingerprint,
						at: T0, // earlier than bob's own: it would shadow his key if trusted
						name: 'Not Bob',
						publicKey: carol.key.publicKey,
						admission: { type: 'open' }
					})
				)
			],
			invalid('key_mismatch')
		],
		[
			'a genesis of another country',
			async () => [
				await sign(
					carol,
					makeGenesis({
						author: carol.key.fingerprint,
						at: T0,
						name: 'Elsewhere',
						constitution: { admission: 'open', seats: 1, termDays: 30 },
						founderKey: carol.key.publicKey
					})
				)
			],
			invalid('genesis_conflict')
		],
		[
			'an open claim in an invite-only country',
			async () => [await carolJoins()],
			invalid('admission_denied')
		],
		[
			'a post by someone whose claim was refused',
			async () => [await sign(carol, post(carol)), await carolJoins()],
			invalid('author_unknown')
		],
		[
			'an edit of alice’s post by bob',
			async () => [await sign(bob, post(bob, { replaces: land.posts[0]!.id }))],
			invalid('edit_forbidden')
		],
		[
			'an edit of a post that is not here',
			async () => [await sign(bob, post(bob, { replaces: sha256Hex('gone') }))],
			invalid('replaces_unknown')
		],
		[
			'a post of another country',
			async () => [await sign(alice, post(alice, { country: sha256Hex('another') }))],
			invalid('country_mismatch')
		],
		[
			'a post by a key nobody here knows',
			async () => [await forge(carol, { ...post(carol), author: STRANGER })],
			{ status: 'pending' }
		]
	];

	it.each(cases)('%s', async (_name, make, expected) => {
		const network = new Network({ seed: 31 });
		const honest = peer(network);
		const vandal = attacker(network);
		await honest.store.publish(land.all);
		const junk = await make();
		vandal.doc.transact(() => {
			for (const { id, entry } of junk) vandal.records.set(id, entry);
		});
		await settle(network, [honest.store]);

		const { country, diagnostics, healed, removed } = honest.store.snapshot;
		const [target] = junk;
		const diagnosis = diagnostics.find((d) => d.id === target!.id.slice(0, 80));
		if (expected === REMOVED) {
			expect(diagnosis).toBeUndefined();
			for (const p of [honest, vandal]) expect(p.records.has(target!.id)).toBe(false);
			expect(removed).toBe(1);
		} else {
			expect(diagnosis).toMatchObject(expected);
			for (const p of [honest, vandal]) expect(p.records.has(target!.id)).toBe(true);
			expect(removed).toBe(0);
		}
		for (const { id } of junk) expect(country.valid.has(id)).toBe(false);
		expect([...country.valid.keys()].sort()).toEqual(ids(land.all));
		expect(healed).toBe(0);
	});

	it('says what a junk entry claimed to be, without trusting it', async () => {
		const network = new Network({ seed: 32 });
		const honest = peer(network);
		const vandal = attacker(network);
		// Not canonical, or not JSON: junk here, yet hashed to its id, so it stays (junk.ts).
		const pretty = JSON.stringify(recordOf(land.posts[0]!), null, 1);
		vandal.records.set(sha256Hex(pretty), { record: pretty, signature: 'AAAA' });
		vandal.records.set(sha256Hex('n'), { record: 'n', signature: 'AAAA' });
		await settle(network, [honest.store]);
		const byId = new Map(honest.store.snapshot.diagnostics.map((d) => [d.id, d]));
		expect(byId.get(sha256Hex(pretty))).toMatchObject({
			kind: 'post',
			author: alice.key.fingerprint,
			at: null,
			status: 'invalid',
			code: 'record_not_canonical'
		});
		expect(byId.get(sha256Hex('n'))).toMatchObject({ kind: '?', author: '', status: 'invalid' });
	});

	for (const order of ['before', 'with', 'after'] as const) {
		it(`[R20] a forged citizen record arriving ${order} the victim’s own does not shadow their key`, async () => {
			const network = new Network({ seed: 33 });
			const honest = peer(network);
			const vandal = attacker(network);
			const forged = await forge(
				carol,
				makeCitizen({
					country: land.country,
					author: bob.key.fingerprint,
					at: T0,
					name: 'Not Bob',
					publicKey: carol.key.publicKey,
					admission: { type: 'open' }
				})
			);
			const bobs = [land.joining, ...land.posts.slice(2)];
			const rest = land.all.filter((r) => !bobs.includes(r));
			const write = (records: Signed[]) =>
				vandal.doc.transact(() => {
					for (const { id, entry } of records) vandal.records.set(id, entry);
				});
			write(rest);
			if (order === 'before') write([forged]);
			await settle(network, [honest.store]);
			write(order === 'with' ? [forged, ...bobs] : bobs);
			await settle(network, [honest.store]);
			if (order === 'after') write([forged]);
			await settle(network, [honest.store]);

			const { country } = honest.store.snapshot;
			expect([...country.valid.keys()].sort()).toEqual(ids(land.all));
			expect(country.citizenByKey.get(bob.key.fingerprint)?.publicKey).toBe(bob.key.publicKey);
			expect(honest.store.statusOf(forged.id)).toMatchObject({
				status: 'invalid',
				code: 'key_mismatch'
			});
		});
	}
});

describe('(e) publishing', () => {
	it('resolves with each record’s verdict', async () => {
		const honest = peer(null);
		expect(await honest.store.publish(land.all)).toMatchObject(land.all.map(() => VALID));
		const carolJoins = await sign(
			carol,
			makeCitizen({
				country: land.country,
				author: carol.key.fingerprint,
				at: T0 + 40,
				name: 'Carol',
				publicKey: carol.key.publicKey,
				admission: { type: 'open' }
			})
		);
		const forged = await forge(bob, recordOf(land.posts[0]!));
		const verdicts = await honest.store.publish([
			carolJoins,
			{ id: sha256Hex('other'), entry: land.posts[1]!.entry },
			land.posts[0]!, // again: still valid, nothing to heal
			{ ...forged, id: sha256Hex(forged.entry.record) }
		]);
		expect(verdicts).toMatchObject([
			{ status: 'invalid', code: 'admission_denied' },
			{ status: 'invalid', code: 'record_malformed' },
			{ status: 'valid' },
			{ status: 'valid' } // the same text: the id is taken by a valid copy, kept
		]);
		expect(honest.store.snapshot.healed).toBe(1); // the forged signature was put right
	});

	it('writes in transactions of at most 64 KiB, and heals in them too', async () => {
		const network = new Network({ seed: 41 });
		const honest = peer(network);
		const vandal = attacker(network);
		const at = T0 + 100;
		const many: Signed[] = [];
		for (let i = 0; i < 120; i++) {
			const body = `Post ${i}. ${'Lorem ipsum dolor sit amet. '.repeat(50)}`;
			many.push(await land.post(alice, at + i, `Post ${i}`, undefined, body));
		}
		for (let i = 0; i < 10; i++) {
			// 18,000 characters of three UTF-8 bytes each: 54 KB that count as 18,000 in UTF-16.
			const body = '民主'.repeat(9000);
			many.push(await land.post(bob, at + 200 + i, `長い投稿 ${i}`, undefined, body));
		}
		const huge = await land.post(alice, at + 300, 'Huge', undefined, 'x'.repeat(100_000));
		many.push(huge);

		const sizes: number[] = [];
		const withHuge: number[] = [];
		honest.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === LOCAL_ORIGIN || origin === honest.store) sizes.push(update.byteLength);
		});
		honest.records.observe((event) => {
			if (event.keysChanged.has(huge.id)) withHuge.push(event.keysChanged.size);
		});
		const verdicts = await honest.store.publish([...land.all, ...many]);
		expect(verdicts.every((v) => v.status === 'valid')).toBe(true);
		const limit = 64 * 1024;
		const hugeTx = sizes.filter((size) => size > limit);
		expect(hugeTx).toHaveLength(1); // the one record bigger than the limit, alone
		expect(withHuge).toEqual([1]);
		expect(sizes.length).toBeGreaterThan(3);

		await settle(network, [honest.store]);
		sizes.length = 0;
		vandal.doc.transact(() => vandal.records.clear());
		await settle(network, [honest.store]);
		expect(honest.records.size).toBe(land.all.length + many.length);
		expect(vandal.records.size).toBe(land.all.length + many.length);
		expect(sizes.filter((size) => size > limit)).toHaveLength(1);
		expect(sizes.length).toBeGreaterThan(3);
		// Written alone, deleted with everything by the vandal, healed alone.
		expect(withHuge).toEqual([1, land.all.length + many.length, 1]);
		expect(honest.store.snapshot.country.valid.size).toBe(land.all.length + many.length);
	});
});

describe('(f) live changes cost what they change', () => {
	/** A real inline verifier that remembers which records each call asked about. */
	function counting() {
		const inner = createVerifier({ useWorkers: false });
		const calls: string[][] = [];
		let warmUps = 0;
		const verifier: RecordVerifier = {
			verifyMany(items) {
				calls.push(items.map((i) => i.parsed.id));
				return inner.verifyMany(items);
			},
			warmUp() {
				warmUps++;
				return inner.warmUp();
			}
		};
		return { verifier, calls, warmUps: () => warmUps };
	}

	function counted() {
		const doc = new Y.Doc();
		const records = doc.getMap<unknown>(RECORDS_MAP);
		const check = counting();
		const store = new RecordStore({ countryId: land.country, records, verifier: check.verifier });
		return { doc, records, store, ...check };
	}

	it('asks its verifier to warm up as soon as it opens', () => {
		const { warmUps } = counted();
		expect(warmUps()).toBe(1);
		// A verifier without warmUp is fine too.
		expect(() => peer(null)).not.toThrow();
	});

	it('checks a record waiting for its author’s key once the key arrives, not on every change', async () => {
		const { store, calls } = counted();
		const hello = land.posts[2]!; // bob's post, before bob is a citizen here
		await store.publish([land.genesis, land.founding]);
		void store.publish([hello]);
		await store.settled();
		expect(store.statusOf(hello.id)).toMatchObject({ status: 'pending' });
		calls.length = 0;
		await store.publish([land.invite, land.posts[0]!]);
		// Neither new record carries a key: bob's post is not asked about again.
		expect(calls.flat().sort()).toEqual([land.invite.id, land.posts[0]!.id].sort());
		calls.length = 0;
		expect(await store.publish([land.joining])).toMatchObject([VALID]);
		await store.settled();
		// Bob's citizen record carries his key: then, and only then, his post is checked.
		expect(calls).toEqual([[land.joining.id], [hello.id]]);
		expect(store.statusOf(hello.id)).toEqual(VALID);
	});

	it('keeps the same country when a change verifies nothing new', async () => {
		const { store, records } = counted();
		await store.publish(land.all);
		const before = store.snapshot;
		records.set(sha256Hex('junk'), { record: 'junk', signature: 'AAAA' });
		await store.settled();
		expect(store.snapshot).not.toBe(before);
		expect(store.snapshot.country).toBe(before.country);
		expect(store.snapshot.diagnostics.map((d) => d.status)).toContain('invalid');
	});

	it('extends the last view for new posts, to the view a new peer derives from scratch', async () => {
		const { store, doc } = counted();
		const [welcome, rules, hello, helloEdited] = land.posts as [Signed, Signed, Signed, Signed];
		await store.publish([land.genesis, land.founding, land.invite, land.joining, welcome]);
		const before = store.snapshot.country;
		// A new post and an edit of it arriving first, in one batch.
		await store.publish([helloEdited, rules, hello]);
		const after = store.snapshot.country;
		// Reused, not derived again: extendCountry keeps every part a post cannot change.
		expect(after.citizens).toBe(before.citizens);
		expect(after.valid.size).toBe(before.valid.size + 3);
		expect(summary(store.snapshot)).toEqual(summary(await fromScratch(Y.encodeStateAsUpdate(doc))));
	});

	it('lists an old snapshot’s diagnostics as they were when it was taken', async () => {
		const { store, records } = counted();
		await store.publish([land.genesis, land.founding]);
		const early = store.snapshot; // its diagnostics not read yet
		await store.publish([land.invite]);
		records.set(sha256Hex('junk'), { record: 'junk', signature: 'AAAA' });
		await store.settled();
		const line = (d: DiagnosticEntry) => `${d.id} ${d.status}`;
		expect(early.diagnostics.map(line)).toEqual(
			[land.genesis, land.founding].map((r) => `${r.id} valid`)
		);
		expect(store.snapshot.diagnostics.map(line)).toEqual([
			`${sha256Hex('junk')} invalid`, // it claims no time: first
			`${land.genesis.id} valid`,
			`${land.founding.id} valid`,
			`${land.invite.id} valid`
		]);
		// Read twice, built once.
		expect(store.snapshot.diagnostics).toBe(store.snapshot.diagnostics);
	});
});

describe('(g) a large batch shows the country early', () => {
	/** 1,200 posts by alice, the first an edit of the last (they fall in different chunks). */
	let posts: Signed[];
	beforeAll(async () => {
		const post = (i: number, replaces: string | null = null) =>
			makePost({
				country: land.country,
				author: alice.key.fingerprint,
				at: T0 + 100 + i,
				title: `Post ${i}`,
				body: `Body of post ${i}`,
				replaces
			});
		const rest = await Promise.all(Array.from({ length: 1199 }, (_, i) => sign(alice, post(i))));
		const edit = await sign(alice, post(5000, rest.at(-1)!.id));
		posts = [edit, ...rest];
	}, 60_000);

	it('shows genesis and citizens first, every record once all are checked, and a forgery never', async () => {
		const doc = new Y.Doc();
		const records = doc.getMap<unknown>(RECORDS_MAP);
		const forged = await forge(
			bob,
			makePost({
				country: land.country,
				author: alice.key.fingerprint,
				at: T0 + 50,
				title: 'Not by alice',
				body: 'forged'
			})
		);
		// Posts first, the genesis and citizens last: loading must not depend on that order.
		const all = [...posts, forged, land.genesis, land.founding, land.invite, land.joining];
		doc.transact(() => {
			for (const { id, entry } of all) records.set(id, { ...entry });
		});
		const store = new RecordStore({
			countryId: land.country,
			records,
			verifier: createVerifier({ useWorkers: false })
		});
		const seen: StoreSnapshot[] = [];
		store.on('change', (snapshot) => seen.push(snapshot));
		let published: RecordStatus[] | null = null;
		void store.publish([posts[0]!]).then((statuses) => (published = statuses));
		await new Promise<void>((resolve) => store.once('change', () => resolve()));
		const first = seen[0]!;
		expect(first.country.name).toBe('Republic of Tests');
		expect(first.country.citizens.map((c) => c.fingerprint).sort()).toEqual(
			[alice.key.fingerprint, bob.key.fingerprint].sort()
		);
		expect(first.country.valid.size).toBeLessThan(all.length - 1);
		// Halfway, no one waiting on a record is answered: what it needs may come later.
		expect(published).toBeNull();
		await store.settled();
		expect(published).toMatchObject([VALID]);
		const last = store.snapshot;
		expect(last.country.valid.size).toBe(all.length - 1);
		expect(last.country.valid.has(forged.id)).toBe(false);
		expect(last.country.valid.has(posts[0]!.id)).toBe(true);
		for (const snapshot of seen) expect(snapshot.country.valid.has(forged.id)).toBe(false);
		// The whole country is derived a few times, not once per chunk.
		expect(seen.length).toBeLessThanOrEqual(4);
		expect(summary(last)).toEqual(summary(await fromScratch(Y.encodeStateAsUpdate(doc))));
	});

	it('keeps the verifier busy with three chunks at once, and hands it posts unparsed', async () => {
		const doc = new Y.Doc();
		const records = doc.getMap<unknown>(RECORDS_MAP);
		const forged = await forge(
			bob,
			makePost({
				country: land.country,
				author: alice.key.fingerprint,
				at: T0 + 60,
				title: 'Also not by alice',
				body: 'forged'
			})
		);
		doc.transact(() => {
			for (const { id, entry } of [...posts, forged, ...land.all]) records.set(id, { ...entry });
		});
		const real = createVerifier({ useWorkers: false });
		let inFlight = 0;
		let most = 0;
		const parsedHere: string[] = [];
		const unparsed: string[] = [];
		/** Each call answered a few tasks later, as a worker would: calls can overlap. */
		async function held<T>(call: () => Promise<T>): Promise<T> {
			most = Math.max(most, ++inFlight);
			try {
				const result = await call();
				for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
				return result;
			} finally {
				inFlight--;
			}
		}
		const store = new RecordStore({
			countryId: land.country,
			records,
			verifier: {
				verifyMany: (items) => {
					parsedHere.push(...items.map((i) => i.parsed.record.kind));
					return held(() => real.verifyMany(items));
				},
				checkEntries: (items) => {
					unparsed.push(...items.map((i) => i.id));
					return held(() => real.checkEntries(items));
				}
			}
		});
		await store.settled();
		expect(most).toBe(3);
		// Only the records that reveal keys were parsed on this thread.
		expect(new Set(parsedHere)).toEqual(new Set(['genesis', 'citizen', 'invite']));
		const others = [...posts, forged, ...land.all].filter(
			(r) => !['genesis', 'citizen', 'invite'].includes(recordOf(r).kind)
		);
		expect(unparsed.sort()).toEqual(ids(others));
		expect(store.snapshot.country.valid.size).toBe(records.size - 1);
		expect(store.statusOf(forged.id)).toMatchObject({
			status: 'invalid',
			code: 'signature_invalid'
		});
		expect(summary(store.snapshot)).toEqual(summary(await fromScratch(Y.encodeStateAsUpdate(doc))));
	});

	it('says why a record is pending, and how many entries are held', async () => {
		const doc = new Y.Doc();
		const records = doc.getMap<unknown>(RECORDS_MAP);
		const stranger = await sign(
			carol,
			makePost({
				country: land.country,
				author: carol.key.fingerprint,
				at: T0 + 70,
				title: 'By someone not a citizen here',
				body: 'no key for me'
			})
		);
		doc.transact(() => {
			for (const { id, entry } of [...posts, stranger, ...land.all]) {
				records.set(id, { ...entry });
			}
		});
		const store = new RecordStore({
			countryId: land.country,
			records,
			verifier: createVerifier({ useWorkers: false })
		});
		await new Promise<void>((resolve) => store.once('change', () => resolve()));
		const partial = store.snapshot;
		expect(partial.partial).toBe(true);
		expect(partial.held).toBe(records.size);
		const reasons = new Map(
			partial.diagnostics.map((d) => [d.id, d.status === 'pending' ? d.reason : d.status])
		);
		expect([undefined, 'no_key']).toContain(reasons.get(stranger.id));
		const waiting = posts.filter((p) => reasons.get(p.id) === 'checking');
		const unread = posts.filter((p) => !reasons.has(p.id));
		// Halfway: alice's posts are read and waiting their turn, or not read yet, never keyless.
		expect(waiting.length + unread.length).toBeGreaterThan(0);
		expect(posts.every((p) => [undefined, 'checking', 'valid'].includes(reasons.get(p.id)))).toBe(
			true
		);
		await store.settled();
		const done = store.snapshot;
		expect(done.held).toBe(records.size);
		expect(done.diagnostics).toHaveLength(records.size);
		expect(done.diagnostics.find((d) => d.id === stranger.id)).toMatchObject({
			status: 'pending',
			reason: 'no_key'
		});
	});

	it('answers a citizen record published during a long load before the load ends', async () => {
		const doc = new Y.Doc();
		const records = doc.getMap<unknown>(RECORDS_MAP);
		doc.transact(() => {
			for (const { id, entry } of [...posts, ...land.all]) records.set(id, { ...entry });
		});
		const store = new RecordStore({
			countryId: land.country,
			records,
			verifier: createVerifier({ useWorkers: false })
		});
		await new Promise<void>((resolve) => store.once('change', () => resolve()));
		const renamed = await sign(
			bob,
			makeCitizen({
				country: land.country,
				author: bob.key.fingerprint,
				at: T0 + 9000,
				name: 'Bob, renamed',
				publicKey: bob.key.publicKey,
				admission: { type: 'update' }
			})
		);
		const verdict = await store.publish([renamed]);
		expect(verdict).toMatchObject([VALID]);
		// Answered halfway: posts are still being checked.
		expect(store.snapshot.country.valid.size).toBeLessThan(records.size);
		expect(store.snapshot.country.citizenByKey.get(bob.key.fingerprint)?.name).toBe('Bob, renamed');
		await store.settled();
		expect(store.snapshot.country.valid.size).toBe(records.size);
		expect(summary(store.snapshot)).toEqual(summary(await fromScratch(Y.encodeStateAsUpdate(doc))));
	});
});

describe('(h) a preloaded frame shows the country before its document loads', () => {
	it('judges preloaded entries like map entries, then holds them against the loaded map', async () => {
		const post = await sign(
			alice,
			makePost({
				country: land.country,
				author: alice.key.fingerprint,
				at: T0 + 500,
				title: 'Kept aside',
				body: 'in the frame'
			})
		);
		const forged = await forge(
			bob,
			makePost({
				country: land.country,
				author: alice.key.fingerprint,
				at: T0 + 501,
				title: 'Not by alice',
				body: 'forged'
			})
		);
		const { doc, records, store } = peer(null);
		await store.preload([...land.all, post, forged]);
		// Shown from the frame alone, as a partial view; the forgery is never valid.
		expect(store.snapshot.partial).toBe(true);
		expect(store.snapshot.country.name).toBe('Republic of Tests');
		expect(store.snapshot.country.valid.has(post.id)).toBe(true);
		expect(store.snapshot.country.valid.has(forged.id)).toBe(false);
		expect(records.size).toBe(0);
		// The stored document arrives without the post: this device's verified copy heals it;
		// the forgery, never in the document, is forgotten.
		doc.transact(() => {
			for (const { id, entry } of land.all) records.set(id, { ...entry });
		});
		store.mapLoaded();
		await store.settled();
		expect(store.snapshot.partial).toBeUndefined();
		expect(records.get(post.id)).toEqual(post.entry);
		expect(records.has(forged.id)).toBe(false);
		expect(store.snapshot.diagnostics.some((d) => d.id === forged.id)).toBe(false);
		expect(summary(store.snapshot)).toEqual(summary(await fromScratch(Y.encodeStateAsUpdate(doc))));
	});
});

describe('(i) junk for good is removed, and nothing else', () => {
	/** [name, id, value, reason] — what junkReason says, with and without WebCrypto. */
	const verdicts: [string, () => string, () => unknown, JunkReason | null][] = [
		['a record under its id', () => land.posts[0]!.id, () => land.posts[0]!.entry, null],
		['a record under another id', () => sha256Hex('x'), () => land.posts[0]!.entry, 'wrong_id'],
		[
			'uppercase hex of its id',
			() => land.posts[0]!.id.toUpperCase(),
			() => land.posts[0]!.entry,
			'wrong_id'
		],
		[
			'not JSON, under its hash',
			() => sha256Hex('{oops'),
			() => ({ record: '{oops', signature: '' }),
			null
		],
		[
			'a lone surrogate, hashed as U+FFFD',
			() => sha256Hex('\ufffd'),
			() => ({ record: '\ud800', signature: '' }),
			null
		],
		['extra fields', () => sha256Hex('a'), () => ({ record: 'a', signature: 'b', c: 1 }), null],
		['a number', () => sha256Hex('a'), () => 1, 'not_an_entry'],
		['a string', () => sha256Hex('a'), () => 'a', 'not_an_entry'],
		['a list', () => sha256Hex('a'), () => ['a', 'b'], 'not_an_entry'],
		['a record only', () => sha256Hex('a'), () => ({ record: 'a' }), 'not_an_entry'],
		[
			'a number for a signature',
			() => sha256Hex('a'),
			() => ({ record: 'a', signature: 1 }),
			'not_an_entry'
		]
	];
	it.each(verdicts)('[junk] %s', async (_name, id, value, reason) => {
		expect(await junkReason(id(), value())).toBe(reason);
		Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true });
		try {
			expect(await junkReason(id(), value())).toBe(reason);
		} finally {
			delete (globalThis.crypto as { subtle?: unknown }).subtle;
		}
		expect(globalThis.crypto.subtle).toBeDefined();
	});
	it('[junk] a present undefined is no entry; an absent one is nothing', async () => {
		expect(await junkReason(sha256Hex('a'), undefined, true)).toBe('not_an_entry');
		expect(await junkReason(sha256Hex('a'), undefined)).toBeNull();
	});

	/** Every store-made deletion, per transaction, and the `removed` count of each view. */
	function watch(p: Peer) {
		const perTransaction: number[] = [];
		const perView: number[] = [];
		p.records.observe((event) => {
			if (event.transaction.origin !== p.store) return;
			const deleted = [...event.changes.keys.values()].filter((c) => c.action === 'delete');
			if (deleted.length) perTransaction.push(deleted.length);
		});
		let last = p.store.snapshot.removed;
		p.store.on('change', (s) => {
			perView.push(s.removed - last);
			last = s.removed;
		});
		return { perTransaction, perView };
	}

	it('an entry with fields besides record and signature is a record: kept, valid', async () => {
		const network = new Network({ seed: 51 });
		const honest = peer(network);
		const vandal = attacker(network);
		await honest.store.publish(land.all.filter((r) => r !== land.posts[1]));
		const extra = { ...land.posts[1]!.entry, note: 'a later version may add fields' };
		vandal.records.set(land.posts[1]!.id, extra);
		vandal.records.set(sha256Hex('moved'), extra); // the same under a wrong id: removed
		await settle(network, [honest.store]);
		expect(honest.records.get(land.posts[1]!.id)).toEqual(extra);
		expect(honest.store.statusOf(land.posts[1]!.id)).toEqual(VALID);
		expect(honest.records.has(sha256Hex('moved'))).toBe(false);
		expect(honest.store.snapshot.removed).toBe(1);
	});

	it('judges what the map holds when it removes: a record that replaced the junk stays', async () => {
		const { records, store } = peer(null);
		await store.publish(land.all.filter((r) => r !== land.posts[0]));
		const target = land.posts[0]!;
		// The junk is judged (its text hashed) and, meanwhile, the record arrives under its id.
		const subtle = globalThis.crypto.subtle;
		const digest = subtle.digest;
		let replaced = false;
		subtle.digest = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['digest']>) {
			if (!replaced) {
				replaced = true;
				records.set(target.id, { ...target.entry });
			}
			return digest.apply(this, args);
		};
		try {
			records.set(target.id, { record: 'junk', signature: 'AAAA' });
			await store.settled();
		} finally {
			subtle.digest = digest;
		}
		expect(replaced).toBe(true);
		expect(records.get(target.id)).toEqual(target.entry);
		expect(store.statusOf(target.id)).toEqual(VALID);
		expect(store.snapshot.removed).toBe(0);
	});

	it('junk seen only in a preload removes nothing: the map’s own entries are judged', async () => {
		const { doc, records, store } = peer(null);
		const [post, other] = land.posts as [Signed, Signed];
		// A record this peer cannot judge yet (no key for carol): never verified, never junk.
		const stranger = await sign(
			carol,
			makePost({
				country: land.country,
				author: carol.key.fingerprint,
				at: T0 + 70,
				title: 'Not a citizen here',
				body: ''
			})
		);
		const held = [...land.all, stranger];
		// A damaged frame: junk under the ids of three entries the document holds, and a new id.
		await store.preload([
			...land.all.filter((r) => r !== post && r !== other),
			{ id: post.id, entry: { record: 'junk', signature: 'AAAA' } },
			{ id: other.id, entry: 42 as unknown as Signed['entry'] },
			{ id: stranger.id, entry: { record: 'junk', signature: 'AAAA' } },
			{ id: sha256Hex('frame only'), entry: { record: 'x', signature: 'AAAA' } }
		]);
		doc.transact(() => {
			for (const { id, entry } of held) records.set(id, { ...entry });
		});
		store.mapLoaded();
		await store.settled();
		expect(contents(records)).toEqual(
			held.map((r) => [r.id, r.entry] as [string, unknown]).sort(([a], [b]) => (a < b ? -1 : 1))
		);
		expect(store.snapshot.removed).toBe(0);
		expect(summary(store.snapshot).valid).toEqual(ids(land.all));
		expect(store.statusOf(stranger.id)).toMatchObject({ status: 'pending', reason: 'no_key' });
	});

	it('removes a flood of junk in bounded passes and transactions, and keeps every record', async () => {
		const network = new Network({ seed: 52 });
		const honest = peer(network);
		const vandal = attacker(network);
		await honest.store.publish(land.all);
		await settle(network, [honest.store]);
		const seen = watch(honest);
		const flood = 2 * REMOVE_PER_PASS + 500;
		vandal.doc.transact(() => {
			for (let i = 0; i < flood; i++) {
				vandal.records.set(
					sha256Hex(`flood ${i}`),
					i % 2 ? i : { record: `${i}`, signature: 'AAAA' }
				);
			}
		});
		await settle(network, [honest.store]);
		expect(contents(honest.records)).toEqual(contents(vandal.records));
		expect(summary(honest.store.snapshot).valid).toEqual(ids(land.all));
		expect(honest.records.size).toBe(land.all.length);
		expect(honest.store.snapshot.removed).toBe(flood);
		expect(honest.store.snapshot.diagnostics).toHaveLength(land.all.length);
		// Three passes at most of REMOVE_PER_PASS each, in transactions of at most 250.
		expect(Math.max(...seen.perView)).toBeLessThanOrEqual(REMOVE_PER_PASS);
		expect(seen.perView.filter((n) => n > 0).length).toBe(3);
		expect(Math.max(...seen.perTransaction)).toBeLessThanOrEqual(REMOVE_PER_TRANSACTION);
		expect(seen.perTransaction.reduce((a, b) => a + b, 0)).toBe(flood);
	});

	it('200 junk entries of 200 KB: hashed a bounded amount per pass, and gone from the document', async () => {
		const network = new Network({ seed: 53 });
		const honest = peer(network);
		const vandal = attacker(network);
		await honest.store.publish(land.all);
		await settle(network, [honest.store]);
		const clean = Y.encodeStateAsUpdate(honest.doc).byteLength;
		const seen = watch(honest);
		const size = 200_000;
		const junk = Array.from({ length: 200 }, (_, i) => `${i}`.padEnd(size, 'x'));
		vandal.doc.transact(() => {
			junk.forEach((text, i) =>
				vandal.records.set(sha256Hex(`big ${i}`), { record: text, signature: 'AAAA' })
			);
		});
		const flooded = Y.encodeStateAsUpdate(vandal.doc).byteLength;
		await settle(network, [honest.store]);
		const after = Y.encodeStateAsUpdate(honest.doc).byteLength;
		expect(flooded).toBeGreaterThan(200 * size);
		expect(after).toBeLessThan(clean + 64 * 1024);
		expect(honest.records.size).toBe(land.all.length);
		expect(summary(honest.store.snapshot).valid).toEqual(ids(land.all));
		// No pass hashes more than HASH_PER_PASS bytes, counting 3 UTF-8 bytes per character.
		expect(Math.max(...seen.perView)).toBeLessThanOrEqual(Math.floor(HASH_PER_PASS / (3 * size)));
		console.info(
			`200 × 200 KB junk: document ${flooded} B flooded, ${after} B after removal (${clean} B clean)`
		);
	});

	it('a vandal rewriting junk again and again costs one deletion per write, a bounded pass at a time', async () => {
		const network = new Network({ seed: 54 });
		const honest = peer(network);
		const vandal = attacker(network);
		await honest.store.publish(land.all);
		await settle(network, [honest.store]);
		const seen = watch(honest);
		const junkIds = Array.from({ length: 300 }, (_, i) => sha256Hex(`again ${i}`));
		const rounds = 8;
		for (let round = 0; round < rounds; round++) {
			vandal.doc.transact(() => {
				for (const id of junkIds) vandal.records.set(id, round % 2 ? [round] : `junk ${round}`);
			});
			await settle(network, [honest.store]);
			expect(honest.records.size).toBe(land.all.length);
		}
		expect(honest.store.snapshot.removed).toBe(rounds * junkIds.length);
		expect(Math.max(...seen.perView)).toBeLessThanOrEqual(REMOVE_PER_PASS);
		expect(Math.max(...seen.perTransaction)).toBeLessThanOrEqual(REMOVE_PER_TRANSACTION);
		expect(summary(honest.store.snapshot).valid).toEqual(ids(land.all));
	});
});
