/**
 * verifyEntries: judging a whole imported set at once, with really signed records, the real
 * inline verifier, and what this device already holds.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type UnlockedIdentity, type Verifier } from '../identity';
import {
	makeCitizen,
	makeGenesis,
	sha256Hex,
	type AnyRecord,
	type ReasonCode,
	type SignedEntry,
	type Verified
} from '../model';
import { verifyEntries, type EntrySetVerdict } from './verify-entries';
import { forge, sign, signedCountry, signer, T0, type Signed } from './fixtures/country';

let alice: UnlockedIdentity;
let bob: UnlockedIdentity;
let carol: UnlockedIdentity;
let land: Awaited<ReturnType<typeof signedCountry>>;
let elsewhere: Awaited<ReturnType<typeof signedCountry>>;
let verifier: Verifier;
/** Every record of `land`, as verified on this device. */
let held: Verified[];

beforeAll(async () => {
	[alice, bob, carol] = await Promise.all([signer('alice'), signer('bob'), signer('carol')]);
	land = await signedCountry({ founder: alice, member: bob });
	elsewhere = await signedCountry({ founder: carol, member: bob, name: 'Elsewhere' });
	verifier = createVerifier({ useWorkers: false });
	held = (await check(land.all)).valid;
}, 60_000);

const entriesOf = (records: readonly Signed[]): [string, unknown][] =>
	records.map((r) => [r.id, r.entry]);
const recordOf = (signed: Signed) => JSON.parse(signed.entry.record) as AnyRecord;

function check(
	records: readonly (Signed | [string, unknown])[],
	options: { held?: Verified[]; heldEntries?: [string, unknown][] } = {}
): Promise<EntrySetVerdict> {
	return verifyEntries({
		countryId: land.country,
		entries: records.map((r): [string, unknown] => (Array.isArray(r) ? r : [r.id, r.entry])),
		verifier,
		...options
	});
}

const validIds = (verdict: EntrySetVerdict) => verdict.valid.map((r) => r.id).sort();
const codeOf = (verdict: EntrySetVerdict, id: string) =>
	verdict.invalid.find((d) => d.id === id.slice(0, 80)) as
		{ code: ReasonCode; kind: string } | undefined;
const ids = (records: readonly Signed[]) => records.map((r) => r.id).sort();

describe('a valid set', () => {
	it('every record of a whole country is valid, none invalid', async () => {
		const verdict = await check(land.all);
		expect(validIds(verdict)).toEqual(ids(land.all));
		expect(verdict.invalid).toEqual([]);
		expect(verdict.country.citizens.map((c) => c.name)).toEqual([alice.key.name, bob.key.name]);
		// Each valid record is the entry given, text and signature.
		for (const r of verdict.valid) {
			expect(land.all.find((s) => s.id === r.id)?.entry).toEqual({
				record: r.text,
				signature: r.signature
			});
		}
	});

	it('the order of the set does not matter', async () => {
		const reversed = await check([...land.all].reverse());
		expect(validIds(reversed)).toEqual(ids(land.all));
	});
});

