import { beforeAll, describe, expect, it } from 'vitest';
import { makeCitizen, makeGenesis } from '../model';
import { parseEntry } from '../model/record';
import { fixtureKey, passphrases } from './fixtures';
import { loadOpenpgp } from './openpgp';
import {
	changePassphrase,
	checkDisplayName,
	fingerprintOf,
	generateIdentity,
	IdentityLockedError,
	importIdentity,
	signRecord,
	unlockIdentity,
	type GenerateProgress,
	type IdentityKey,
	type UnlockedIdentity
} from './keys';
import { createVerifier } from './verify';

/** Known answers: GnuPG 2.2 computes the same v4 fingerprints (gpg --show-keys). */
const FINGERPRINTS = {
	alice: 'ead999e724161f133ed8699b8a82e1916ea6d01a',
	bob: '678cf274e401ef279a9604cd0ee03f84722ddd12',
	carol: '75e4ec0843793ad2abd08299745100c286e79b03f51c896fc01012eba319a8f0',
	dave: '052fe2c07e2fdc94df2c5d9e0e05390cecee4af4',
	erin: '00e8b482d1b25d7ad7487182428590f3c3451943'
};

// Lazily, as everywhere: a lint rule keeps static openpgp imports out of the app.
const openpgp = await loadOpenpgp();

const genesisBy = (key: IdentityKey) =>
	makeGenesis({
		author: key.fingerprint,
		at: 1_763_900_000_000,
		name: 'Test Republic',
		constitution: { admission: 'open', seats: 3, termDays: 365 },
		founderKey: key.publicKey
	});

async function importFixture(person: 'alice' | 'bob' | 'carol' | 'erin'): Promise<IdentityKey> {
	const imported = await importIdentity({
		armored: fixtureKey(person, 'private'),
		passphrase: passphrases[person]
	});
	if (!imported.ok) throw new Error(`${person}: ${imported.code} ${imported.message}`);
	return imported.value;
}

async function unlocked(key: IdentityKey, passphrase: string): Promise<UnlockedIdentity> {
	const result = await unlockIdentity(key, passphrase);
	if (!result.ok) throw new Error(`${result.code} ${result.message}`);
	return result.value;
}

describe('checkDisplayName', () => {
	it.each([
		['', 'name_invalid'],
		['   ', 'name_invalid'],
		['x'.repeat(65), 'name_invalid'],
		['two\nlines', 'name_invalid'],
		['tab\there', 'name_invalid'],
		['Mallory <mallory@example.org>', 'name_invalid'],
		['a > b', 'name_invalid']
	])('refuses %j', (name, code) => {
		const result = checkDisplayName(name);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.code).toBe(code);
	});

	it.each([
		['Ada', 'Ada'],
		['  Ada Lovelace  ', 'Ada Lovelace'],
		['x'.repeat(64), 'x'.repeat(64)],
		// NFD "é" becomes NFC, as records require.
		['Jose\u0301', 'José'],
		['李小龍', '李小龍']
	])('accepts %j as %j', (name, cleaned) => {
		expect(checkDisplayName(name)).toEqual({ ok: true, value: cleaned });
	});
});

