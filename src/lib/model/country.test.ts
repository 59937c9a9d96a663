import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	byTimeThenId,
	deriveCountry,
	keysByAuthor,
	signingKeyFor,
	type CountryView
} from './country';
import { sha256Hex } from './hash';
import type { AdmissionProof } from './kinds/citizen';
import type { Admission } from './kinds/genesis';
import type { ParsedRecord, RecordOf } from './record';
import type { Verified } from './verified';
import {
	citizenRecord,
	fakeKey,
	genesisRecord,
	inviteCode,
	inviteRecord,
	person,
	verified,
	type Person
} from './fixtures/records';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const carol = person('carol');
const mallory = person('mallory');

/** A country under test: its genesis and constructors for records that name it. */
function country(options: { admission?: Admission; founder?: Person } = {}) {
	const genesis = verified(
		genesisRecord({ founder: options.founder ?? founder, at: 0, admission: options.admission })
	);
	const id = genesis.id;
	const citizen = (who: Person, at: number, admission: AdmissionProof, name?: string) =>
		verified(citizenRecord(id, { who, at, admission, name }));
	return {
		id,
		genesis,
		citizen,
		founding: (at = 1) => citizen(options.founder ?? founder, at, { type: 'founder' }),
		open: (who: Person, at: number) => citizen(who, at, { type: 'open' }),
		update: (who: Person, at: number, name: string) => citizen(who, at, { type: 'update' }, name),
		invite: (by: Person, at: number, code = inviteCode(`${by.label}-${at}`)) =>
			verified(inviteRecord(id, { by, at, code })),
		claim: (who: Person, at: number, invite: Verified, code: string) =>
			citizen(who, at, { type: 'invite', invite: invite.id, code }),
		/** The view of this country from its genesis and the given records. */
		derive: (...records: Verified[]) => deriveCountry(id, [genesis, ...records])
	};
}

/** The code an invite made with `c.invite(by, at, inviteCode(label))` was published for. */
const codeOf = (invite: Verified<RecordOf<'invite'>>, label: string) => {
	const code = inviteCode(label);
	if (invite.record.body.codeHash !== sha256Hex(code)) throw new Error('not this invite’s code');
	return code;
};

/** 'valid', the rejection code, or 'absent' when the view does not mention the record. */
function verdict(view: CountryView, record: Verified): string {
	if (view.valid.has(record.id)) return 'valid';
	return view.rejected.find((r) => r.id === record.id)?.code ?? 'absent';
}

const names = (view: CountryView) => view.citizens.map((c) => c.name);

describe('[R1] the genesis must be here', () => {
	it('[R1] with its genesis, the view has the country’s name, constitution and founder', () => {
		const c = country({ admission: 'open' });
		const view = c.derive();
		expect(view).toMatchObject({
			id: c.id,
			name: 'Test Republic',
			constitution: { admission: 'open', seats: 5, termDays: 365 },
			parent: null,
			founder: founder.fingerprint,
			citizens: []
		});
		expect(view.genesis?.id).toBe(c.id);
		expect(verdict(view, c.genesis)).toBe('valid');
		expect(view.rejected).toEqual([]);
	});

	it('[R1] without its genesis, every record of the country is rejected genesis_missing', () => {
		const c = country();
		const founding = c.founding();
		const invite = c.invite(founder, 2);
		const view = deriveCountry(c.id, [founding, invite]);
		expect(verdict(view, founding)).toBe('genesis_missing');
		expect(verdict(view, invite)).toBe('genesis_missing');
		expect(view).toMatchObject({ genesis: null, name: '', constitution: null, founder: null });
		expect(view.citizens).toEqual([]);
		expect(view.valid.size).toBe(0);
	});

	it('[R1] an empty set of records gives an empty view', () => {
		const view = deriveCountry('ab'.repeat(32), []);
		expect(view.citizens).toEqual([]);
		expect(view.rejected).toEqual([]);
		expect(view.genesis).toBeNull();
	});
});

