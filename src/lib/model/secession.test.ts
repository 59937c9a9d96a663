/**
 * Secession (docs/records.md, R24 and R25): a country founded from another's records starts
 * with everything valid there, judged by the ancestor's own rules, and goes its own way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveCountry, type CountryView } from './country';
import { recordSetDigest } from './hash';
import type { AdmissionProof } from './kinds/citizen';
import type { Verified } from './verified';
import {
	citizenRecord,
	genesisRecord,
	inviteCode,
	inviteRecord,
	person,
	verified,
	type Person
} from './fixtures/records';
import { postRecord } from './fixtures/posts';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const carol = person('carol');
const dave = person('dave');
const mallory = person('mallory');

/** Records of one country, and what its founder and citizens can write there. */
function land(options: {
	founder: Person;
	name: string;
	at: number;
	parent?: { country: string; from: Iterable<Verified> };
}) {
	const parent = options.parent && {
		country: options.parent.country,
		...digestOf(options.parent.from)
	};
	const genesis = verified(
		genesisRecord({ founder: options.founder, at: options.at, name: options.name, parent })
	);
	const id = genesis.id;
	const citizen = (who: Person, at: number, admission: AdmissionProof, name?: string) =>
		verified(citizenRecord(id, { who, at, admission, name }));
	return {
		id,
		genesis,
		citizen,
		founding: (at: number, who = options.founder) => citizen(who, at, { type: 'founder' }),
		invite: (by: Person, at: number, label: string) =>
			verified(inviteRecord(id, { by, at, code: inviteCode(label) })),
		claim: (who: Person, at: number, invite: Verified, label: string) =>
			citizen(who, at, { type: 'invite', invite: invite.id, code: inviteCode(label) }),
		post: (by: Person, at: number, replaces?: Verified) =>
			verified(postRecord(id, { by, at, replaces: replaces?.id ?? null }))
	};
}

/** What a seceding genesis names: the digest and count of the records it starts from. */
function digestOf(records: Iterable<Verified>) {
	const ids = [...records].map((r) => r.id);
	return { recordSet: recordSetDigest(ids), records: ids.length };
}

/**
 * The parent: an invite-only country of `founder`, who invites alice; posts and an edit;
 * and three records its rules reject.
 */
function parentCountry() {
	const p = land({ founder, name: 'Old Republic', at: 0 });
	const founding = p.founding(1);
	const inviteForAlice = p.invite(founder, 2, 'for-alice');
	const aliceJoins = p.claim(alice, 3, inviteForAlice, 'for-alice');
	const welcome = p.post(founder, 10);
	const alicePost = p.post(alice, 11);
	const aliceEdit = p.post(alice, 12, alicePost);
	const bobWrongCode = p.claim(bob, 4, inviteForAlice, 'guessed');
	const mallorysPost = p.post(mallory, 13);
	const foundersEditOfAlice = p.post(founder, 14, alicePost);
	const valid = [p.genesis, founding, inviteForAlice, aliceJoins, welcome, alicePost, aliceEdit];
	const invalid = { bobWrongCode, mallorysPost, foundersEditOfAlice };
	return {
		...p,
		founding,
		inviteForAlice,
		aliceJoins,
		welcome,
		alicePost,
		aliceEdit,
		invalid,
		valid,
		all: [...valid, ...Object.values(invalid)]
	};
}

const P = parentCountry();
const parentView = deriveCountry(P.id, P.all);

/** A child founded by `who` from the parent's valid records. */
const childOf = (who: Person, name = 'New Republic') =>
	land({ founder: who, name, at: 100, parent: { country: P.id, from: P.valid } });

function verdict(view: CountryView, record: Verified): string {
	if (view.valid.has(record.id)) return 'valid';
	return view.rejected.find((r) => r.id === record.id)?.code ?? 'absent';
}

const citizenOf = (view: CountryView, who: Person) => view.citizenByKey.get(who.fingerprint);