describe('tampered entries are reported with their code and never valid', () => {
	/** [name, the entry that replaces or joins the set, expected code]; built after beforeAll. */
	type Tamper = [name: string, make: () => Promise<[string, unknown]>, code: ReasonCode];
	const welcome = () => land.posts[0]!;
	const table: Tamper[] = [
		[
			'another record’s signature',
			async () => [welcome().id, { ...welcome().entry, signature: land.posts[1]!.entry.signature }],
			'signature_invalid'
		],
		[
			'signed by another key in its author’s name',
			async () => {
				const forged = await forge(carol, recordOf(welcome()));
				return [forged.id, forged.entry];
			},
			'signature_invalid'
		],
		[
			'its text changed under its id',
			async () => [
				welcome().id,
				{ ...welcome().entry, record: welcome().entry.record.replace('Welcome', 'Gotcha') }
			],
			'record_malformed'
		],
		[
			'a text that is not JSON, under its own hash',
			async () => [sha256Hex('not json'), { record: 'not json', signature: 'AAAA' }],
			'record_malformed'
		],
		[
			'JSON that is not canonical',
			async () => {
				const text = JSON.stringify(recordOf(welcome()), null, 1);
				return [sha256Hex(text), { record: text, signature: welcome().entry.signature }];
			},
			'record_not_canonical'
		],
		['an entry that is not an object', async () => [sha256Hex('x'), 42], 'entry_malformed'],
		[
			'a citizen record carrying another person’s key',
			async () => {
				const claim = makeCitizen({
					country: land.country,
					author: bob.key.fingerprint,
					at: T0 + 20,
					name: 'Not Bob',
					publicKey: carol.key.publicKey,
					admission: { type: 'update' }
				});
				const forged = await forge(carol, claim);
				return [forged.id, forged.entry];
			},
			'key_mismatch'
		],
		[
			'a genesis whose founder key is not its author’s',
			async () => {
				const genesis = makeGenesis({
					author: alice.key.fingerprint,
					at: T0,
					name: 'Republic of Tests',
					constitution: { admission: 'open', seats: 3, termDays: 365 },
					founderKey: carol.key.publicKey
				});
				const forged = await forge(carol, genesis);
				return [forged.id, forged.entry];
			},
			'key_mismatch'
		]
	];

	const cases = () => table.map(([name, make, code]) => ({ name, make, code }));
	it.each(cases())('[import] $name: $code', async ({ make, code }) => {
		const [id, value] = await make();
		const others = land.all.filter((r) => r.id !== id);
		const verdict = await check([...entriesOf(others), [id, value]]);
		expect(codeOf(verdict, id)?.code).toBe(code);
		expect(validIds(verdict)).toEqual(ids(others));
		expect(verdict.invalid).toHaveLength(1);
	});

	it.each(cases())(
		'[import] $name is reported ($code) even when this device holds that id as valid',
		async ({ make, code }) => {
			const [id, value] = await make();
			const verdict = await check([[id, value]], { held });
			expect(codeOf(verdict, id)?.code).toBe(code);
			expect(verdict.valid).toEqual([]);
		}
	);

	it('[import] a forged citizen record hides nobody’s key: the real author’s posts stay valid', async () => {
		const fake = makeCitizen({
			country: land.country,
			author: bob.key.fingerprint,
			at: T0 - 1, // earlier than bob's real record: it would win keysByAuthor if trusted
			name: 'Bob',
			publicKey: carol.key.publicKey,
			admission: { type: 'open' }
		});
		const forged = await forge(carol, fake);
		const verdict = await check([...entriesOf(land.all), [forged.id, forged.entry]]);
		expect(codeOf(verdict, forged.id)?.code).toBe('key_mismatch');
		expect(validIds(verdict)).toEqual(ids(land.all));
	});
});

describe('what this device holds vouches for the set', () => {
	it('[import] a post whose author’s citizen record is only held is valid', async () => {
		const hello = land.posts[2]!;
		expect(validIds(await check([hello], { held }))).toEqual([hello.id]);
		const alone = await check([hello]);
		expect(alone.valid).toEqual([]);
		expect(codeOf(alone, hello.id)?.code).toBe('author_unknown');
	});

	it('[import] a record held but not yet valid becomes valid with the set, and vouches for it', async () => {
		// This device holds bob's admission, but not the invite it claims: it is not valid here.
		const heldEntries = entriesOf([land.joining]);
		const set = [land.genesis, land.founding, land.invite, land.posts[2]!];
		const verdict = await check(set, { heldEntries });
		expect(validIds(verdict)).toEqual(ids(set));
		expect(verdict.country.valid.has(land.joining.id)).toBe(true);
		// Only valid held records: bob's post has no known author.
		const withValidOnly = await check(set, { held: [] });
		expect(codeOf(withValidOnly, land.posts[2]!.id)?.code).toBe('author_unknown');
	});

	it('[import] held entries are judged, never reported', async () => {
		const junk: [string, unknown][] = [
			[sha256Hex('junk'), 'junk'],
			[land.posts[0]!.id, { ...land.posts[0]!.entry, signature: 'AAAA' }]
		];
		const verdict = await check([land.posts[1]!], {
			heldEntries: [...entriesOf(land.all.slice(0, 4)), ...junk]
		});
		expect(validIds(verdict)).toEqual([land.posts[1]!.id]);
		expect(verdict.invalid).toEqual([]);
	});

	it('[import] the same record with another valid signature: valid lists the one every view keeps', async () => {
		const welcome = land.posts[0]!;
		const again = await sign(alice, recordOf(welcome));
		expect(again.entry.signature).not.toBe(welcome.entry.signature);
		const smaller = [welcome.entry.signature, again.entry.signature].sort()[0];
		for (const options of [{ held }, { heldEntries: entriesOf(land.all) }]) {
			const verdict = await check([again], options);
			expect(verdict.valid.map((r) => r.signature)).toEqual([smaller]);
			expect(verdict.invalid).toEqual([]);
		}
	});
});