describe('[R2] one genesis: the one whose id is the country id', () => {
	it('[R2] another country’s genesis is rejected genesis_conflict', () => {
		const c = country();
		const other = verified(genesisRecord({ founder: mallory, at: 0, name: 'Other Land' }));
		const view = c.derive(other);
		expect(verdict(view, other)).toBe('genesis_conflict');
		expect(view.name).toBe('Test Republic');
	});

	it('[R2] a second genesis by the same founder is another country, not an amendment', () => {
		const c = country();
		const amended = verified(genesisRecord({ founder, at: 5, seats: 9 }));
		const view = c.derive(amended);
		expect(verdict(view, amended)).toBe('genesis_conflict');
		expect(view.constitution?.seats).toBe(5);
	});

	it('[R2] a foreign genesis is genesis_conflict even while this one is missing', () => {
		const c = country();
		const other = verified(genesisRecord({ founder: mallory, at: 0, name: 'Other Land' }));
		expect(verdict(deriveCountry(c.id, [other]), other)).toBe('genesis_conflict');
	});
});

describe('[R3] every other record names this country', () => {
	const c = country({ admission: 'open' });
	const elsewhere = country({ founder: mallory, admission: 'open' });

	it('[R3] a record that names this country is judged by the other rules', () => {
		const joining = c.open(alice, 2);
		expect(verdict(c.derive(joining), joining)).toBe('valid');
	});

	it('[R3] a citizen record naming another country is rejected country_mismatch', () => {
		const joining = elsewhere.open(alice, 2);
		expect(verdict(c.derive(joining), joining)).toBe('country_mismatch');
	});

	it('[R3] an invite naming another country is rejected country_mismatch', () => {
		const invite = elsewhere.invite(founder, 2);
		expect(verdict(c.derive(c.founding(), invite), invite)).toBe('country_mismatch');
	});

	it('[R3] country_mismatch wins over genesis_missing', () => {
		const joining = elsewhere.open(alice, 2);
		expect(verdict(deriveCountry(c.id, [joining]), joining)).toBe('country_mismatch');
	});
});

describe('[R4] a key is admitted once', () => {
	const c = country({ admission: 'open' });

	it('[R4] two different keys are both admitted', () => {
		expect(names(c.derive(c.open(alice, 2), c.open(bob, 3)))).toEqual(['alice', 'bob']);
	});

	it('[R4] a second admission of the same key is rejected citizen_duplicate', () => {
		const first = c.open(alice, 2);
		const second = c.citizen(alice, 3, { type: 'open' }, 'alice again');
		const view = c.derive(second, first);
		expect(verdict(view, first)).toBe('valid');
		expect(verdict(view, second)).toBe('citizen_duplicate');
		expect(view.citizenByKey.get(alice.fingerprint)?.admittedBy).toBe(first.id);
	});

	it('[R4] of two admissions at the same time, the smaller id is kept', () => {
		const a = c.citizen(alice, 2, { type: 'open' }, 'one');
		const b = c.citizen(alice, 2, { type: 'open' }, 'two');
		const [first, second] = a.id < b.id ? [a, b] : [b, a];
		const view = c.derive(second, first);
		expect(verdict(view, first)).toBe('valid');
		expect(verdict(view, second)).toBe('citizen_duplicate');
	});

	it('[R4] the founder cannot join a second time with an open proof', () => {
		const again = c.open(founder, 2);
		expect(verdict(c.derive(c.founding(1), again), again)).toBe('citizen_duplicate');
	});
});

describe('[R5] the founder proof', () => {
	it('[R5] the founder’s own founder proof admits them as the founder', () => {
		const c = country();
		const founding = c.founding();
		const view = c.derive(founding);
		expect(verdict(view, founding)).toBe('valid');
		expect(view.citizens).toEqual([
			{
				fingerprint: founder.fingerprint,
				name: 'founder',
				publicKey: founder.key,
				admittedBy: founding.id,
				admission: 'founder',
				admittedAt: 1,
				isFounder: true,
				inheritedFrom: null
			}
		]);
	});

	it('[R5] a founder proof from another key is rejected founder_mismatch', () => {
		const c = country();
		const claim = c.citizen(mallory, 1, { type: 'founder' });
		expect(verdict(c.derive(claim), claim)).toBe('founder_mismatch');
	});

	it('[R5] the founder is not a citizen until their founder proof is here', () => {
		const c = country();
		const invite = c.invite(founder, 2);
		expect(verdict(c.derive(invite), invite)).toBe('author_unknown');
		expect(verdict(c.derive(invite, c.founding(1)), invite)).toBe('valid');
	});
});