/** Everything a view says, in a form where equal views compare equal. */
const summary = (view: CountryView) => ({
	name: view.name,
	founder: view.founder,
	ancestors: view.ancestors,
	parentName: view.parentName,
	valid: [...view.valid.keys()].sort(),
	rejected: view.rejected.map((r) => `${r.id} ${r.code}`).sort(),
	citizens: view.citizens.map(
		(c) => `${c.fingerprint} ${c.name} ${c.admittedBy} ${c.isFounder} ${c.inheritedFrom}`
	)
});

describe('[R24] a seceded country inherits its parent’s valid records and citizens', () => {
	const C = childOf(carol);
	const carolFounds = C.founding(101);
	const view = deriveCountry(C.id, [...P.all, C.genesis, carolFounds]);

	it('[R24] every record valid in the parent is valid in the child, and the child knows its lineage', () => {
		for (const r of P.valid) expect([r.id, verdict(view, r)]).toEqual([r.id, 'valid']);
		expect(verdict(view, C.genesis)).toBe('valid');
		expect(verdict(view, carolFounds)).toBe('valid');
		expect(view.valid.size).toBe(P.valid.length + 2);
		expect(view).toMatchObject({
			name: 'New Republic',
			founder: carol.fingerprint,
			ancestors: [P.id],
			parentName: 'Old Republic',
			parent: { country: P.id, ...digestOf(P.valid) }
		});
	});

	it('[R24] the parent’s genesis is valid in the child, not a conflicting genesis', () => {
		expect(verdict(view, P.genesis)).toBe('valid');
		expect(view.rejected.map((r) => r.code)).not.toContain('genesis_conflict');
	});

	it('[R24] the parent’s citizens are citizens of the child, not its founder, marked inherited', () => {
		expect(view.citizens.map((c) => [c.name, c.isFounder, c.inheritedFrom])).toEqual([
			['founder', false, P.id],
			['alice', false, P.id],
			['carol', true, null]
		]);
		expect(citizenOf(view, alice)).toMatchObject({
			admittedBy: P.aliceJoins.id,
			admission: 'invite',
			admittedAt: 3
		});
	});

	it('[R24] the parent’s invalid records stay invalid in the child, with the parent’s reason', () => {
		for (const [name, r] of Object.entries(P.invalid)) {
			const inParent = verdict(parentView, r);
			expect(inParent).not.toBe('valid');
			expect([name, verdict(view, r)]).toEqual([name, inParent]);
		}
		expect(verdict(view, P.invalid.bobWrongCode)).toBe('invite_invalid');
		expect(verdict(view, P.invalid.mallorysPost)).toBe('author_unknown');
		expect(verdict(view, P.invalid.foundersEditOfAlice)).toBe('edit_forbidden');
	});

	it('[R24] each record is judged once: valid or rejected, never both, none forgotten', () => {
		const all = [...P.all, C.genesis, carolFounds];
		const rejectedIds = view.rejected.map((r) => r.id);
		expect(new Set(rejectedIds).size).toBe(rejectedIds.length);
		for (const r of all) {
			expect(view.valid.has(r.id) !== rejectedIds.includes(r.id)).toBe(true);
		}
	});

	it('[R24] the child’s records do not change the parent', () => {
		const alicePostsInChild = C.post(alice, 110);
		const withChild = deriveCountry(P.id, [...P.all, C.genesis, carolFounds, alicePostsInChild]);
		expect(summary(withChild).valid).toEqual(summary(parentView).valid);
		expect(withChild.citizens).toEqual(parentView.citizens);
		expect(verdict(withChild, carolFounds)).toBe('country_mismatch');
		expect(verdict(withChild, alicePostsInChild)).toBe('country_mismatch');
	});

	it('[R24] an inherited citizen may post, invite and rename in the child', () => {
		const post = C.post(alice, 110);
		const invite = C.invite(alice, 111, 'alice-invites-dave');
		const daveJoins = C.claim(dave, 112, invite, 'alice-invites-dave');
		const rename = C.citizen(alice, 113, { type: 'update' }, 'Alice of the New Republic');
		const child = deriveCountry(C.id, [
			...P.all,
			C.genesis,
			carolFounds,
			post,
			invite,
			daveJoins,
			rename
		]);
		for (const r of [post, invite, daveJoins, rename]) expect(verdict(child, r)).toBe('valid');
		expect(citizenOf(child, alice)?.name).toBe('Alice of the New Republic');
		expect(citizenOf(child, dave)).toMatchObject({ inheritedFrom: null, admittedBy: daveJoins.id });
		// The parent never sees the new name.
		expect(citizenOf(parentView, alice)?.name).toBe('alice');
	});

	it('[R24] an invite of the parent admits nobody in the child', () => {
		const unusedInParent = P.invite(founder, 5, 'unused-in-parent');
		const claim = C.claim(dave, 110, unusedInParent, 'unused-in-parent');
		const child = deriveCountry(C.id, [...P.all, unusedInParent, C.genesis, carolFounds, claim]);
		expect(verdict(child, unusedInParent)).toBe('valid'); // valid in the parent, so here
		expect(verdict(child, claim)).toBe('invite_invalid');
		expect(citizenOf(child, dave)).toBeUndefined();
	});

	it('[R24] an inherited citizen claiming admission again is a duplicate', () => {
		const invite = C.invite(carol, 110, 'carol-invites-alice');
		const again = C.claim(alice, 111, invite, 'carol-invites-alice');
		const child = deriveCountry(C.id, [...P.all, C.genesis, carolFounds, invite, again]);
		expect(verdict(child, again)).toBe('citizen_duplicate');
		expect(citizenOf(child, alice)?.inheritedFrom).toBe(P.id);
	});

	it('[R24] an author edits their parent post in the child; another author may not', () => {
		const aliceEdits = C.post(alice, 110, P.aliceEdit);
		const carolEdits = C.post(carol, 111, P.aliceEdit);
		const founderEditsOwn = C.post(founder, 112, P.welcome);
		const onForbidden = C.post(founder, 113, P.invalid.foundersEditOfAlice);
		const child = deriveCountry(C.id, [
			...P.all,
			C.genesis,
			carolFounds,
			aliceEdits,
			carolEdits,
			founderEditsOwn,
			onForbidden
		]);
		expect(verdict(child, aliceEdits)).toBe('valid');
		expect(verdict(child, carolEdits)).toBe('edit_forbidden');
		expect(verdict(child, founderEditsOwn)).toBe('valid');
		// An edit of what the parent rejected builds on nothing (R22).
		expect(verdict(child, onForbidden)).toBe('replaces_unknown');
	});

	it('[R24] without its own genesis the child holds nothing: the parent’s records are another country’s', () => {
		const orphan = deriveCountry(C.id, [...P.all, carolFounds]);
		expect(verdict(orphan, P.alicePost)).toBe('country_mismatch');
		expect(verdict(orphan, P.genesis)).toBe('genesis_conflict');
		expect(verdict(orphan, carolFounds)).toBe('genesis_missing');
		expect(orphan.ancestors).toEqual([]);
	});

	it('[R24] without the parent’s genesis, the parent’s records wait as they would in the parent', () => {
		const withoutRoot = deriveCountry(C.id, [...P.all.slice(1), C.genesis, carolFounds]);
		expect(verdict(withoutRoot, P.alicePost)).toBe('genesis_missing');
		expect(verdict(withoutRoot, carolFounds)).toBe('valid');
		expect(withoutRoot.citizens.map((c) => c.name)).toEqual(['carol']);
		expect(withoutRoot.ancestors).toEqual([P.id]);
		expect(withoutRoot.parentName).toBeNull();
	});
});