describe('generateIdentity', () => {
	it.each([
		[{ name: '', passphrase: 'long enough passphrase' }, 'name_invalid'],
		[{ name: 'x'.repeat(65), passphrase: 'long enough passphrase' }, 'name_invalid'],
		[{ name: 'Ada', passphrase: '' }, 'passphrase_weak'],
		[{ name: 'Ada', passphrase: 'seven77' }, 'passphrase_weak'],
		// Eight UTF-16 units but four characters.
		[{ name: 'Ada', passphrase: '😀😀😀😀' }, 'passphrase_weak']
	])('refuses %j before making a key', async (input, code) => {
		const steps: string[] = [];
		const result = await generateIdentity({ ...input, onProgress: (p) => steps.push(p.step) });
		expect(result).toMatchObject({ ok: false, code });
		expect(steps).toEqual(['checking']);
	});

	it('makes a passphrase-protected v4 Ed25519 key that signs verifiable records', async () => {
		const progress: GenerateProgress[] = [];
		const made = await generateIdentity({
			name: '  Ada Lovelace ',
			passphrase: 'analytical engine',
			onProgress: (p) => {
				progress.push(p);
				throw new Error('a broken progress display must not matter');
			}
		});
		if (!made.ok) throw new Error(made.message);
		const key = made.value;
		expect(progress.map((p) => [p.step, p.index, p.total])).toEqual([
			['checking', 0, 4],
			['loading', 1, 4],
			['generating', 2, 4],
			['done', 3, 4]
		]);
		expect(progress.every((p) => p.label.length > 0)).toBe(true);
		expect(key).toMatchObject({ name: 'Ada Lovelace', keyVersion: 4 });
		expect(key.fingerprint).toMatch(/^[0-9a-f]{40}$/);
		expect(key.publicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
		expect(key.privateKey).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
		expect(Math.abs(key.createdAt - Date.now())).toBeLessThan(24 * 3600 * 1000);

		// Stored protected: every secret packet is encrypted.
		const stored = await openpgp.readPrivateKey({ armoredKey: key.privateKey });
		expect(stored.isDecrypted()).toBe(false);
		expect(stored.getAlgorithmInfo().algorithm).toBe('eddsaLegacy');
		const pub = await openpgp.readKey({ armoredKey: key.publicKey });
		expect(pub.isPrivate()).toBe(false);
		expect(pub.getFingerprint()).toBe(key.fingerprint);
		expect(pub.getUserIDs()).toEqual(['Ada Lovelace']);
		expect(await fingerprintOf(key.publicKey)).toEqual({ ok: true, value: key.fingerprint });

		expect(await unlockIdentity(key, 'analytical engin')).toMatchObject({
			ok: false,
			code: 'passphrase_wrong'
		});
		const session = await unlocked(key, 'analytical engine');
		const signed = await signRecord(session, genesisBy(key));
		if (!signed.ok) throw new Error(signed.message);
		const parsed = parseEntry(signed.value.id, signed.value.entry);
		if (!parsed.ok) throw new Error(parsed.message);
		const verified = await createVerifier().verify(parsed.value, key.publicKey);
		expect(verified.ok).toBe(true);
	});
});

describe('importIdentity', () => {
	it.each([
		['alice', 'v4 from openpgp.js', 4, 'Alice'],
		['erin', 'v4 from GnuPG 2.2', 4, 'Erin'],
		['carol', 'v6 (RFC 9580)', 6, 'Carol']
	] as const)('imports %s (%s) with its passphrase', async (person, _, version, name) => {
		const key = await importFixture(person);
		expect(key).toMatchObject({ fingerprint: FINGERPRINTS[person], keyVersion: version, name });
		expect(await fingerprintOf(key.publicKey)).toEqual({ ok: true, value: key.fingerprint });
		// The stored copy is still the protected one: same passphrase unlocks it.
		const session = await unlocked(key, passphrases[person]);
		expect(session.locked).toBe(false);
	});

	const garbage: [string, string, string][] = [
		['empty text', '', 'key_unreadable'],
		['plain words', 'hello, I am a key', 'key_unreadable'],
		['an armor header alone', '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n', 'key_unreadable'],
		[
			'a truncated key',
			fixtureKey('alice', 'private').slice(0, 300) + '\n-----END PGP PRIVATE KEY BLOCK-----\n',
			'key_unreadable'
		],
		['too much text', 'A'.repeat(70_000), 'key_unreadable'],
		['a public key', fixtureKey('alice', 'public'), 'key_not_private'],
		[
			'two private keys',
			fixtureKey('alice', 'private') + fixtureKey('bob', 'private'),
			'key_unsupported'
		]
	];
	it.each(garbage)('refuses %s', async (_, armored, code) => {
		const result = await importIdentity({ armored, passphrase: 'whatever passphrase' });
		expect(result).toMatchObject({ ok: false, code });
	});

	// Without the armor checksum, damage in the encrypted part would read as a wrong passphrase.
	const damaged = (person: 'alice' | 'erin', line: number) => {
		const lines = fixtureKey(person, 'private').split('\n');
		const text = lines[line] as string;
		const at = Math.floor(text.length / 2);
		lines[line] = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
		return lines.join('\n');
	};
	const bodyLines = (person: 'alice' | 'erin') =>
		fixtureKey(person, 'private')
			.split('\n')
			.flatMap((line, i) =>
				/^[A-Za-z0-9+/=]+$/.test(line) && i > 1 ? [[person, i] as const] : []
			);
	it.each([...bodyLines('alice'), ...bodyLines('erin')])(
		'refuses %s’s key with line %i damaged (key_unreadable)',
		async (person, line) => {
			const result = await importIdentity({
				armored: damaged(person, line),
				passphrase: passphrases[person]
			});
			expect(result).toMatchObject({ ok: false, code: 'key_unreadable' });
		}
	);

	it.each([
		['a wrong passphrase', 'not alice passphrase'],
		['an empty passphrase', '']
	])('says passphrase_wrong for %s', async (_, passphrase) => {
		const result = await importIdentity({ armored: fixtureKey('alice', 'private'), passphrase });
		expect(result).toMatchObject({ ok: false, code: 'passphrase_wrong' });
	});

	it('asks for a passphrase for a key that has none (key_unprotected)', async () => {
		const armored = fixtureKey('dave', 'private');
		expect(await importIdentity({ armored, passphrase: '' })).toMatchObject({
			ok: false,
			code: 'key_unprotected'
		});
		expect(await importIdentity({ armored, passphrase: '', newPassphrase: 'short' })).toMatchObject(
			{ ok: false, code: 'passphrase_weak' }
		);
		const imported = await importIdentity({
			armored,
			passphrase: '',
			newPassphrase: 'dave now has one'
		});
		if (!imported.ok) throw new Error(imported.message);
		expect(imported.value.fingerprint).toBe(FINGERPRINTS.dave);
		const stored = await openpgp.readPrivateKey({ armoredKey: imported.value.privateKey });
		expect(stored.isDecrypted()).toBe(false);
		expect(await unlockIdentity(imported.value, 'dave now has one')).toMatchObject({ ok: true });
	});

	it('re-protects with newPassphrase when given', async () => {
		const imported = await importIdentity({
			armored: fixtureKey('bob', 'private'),
			passphrase: passphrases.bob,
			newPassphrase: 'bob on this device'
		});
		if (!imported.ok) throw new Error(imported.message);
		expect(await unlockIdentity(imported.value, passphrases.bob)).toMatchObject({
			ok: false,
			code: 'passphrase_wrong'
		});
		expect(await unlockIdentity(imported.value, 'bob on this device')).toMatchObject({ ok: true });
	});
});

describe('unlock, sign, lock', () => {
	let alice: IdentityKey;
	let bob: IdentityKey;
	beforeAll(async () => {
		alice = await importFixture('alice');
		bob = await importFixture('bob');
	});

	it('signs text and records; refuses after lock()', async () => {
		const session = await unlocked(alice, passphrases.alice);
		const signature = await session.signText('hello');
		expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
		const sig = await openpgp.readSignature({
			binarySignature: Uint8Array.from(atob(signature), (c) => c.charCodeAt(0))
		});
		expect(sig.getSigningKeyIDs().map((id) => id.toHex())).toEqual([alice.fingerprint.slice(-16)]);

		session.lock();
		session.lock();
		expect(session.locked).toBe(true);
		await expect(session.signText('hello')).rejects.toBeInstanceOf(IdentityLockedError);
		expect(await signRecord(session, genesisBy(alice))).toMatchObject({
			ok: false,
			code: 'identity_locked'
		});
	});

	it('refuses to sign a record naming another author, or an invalid record', async () => {
		const session = await unlocked(alice, passphrases.alice);
		expect(await signRecord(session, genesisBy(bob))).toMatchObject({
			ok: false,
			code: 'key_mismatch'
		});
		const bad = { ...genesisBy(alice), at: -1 };
		expect(await signRecord(session, bad)).toMatchObject({ ok: false, code: 'schema_invalid' });
	});

	it('signs a citizen record whose entry parses and verifies', async () => {
		const session = await unlocked(bob, passphrases.bob);
		const record = makeCitizen({
			country: 'a'.repeat(64),
			author: bob.fingerprint,
			at: 1_763_900_000_000,
			name: 'Bob',
			publicKey: bob.publicKey,
			admission: { type: 'open' }
		});
		const signed = await signRecord(session, record);
		if (!signed.ok) throw new Error(signed.message);
		const parsed = parseEntry(signed.value.id, signed.value.entry);
		if (!parsed.ok) throw new Error(parsed.message);
		expect(await createVerifier().verify(parsed.value, bob.publicKey)).toMatchObject({ ok: true });
	});

	it.each([
		['a wrong passphrase', 'nope nope nope', 'passphrase_wrong'],
		['an empty passphrase', '', 'passphrase_wrong']
	])('unlock with %s → %s', async (_, passphrase, code) => {
		expect(await unlockIdentity(alice, passphrase)).toMatchObject({ ok: false, code });
	});

	it('says key_unreadable when the stored private key is damaged or not this key', async () => {
		expect(await unlockIdentity({ ...alice, privateKey: 'garbage' }, 'x')).toMatchObject({
			ok: false,
			code: 'key_unreadable'
		});
		expect(
			await unlockIdentity({ ...alice, privateKey: bob.privateKey }, passphrases.bob)
		).toMatchObject({ ok: false, code: 'key_unreadable' });
	});

	it('changes the passphrase', async () => {
		expect(await changePassphrase(alice, passphrases.alice, 'short')).toMatchObject({
			ok: false,
			code: 'passphrase_weak'
		});
		expect(await changePassphrase(alice, 'wrong passphrase', 'a new passphrase')).toMatchObject({
			ok: false,
			code: 'passphrase_wrong'
		});
		const changed = await changePassphrase(alice, passphrases.alice, 'a new passphrase');
		if (!changed.ok) throw new Error(changed.message);
		expect(changed.value.fingerprint).toBe(alice.fingerprint);
		expect(changed.value.publicKey).toBe(alice.publicKey);
		expect(await unlockIdentity(changed.value, 'a new passphrase')).toMatchObject({ ok: true });
		expect(await unlockIdentity(changed.value, passphrases.alice)).toMatchObject({
			ok: false,
			code: 'passphrase_wrong'
		});
	});
});

describe('fingerprintOf', () => {
	it.each(Object.entries(FINGERPRINTS))('%s → known answer', async (person, fingerprint) => {
		const armored = fixtureKey(person as keyof typeof FINGERPRINTS, 'public');
		expect(await fingerprintOf(armored)).toEqual({ ok: true, value: fingerprint });
	});

	it.each([
		['empty', ''],
		['garbage', 'not a key'],
		['a signature block', '-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----']
	])('%s → key_unreadable', async (_, armored) => {
		expect(await fingerprintOf(armored)).toMatchObject({ ok: false, code: 'key_unreadable' });
	});
});