describe('[R6] the open proof', () => {
	it('[R6] an open country admits anyone with an open proof', () => {
		const c = country({ admission: 'open' });
		const joining = c.open(alice, 2);
		const view = c.derive(joining);
		expect(verdict(view, joining)).toBe('valid');
		expect(view.citizenByKey.get(alice.fingerprint)).toMatchObject({
			admission: 'open',
			isFounder: false
		});
	});

	it('[R6] an invite-only country rejects an open proof admission_denied', () => {
		const c = country({ admission: 'invite' });
		const joining = c.open(alice, 2);
		expect(verdict(c.derive(joining), joining)).toBe('admission_denied');
	});

	it('[R6] the founder joining an open country with an open proof is still the founder', () => {
		const c = country({ admission: 'open' });
		const view = c.derive(c.open(founder, 1));
		expect(view.citizenByKey.get(founder.fingerprint)).toMatchObject({
			admission: 'open',
			isFounder: true
		});
	});
});

describe('[R7] the invite proof', () => {
	const c = country({ admission: 'invite' });
	const founding = c.founding(1);
	const invite = c.invite(founder, 2, inviteCode('for-alice'));
	const code = inviteCode('for-alice');

	it('[R7] a valid invite admits its claimant', () => {
		const claim = c.claim(alice, 3, invite, code);
		const view = c.derive(founding, invite, claim);
		expect(verdict(view, claim)).toBe('valid');
		expect(view.citizenByKey.get(alice.fingerprint)).toMatchObject({
			admittedBy: claim.id,
			admission: 'invite',
			admittedAt: 3
		});
	});

	it('[R7] a wrong code is rejected invite_invalid', () => {
		const claim = c.claim(alice, 3, invite, inviteCode('guessed'));
		expect(verdict(c.derive(founding, invite, claim), claim)).toBe('invite_invalid');
	});

	it('[R7] an unknown invite id is rejected invite_invalid', () => {
		const claim = c.citizen(alice, 3, { type: 'invite', invite: sha256Hex('nothing'), code });
		expect(verdict(c.derive(founding, invite, claim), claim)).toBe('invite_invalid');
	});

	it('[R7] the id of a record that is not an invite is rejected invite_invalid', () => {
		const claim = c.citizen(alice, 3, { type: 'invite', invite: founding.id, code });
		expect(verdict(c.derive(founding, invite, claim), claim)).toBe('invite_invalid');
	});

	it('[R7] an invite by a non-citizen is rejected invite_invalid', () => {
		const forged = c.invite(mallory, 2, inviteCode('from-mallory'));
		const claim = c.claim(bob, 3, forged, codeOf(forged, 'from-mallory'));
		const view = c.derive(founding, forged, claim);
		expect(verdict(view, claim)).toBe('invite_invalid');
		expect(verdict(view, forged)).toBe('author_unknown');
	});

	it('[R7] an invite used twice: the earliest claim wins, the later is invite_used', () => {
		const first = c.claim(alice, 3, invite, code);
		const second = c.claim(bob, 4, invite, code);
		const view = c.derive(second, invite, first, founding);
		expect(verdict(view, first)).toBe('valid');
		expect(verdict(view, second)).toBe('invite_used');
		expect(names(view)).toEqual(['founder', 'alice']);
	});

	it('[R7] an invite claimed twice at the same time: the smaller id wins', () => {
		const a = c.claim(alice, 3, invite, code);
		const b = c.claim(bob, 3, invite, code);
		const [first, second] = a.id < b.id ? [a, b] : [b, a];
		const view = c.derive(second, first, invite, founding);
		expect(verdict(view, first)).toBe('valid');
		expect(verdict(view, second)).toBe('invite_used');
	});

	it('[R7] a claim with the wrong code does not use up the invite', () => {
		const wrong = c.claim(mallory, 3, invite, inviteCode('guessed'));
		const right = c.claim(alice, 4, invite, code);
		const view = c.derive(founding, invite, wrong, right);
		expect(verdict(view, wrong)).toBe('invite_invalid');
		expect(verdict(view, right)).toBe('valid');
	});

	it('[R7] a duplicate admission does not use up the invite', () => {
		const openCountry = country({ admission: 'open' });
		const aliceJoins = openCountry.open(alice, 2);
		const invite2 = openCountry.invite(founder, 2, inviteCode('spare'));
		const aliceAgain = openCountry.claim(alice, 3, invite2, inviteCode('spare'));
		const bobJoins = openCountry.claim(bob, 4, invite2, inviteCode('spare'));
		const view = openCountry.derive(
			openCountry.founding(1),
			aliceJoins,
			invite2,
			aliceAgain,
			bobJoins
		);
		expect(verdict(view, aliceAgain)).toBe('citizen_duplicate');
		expect(verdict(view, bobJoins)).toBe('valid');
	});

	it('[R7] an invite whose author was admitted later than the claimant is rejected invite_invalid', () => {
		const aliceJoins = c.claim(alice, 10, invite, code);
		const byAlice = c.invite(alice, 11, inviteCode('from-alice'));
		const early = c.claim(bob, 5, byAlice, codeOf(byAlice, 'from-alice'));
		const view = c.derive(founding, invite, aliceJoins, byAlice, early);
		expect(verdict(view, aliceJoins)).toBe('valid');
		expect(verdict(view, early)).toBe('invite_invalid');
	});

	it('[R7] a citizen admitted by invite may invite the next one', () => {
		const aliceJoins = c.claim(alice, 3, invite, code);
		const byAlice = c.invite(alice, 4, inviteCode('from-alice'));
		const bobJoins = c.claim(bob, 5, byAlice, codeOf(byAlice, 'from-alice'));
		const view = c.derive(bobJoins, byAlice, aliceJoins, invite, founding);
		expect(names(view)).toEqual(['founder', 'alice', 'bob']);
	});

	it('[R7] only the inviter’s admission time matters, not the invite’s own time', () => {
		const late = c.invite(founder, 100, inviteCode('dated-late'));
		const claim = c.claim(alice, 50, late, codeOf(late, 'dated-late'));
		expect(verdict(c.derive(founding, late, claim), claim)).toBe('valid');
	});

	it('[R7] an invite from another country cannot admit here', () => {
		const elsewhere = country({ founder: mallory });
		const foreign = elsewhere.invite(founder, 2, inviteCode('foreign'));
		const claim = c.claim(alice, 3, foreign, codeOf(foreign, 'foreign'));
		const view = c.derive(founding, foreign, claim);
		expect(verdict(view, foreign)).toBe('country_mismatch');
		expect(verdict(view, claim)).toBe('invite_invalid');
	});

	it('[R7] an invite admits in an open country too', () => {
		const open = country({ admission: 'open' });
		const openInvite = open.invite(founder, 2, inviteCode('open-invite'));
		const claim = open.claim(alice, 3, openInvite, inviteCode('open-invite'));
		expect(verdict(open.derive(open.founding(1), openInvite, claim), claim)).toBe('valid');
	});
});