describe('[R25] the seceding founder', () => {
	it('[R25] a citizen of the parent founds the child: their founder proof is valid and makes them its founder', () => {
		const C = childOf(alice);
		const aliceFounds = C.founding(101);
		const view = deriveCountry(C.id, [...P.all, C.genesis, aliceFounds]);
		expect(verdict(view, aliceFounds)).toBe('valid');
		expect(view.founder).toBe(alice.fingerprint);
		expect(citizenOf(view, alice)).toMatchObject({
			isFounder: true,
			admission: 'founder',
			admittedBy: aliceFounds.id,
			admittedAt: 101,
			inheritedFrom: null
		});
		// The parent's founder is a citizen here, not the founder.
		expect(citizenOf(view, founder)).toMatchObject({ isFounder: false, inheritedFrom: P.id });
		expect(view.citizens.filter((c) => c.isFounder)).toHaveLength(1);
	});

	it('[R25] a parent citizen who founded the child is a citizen there even before their founder proof', () => {
		const C = childOf(alice);
		const view = deriveCountry(C.id, [...P.all, C.genesis]);
		expect(citizenOf(view, alice)).toMatchObject({ isFounder: false, inheritedFrom: P.id });
		const post = C.post(alice, 110);
		expect(verdict(deriveCountry(C.id, [...P.all, C.genesis, post]), post)).toBe('valid');
	});

	it('[R25] a second founder proof is a duplicate, whichever arrives first', () => {
		const C = childOf(alice);
		const first = C.founding(101);
		const second = C.citizen(alice, 102, { type: 'founder' }, 'Alice, again');
		for (const order of [
			[first, second],
			[second, first]
		]) {
			const view = deriveCountry(C.id, [...P.all, C.genesis, ...order]);
			expect(verdict(view, first)).toBe('valid');
			expect(verdict(view, second)).toBe('citizen_duplicate');
			expect(citizenOf(view, alice)).toMatchObject({ name: 'alice', admittedBy: first.id });
		}
	});

	it('[R25] only the child’s founder may use a founder proof; another inherited citizen is a duplicate', () => {
		const C = childOf(alice);
		const founderTries = C.founding(101, founder);
		const view = deriveCountry(C.id, [...P.all, C.genesis, C.founding(102), founderTries]);
		expect(verdict(view, founderTries)).toBe('citizen_duplicate');
		expect(citizenOf(view, founder)?.isFounder).toBe(false);
	});

	it('[R25] a founder from outside the parent is admitted by their founder proof as usual', () => {
		const C = childOf(dave);
		const daveFounds = C.founding(101);
		const bobTries = C.founding(102, bob);
		const view = deriveCountry(C.id, [...P.all, C.genesis, daveFounds, bobTries]);
		expect(verdict(view, daveFounds)).toBe('valid');
		expect(verdict(view, bobTries)).toBe('founder_mismatch');
		expect(citizenOf(view, dave)).toMatchObject({ isFounder: true, inheritedFrom: null });
	});
});