describe('records of another country', () => {
	it('[R3] a whole other country in the set is rejected record by record', async () => {
		const verdict = await check([...land.all, ...elsewhere.all]);
		expect(validIds(verdict)).toEqual(ids(land.all));
		expect(codeOf(verdict, elsewhere.genesis.id)?.code).toBe('genesis_conflict');
		for (const r of elsewhere.all.slice(1)) {
			expect([r.id, codeOf(verdict, r.id)?.code]).toEqual([r.id, 'country_mismatch']);
		}
	});

	it('[R3] another country’s posts by an author unknown here are country_mismatch, not author_unknown', async () => {
		const carolsPost = elsewhere.posts[0]!;
		const verdict = await check([...land.all, carolsPost]);
		expect(codeOf(verdict, carolsPost.id)?.code).toBe('country_mismatch');
	});
});

describe('rules apply across the set and what is held', () => {
	it('[R7] a second claim of a used invite is invite_used', async () => {
		const claim = await sign(
			carol,
			makeCitizen({
				country: land.country,
				author: carol.key.fingerprint,
				at: T0 + 30,
				name: 'Carol',
				publicKey: carol.key.publicKey,
				admission: {
					type: 'invite',
					invite: land.invite.id,
					code: 'bob-is-invited-0123456789'
				}
			})
		);
		const verdict = await check([claim], { held });
		expect(codeOf(verdict, claim.id)?.code).toBe('invite_used');
	});

	it('[R23] an edit of someone else’s post is edit_forbidden', async () => {
		const edit = await land.post(bob, T0 + 40, 'Welcome, says bob', land.posts[0]!.id);
		const verdict = await check([edit], { held });
		expect(codeOf(verdict, edit.id)?.code).toBe('edit_forbidden');
	});
});

describe('invalid records never appear as valid', () => {
	it('[import] every entry of any mix gets exactly one verdict, and valid ones are what was given', async () => {
		const welcome = land.posts[0]!;
		const forged = await forge(carol, recordOf(welcome));
		const variants: [string, unknown][] = [
			...entriesOf(land.all),
			...entriesOf(elsewhere.all),
			[forged.id, forged.entry],
			[welcome.id, { ...welcome.entry, record: welcome.entry.record.replace('Welcome', 'W') }],
			[land.posts[1]!.id, { ...land.posts[1]!.entry, signature: welcome.entry.signature }],
			[sha256Hex('junk'), { record: 'junk', signature: '' }]
		];
		await fc.assert(
			fc.asyncProperty(fc.shuffledSubarray(variants), fc.boolean(), async (chosen, withHeld) => {
				// A record map holds one value per id: the last written wins.
				const entries = [...new Map(chosen)];
				const verdict = await check(entries, withHeld ? { held } : {});
				const valid = verdict.valid.map((r) => r.id);
				const invalid = verdict.invalid.map((d) => d.id);
				expect(new Set(valid).size).toBe(valid.length);
				expect(valid.filter((id) => invalid.includes(id))).toEqual([]);
				expect([...valid, ...invalid].sort()).toEqual(entries.map(([id]) => id).sort());
				for (const r of verdict.valid) {
					const given = new Map(entries).get(r.id) as SignedEntry;
					expect(given.record).toBe(r.text);
					expect(given.signature).toBe(r.signature);
					expect(verdict.country.valid.get(r.id)).toBe(r);
				}
			}),
			{ seed: 0x7e57, numRuns: 60 }
		);
	});
});