describe('[R8] the update proof', () => {
	const c = country({ admission: 'open' });

	it('[R8] an update from a citizen renames them and keeps their admission', () => {
		const joining = c.open(alice, 2);
		const rename = c.update(alice, 3, 'Alice Liddell');
		const view = c.derive(rename, joining);
		expect(verdict(view, rename)).toBe('valid');
		expect(view.citizens).toHaveLength(1);
		expect(view.citizenByKey.get(alice.fingerprint)).toMatchObject({
			name: 'Alice Liddell',
			admittedBy: joining.id,
			admission: 'open',
			admittedAt: 2
		});
	});

	it('[R8] an update from someone never admitted is rejected admission_denied', () => {
		const rename = c.update(mallory, 3, 'Mallory');
		const view = c.derive(rename);
		expect(verdict(view, rename)).toBe('admission_denied');
		expect(view.citizens).toEqual([]);
	});

	it('[R8] an update dated before the admission is rejected admission_denied', () => {
		const rename = c.update(alice, 1, 'Too Early');
		const joining = c.open(alice, 2);
		const view = c.derive(joining, rename);
		expect(verdict(view, rename)).toBe('admission_denied');
		expect(names(view)).toEqual(['alice']);
	});

	it('[R8] the latest update by (at, id) gives the name', () => {
		const joining = c.open(alice, 2);
		const view = c.derive(
			c.update(alice, 9, 'Latest'),
			joining,
			c.update(alice, 4, 'Middle'),
			c.update(alice, 3, 'Earliest')
		);
		expect(names(view)).toEqual(['Latest']);
	});

	it('[R8] renaming keeps the order of admission', () => {
		const view = c.derive(c.open(alice, 2), c.open(bob, 3), c.update(alice, 4, 'Zed'));
		expect(names(view)).toEqual(['Zed', 'bob']);
	});
});