describe('[R24] two levels: a country seceded from a seceded country', () => {
	const C = childOf(alice);
	const aliceFounds = C.founding(101);
	const cInvite = C.invite(alice, 102, 'alice-invites-dave');
	const daveJoins = C.claim(dave, 103, cInvite, 'alice-invites-dave');
	const davePost = C.post(dave, 104);
	const malloryInC = C.post(mallory, 105);
	const cValid = [...P.valid, C.genesis, aliceFounds, cInvite, daveJoins, davePost];
	const G = land({
		founder: dave,
		name: 'Newest Republic',
		at: 200,
		parent: { country: C.id, from: cValid }
	});
	const daveFoundsG = G.founding(201);
	const aliceEditsInG = G.post(alice, 202, P.aliceEdit);
	const all = [
		...P.all,
		...cValid.slice(P.valid.length),
		malloryInC,
		G.genesis,
		daveFoundsG,
		aliceEditsInG
	];
	const view = deriveCountry(G.id, all);

	it('[R24] the grandchild holds the valid records of both ancestors and their citizens', () => {
		for (const r of cValid) expect([r.id, verdict(view, r)]).toEqual([r.id, 'valid']);
		expect(verdict(view, daveFoundsG)).toBe('valid');
		expect(verdict(view, aliceEditsInG)).toBe('valid');
		expect(view.ancestors).toEqual([C.id, P.id]);
		expect(view.parentName).toBe('New Republic');
		expect(view.citizens.map((c) => [c.name, c.isFounder, c.inheritedFrom])).toEqual([
			['founder', false, P.id],
			['alice', false, C.id],
			['dave', true, null]
		]);
	});

	it('[R24] records each ancestor rejected stay rejected with that ancestor’s reason', () => {
		expect(verdict(view, P.invalid.bobWrongCode)).toBe('invite_invalid');
		expect(verdict(view, P.invalid.foundersEditOfAlice)).toBe('edit_forbidden');
		expect(verdict(view, malloryInC)).toBe('author_unknown');
		const ids = view.rejected.map((r) => r.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const r of all) expect(view.valid.has(r.id) !== ids.includes(r.id)).toBe(true);
	});

	it('[R24] the middle country’s view is the same with or without its child’s records', () => {
		const middle = deriveCountry(C.id, all);
		const alone = deriveCountry(C.id, [...P.all, ...cValid.slice(P.valid.length), malloryInC]);
		expect(summary(middle).valid).toEqual(summary(alone).valid);
		expect(summary(middle).citizens).toEqual(summary(alone).citizens);
	});
});