describe('[R9] every other record comes from a citizen', () => {
	const c = country();
	const founding = c.founding(1);

	it('[R9] an invite by a citizen is valid', () => {
		const invite = c.invite(founder, 2);
		expect(verdict(c.derive(founding, invite), invite)).toBe('valid');
	});

	it('[R9] an invite by a non-citizen is rejected author_unknown', () => {
		const invite = c.invite(mallory, 2);
		expect(verdict(c.derive(founding, invite), invite)).toBe('author_unknown');
	});

	it('[R9] an invite dated before its author’s admission is still valid', () => {
		const invite = c.invite(founder, 0);
		const view = c.derive(c.founding(5), invite);
		expect(verdict(view, invite)).toBe('valid');
	});

	it('[R9] a rejected admission does not make its author a citizen', () => {
		const claim = c.open(mallory, 2);
		const invite = c.invite(mallory, 3);
		const view = c.derive(founding, claim, invite);
		expect(verdict(view, claim)).toBe('admission_denied');
		expect(verdict(view, invite)).toBe('author_unknown');
	});
});

describe('deriveCountry: bookkeeping', () => {
	const c = country({ admission: 'open' });

	it('counts a record given twice once', () => {
		const joining = c.open(alice, 2);
		const view = c.derive(joining, joining, c.genesis);
		expect(view.citizens).toHaveLength(1);
		expect([...view.valid.keys()].sort()).toEqual([c.id, joining.id].sort());
		expect(view.rejected).toEqual([]);
	});

	it('keeps the smallest signature when the same text comes with several', () => {
		const a = verified(
			citizenRecord(c.id, { who: alice, at: 2, admission: { type: 'open' } }),
			'QUFB'
		);
		const b = verified(
			citizenRecord(c.id, { who: alice, at: 2, admission: { type: 'open' } }),
			'QkJC'
		);
		expect(a.id).toBe(b.id);
		expect(c.derive(a, b).valid.get(a.id)?.signature).toBe('QUFB');
		expect(c.derive(b, a).valid.get(a.id)?.signature).toBe('QUFB');
	});

	it('says for each rejection what, who and why', () => {
		const claim = c.citizen(mallory, 1, { type: 'founder' });
		expect(c.derive(claim).rejected).toEqual([
			{
				id: claim.id,
				kind: 'citizen',
				author: mallory.fingerprint,
				code: 'founder_mismatch',
				message: expect.any(String)
			}
		]);
	});

	it('lists citizens in order of admission (at, then id), not input order', () => {
		const view = c.derive(c.open(carol, 7), c.open(alice, 3), c.founding(1), c.open(bob, 5));
		expect(names(view)).toEqual(['founder', 'alice', 'bob', 'carol']);
	});
});

describe('keysByAuthor and signingKeyFor', () => {
	const c = country();
	const founding = c.founding(1);
	const invite = c.invite(founder, 2);
	const aliceJoins = c.claim(alice, 3, invite, inviteCode('founder-2'));

	it('[R20] keysByAuthor maps each author of a genesis or citizen record to the key it carries', () => {
		const keys = keysByAuthor([c.genesis, founding, invite, aliceJoins]);
		expect(keys).toEqual(
			new Map([
				[founder.fingerprint, founder.key],
				[alice.fingerprint, alice.key]
			])
		);
	});

	it('[R20] keysByAuthor learns nothing from other kinds', () => {
		expect(keysByAuthor([invite, c.invite(mallory, 2)]).size).toBe(0);
	});

	it('[R20] keysByAuthor takes the earliest (at, id) self-keyed record of an author, in any order', () => {
		// Keys of one fingerprint can differ in their armored text (e.g. a subkey added later).
		const first = verified(
			citizenRecord(c.id, { who: alice, at: 3, admission: { type: 'open' }, key: fakeKey('v1') })
		);
		const later = verified(
			citizenRecord(c.id, { who: alice, at: 9, admission: { type: 'update' }, key: fakeKey('v2') })
		);
		expect(keysByAuthor([later, first]).get(alice.fingerprint)).toBe(fakeKey('v1'));
		expect(keysByAuthor([first, later]).get(alice.fingerprint)).toBe(fakeKey('v1'));
	});

	it('[R20] keysByAuthor breaks a tie in time by the smaller id', () => {
		const a = verified(
			citizenRecord(c.id, { who: alice, at: 3, admission: { type: 'open' }, key: fakeKey('a') })
		);
		const b = verified(
			citizenRecord(c.id, { who: alice, at: 3, admission: { type: 'open' }, key: fakeKey('b') })
		);
		const expected = a.id < b.id ? fakeKey('a') : fakeKey('b');
		expect(keysByAuthor([a, b]).get(alice.fingerprint)).toBe(expected);
		expect(keysByAuthor([b, a]).get(alice.fingerprint)).toBe(expected);
	});

	it('[R20] signingKeyFor checks a genesis with its founderKey and a citizen with its own key', () => {
		const misleading = new Map([
			[founder.fingerprint, 'not this'],
			[alice.fingerprint, 'not this']
		]);
		expect(signingKeyFor(c.genesis, misleading)).toBe(founder.key);
		expect(signingKeyFor(aliceJoins, misleading)).toBe(alice.key);
	});

	it('[R20] signingKeyFor checks other kinds with their author’s key, or says null when unknown', () => {
		const keys = keysByAuthor([c.genesis, founding]);
		expect(signingKeyFor(invite, keys)).toBe(founder.key);
		expect(signingKeyFor(c.invite(mallory, 2), keys)).toBeNull();
	});
});

// ---------------------------------------------------------------------------------------
// Properties: the view is a function of the set of records, whatever the order or repeats.

const SEEDS = [0x5eed];
const NUM_RUNS = 200;
const PEOPLE = ['founder', 'p1', 'p2', 'p3', 'p4', 'p5'].map(person);
const ELSEWHERE = sha256Hex('elsewhere');

type Step =
	| { t: 'invite'; by: number; at: number }
	| {
			t: 'citizen';
			who: number;
			at: number;
			proof: AdmissionProof['type'];
			invite: number;
			rightCode: boolean;
			name: number;
	  }
	| { t: 'foreign'; who: number; at: number }
	| { t: 'genesis'; who: number; at: number };

const who = fc.nat(PEOPLE.length - 1);
const at = fc.nat(12); // a small range, so ties in time are common
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ t: fc.constant('invite' as const), by: who, at }) },
	{
		weight: 6,
		arbitrary: fc.record({
			t: fc.constant('citizen' as const),
			who,
			at,
			proof: fc.constantFrom<AdmissionProof['type']>(
				'founder',
				'open',
				'invite',
				'invite',
				'update'
			),
			invite: fc.nat(),
			rightCode: fc.boolean(),
			name: fc.nat(2)
		})
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('foreign' as const), who, at }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('genesis' as const), who, at }) }
);
const world = fc.record({
	admission: fc.constantFrom<Admission>('open', 'invite'),
	withGenesis: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
	steps: fc.array(step, { maxLength: 30 })
});

/** Turn a plan into records; invites are created before the claims that may use them. */
function build(plan: { admission: Admission; withGenesis: boolean; steps: Step[] }) {
	const genesis = verified(
		genesisRecord({ founder: PEOPLE[0]!, at: 0, admission: plan.admission })
	);
	const invites: { record: Verified; code: string }[] = [];
	const records: Verified[] = plan.withGenesis ? [genesis] : [];
	plan.steps.forEach((s, i) => {
		if (s.t === 'invite') {
			const code = inviteCode(`w${i}`);
			const record = verified(inviteRecord(genesis.id, { by: PEOPLE[s.by]!, at: s.at, code }));
			invites.push({ record, code });
			records.push(record);
		} else if (s.t === 'citizen') {
			const used = invites[s.invite % Math.max(invites.length, 1)];
			const admission: AdmissionProof =
				s.proof !== 'invite'
					? { type: s.proof }
					: {
							type: 'invite',
							invite: used?.record.id ?? sha256Hex(`no invite ${i}`),
							code: s.rightCode && used ? used.code : inviteCode(`wrong${i}`)
						};
			const person = PEOPLE[s.who]!;
			const name = `${person.label} ${s.name}`;
			// One fingerprint, several armored texts: the views must not depend on which comes first.
			const key = fakeKey(name);
			records.push(
				verified(citizenRecord(genesis.id, { who: person, at: s.at, admission, name, key }))
			);
		} else if (s.t === 'foreign') {
			const admission: AdmissionProof = { type: 'open' };
			records.push(
				verified(citizenRecord(ELSEWHERE, { who: PEOPLE[s.who]!, at: s.at, admission }))
			);
		} else {
			const founder = PEOPLE[s.who]!;
			records.push(verified(genesisRecord({ founder, at: s.at, name: `Other ${i}` })));
		}
	});
	return { countryId: genesis.id, records };
}