describe('[R3] unrelated countries stay out', () => {
	const C = childOf(carol);
	const carolFounds = C.founding(101);
	const sibling = childOf(alice, 'Other Split');
	const siblingFounding = sibling.founding(101);
	const siblingPost = sibling.post(alice, 102);
	const stranger = land({ founder: mallory, name: 'Elsewhere', at: 0 });
	const strangerFounding = stranger.founding(1);
	const strangerPost = stranger.post(mallory, 2);
	const view = deriveCountry(C.id, [
		...P.all,
		C.genesis,
		carolFounds,
		sibling.genesis,
		siblingFounding,
		siblingPost,
		stranger.genesis,
		strangerFounding,
		strangerPost
	]);

	it('[R3] a sibling secession’s genesis conflicts and its records are another country’s', () => {
		expect(verdict(view, sibling.genesis)).toBe('genesis_conflict');
		expect(verdict(view, siblingFounding)).toBe('country_mismatch');
		expect(verdict(view, siblingPost)).toBe('country_mismatch');
	});

	it('[R3] an unrelated country’s records are country_mismatch, its genesis a conflict', () => {
		expect(verdict(view, stranger.genesis)).toBe('genesis_conflict');
		expect(verdict(view, strangerFounding)).toBe('country_mismatch');
		expect(verdict(view, strangerPost)).toBe('country_mismatch');
		expect(view.citizens.map((c) => c.name)).toEqual(['founder', 'alice', 'carol']);
	});
});

describe('[R24] the view depends only on the set of records', () => {
	const C = childOf(alice);
	const cRecords = [
		C.genesis,
		C.founding(101),
		C.founding(102, founder),
		C.post(alice, 103, P.aliceEdit),
		C.post(carol, 104),
		C.invite(alice, 105, 'c-invite'),
		C.claim(carol, 106, P.inviteForAlice, 'for-alice')
	];
	const G = land({
		founder: carol,
		name: 'Third Republic',
		at: 300,
		parent: { country: C.id, from: cRecords }
	});
	const gRecords = [G.genesis, G.founding(301), G.post(carol, 302), G.post(alice, 303)];
	const stranger = land({ founder: mallory, name: 'Elsewhere', at: 0 });
	const all = [
		...P.all,
		...cRecords,
		...gRecords,
		stranger.genesis,
		stranger.founding(1),
		stranger.post(mallory, 2)
	];
	const countries = [P.id, C.id, G.id, stranger.id];

	it('[R24] any order and any repeats of the records give the same view of every country in the lineage', () => {
		const expected = countries.map((id) => summary(deriveCountry(id, all)));
		fc.assert(
			fc.property(
				fc.shuffledSubarray(all, { minLength: all.length }),
				fc.array(fc.nat(all.length - 1), { maxLength: 20 }),
				(shuffled, repeats) => {
					const records = [...shuffled, ...repeats.map((i) => all[i]!)];
					countries.forEach((id, i) =>
						expect(summary(deriveCountry(id, records))).toEqual(expected[i])
					);
				}
			),
			{ seed: 0x5ece55, numRuns: 60 }
		);
	});

	it('[R24] every record ends up exactly once, valid or rejected, in each country of the lineage', () => {
		for (const id of countries) {
			const view = deriveCountry(id, all);
			const rejected = view.rejected.map((r) => r.id);
			expect(new Set(rejected).size).toBe(rejected.length);
			for (const r of all) expect(view.valid.has(r.id) !== rejected.includes(r.id)).toBe(true);
		}
	});
});