/** Everything a view says, in a form where equal views compare equal. */
const summary = (view: CountryView) => ({
	name: view.name,
	founder: view.founder,
	constitution: view.constitution,
	citizens: view.citizens,
	valid: [...view.valid.keys()].sort(),
	rejected: view.rejected.map((r) => `${r.id} ${r.code}`).sort()
});

/** A world, plus the same records in another order with some of them repeated. */
const reordered = world.chain((plan) => {
	const { countryId, records } = build(plan);
	return fc.record({
		countryId: fc.constant(countryId),
		records: fc.constant(records),
		shuffled: fc.shuffledSubarray(records, {
			minLength: records.length,
			maxLength: records.length
		}),
		repeats: fc.array(fc.nat(), { maxLength: 8 })
	});
});

describe('deriveCountry properties', () => {
	for (const seed of SEEDS) {
		it(`the view is the same for any order and duplication of the records (seed ${seed})`, () => {
			fc.assert(
				fc.property(reordered, ({ countryId, records, shuffled, repeats }) => {
					const extra = records.length ? repeats.map((i) => records[i % records.length]!) : [];
					const base = summary(deriveCountry(countryId, records));
					expect(summary(deriveCountry(countryId, [...shuffled, ...extra]))).toEqual(base);
					expect(summary(deriveCountry(countryId, [...extra, ...shuffled].reverse()))).toEqual(
						base
					);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`every record is either valid or rejected, once (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, (plan) => {
					const { countryId, records } = build(plan);
					const view = deriveCountry(countryId, records);
					const ids = [...new Set(records.map((r) => r.id))].sort();
					const rejected = view.rejected.map((r) => r.id);
					expect(new Set(rejected).size).toBe(rejected.length);
					expect([...view.valid.keys(), ...rejected].sort()).toEqual(ids);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`the citizens obey the rules they were admitted by (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, (plan) => {
					const { countryId, records } = build(plan);
					const view = deriveCountry(countryId, records);
					const byId = new Map(records.map((r) => [r.id, r]));
					const usedInvites = new Set<string>();
					for (const citizen of view.citizens) {
						const admitted = byId.get(citizen.admittedBy)!;
						expect(view.valid.has(admitted.id)).toBe(true);
						expect(admitted.record.author).toBe(citizen.fingerprint);
						expect(citizen.isFounder).toBe(citizen.fingerprint === view.founder);
						if (admitted.record.kind !== 'citizen') throw new Error('admitted by a non-citizen');
						const proof = admitted.record.body.admission;
						if (proof.type === 'founder') expect(citizen.fingerprint).toBe(view.founder);
						if (proof.type === 'open') expect(view.constitution?.admission).toBe('open');
						if (proof.type === 'invite') {
							expect(usedInvites.has(proof.invite)).toBe(false);
							usedInvites.add(proof.invite);
							const invite = view.valid.get(proof.invite)!;
							expect(invite.record.kind).toBe('invite');
							const inviter = view.citizenByKey.get(invite.record.author)!;
							const inviterAdmission = byId.get(inviter.admittedBy)!;
							expect(byTimeThenId(inviterAdmission, admitted)).toBeLessThan(0);
						}
					}
					for (const record of view.valid.values()) {
						if (record.record.kind === 'genesis') expect(record.id).toBe(countryId);
						else expect(view.citizenByKey.has(record.record.author)).toBe(true);
					}
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`keysByAuthor does not depend on order; signingKeyFor follows the kind (seed ${seed})`, () => {
			fc.assert(
				fc.property(reordered, ({ records, shuffled }) => {
					const keys = keysByAuthor(records);
					expect(keysByAuthor(shuffled)).toEqual(keys);
					const selfKeyed = records.filter((r) => r.record.kind !== 'invite');
					expect([...keys.keys()].sort()).toEqual(
						[...new Set(selfKeyed.map((r) => r.record.author))].sort()
					);
					for (const [author, key] of keys) {
						const earliest = selfKeyed
							.filter((r) => r.record.author === author)
							.sort(byTimeThenId)[0]!;
						expect(signingKeyFor(earliest, new Map())).toBe(key);
					}
					for (const r of records) {
						const expected =
							r.record.kind === 'genesis'
								? r.record.body.founderKey
								: r.record.kind === 'citizen'
									? r.record.body.publicKey
									: (keys.get(r.record.author) ?? null);
						expect(signingKeyFor(r as ParsedRecord, keys)).toBe(expected);
					}
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});
	}
});
