/**
 * Interoperability with the real GnuPG 2.2 (/usr/bin/gpg), in a throwaway GNUPGHOME.
 * These tests must run: a machine without gpg fails them with the fix, never skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizen, makeGenesis } from '../model';
import { parseEntry, type AnyRecord } from '../model/record';
import { base64ToBytes, bytesToBase64 } from './base64';
import { generateIdentity, importIdentity, signRecord, unlockIdentity } from './keys';
import { createVerifier } from './verify';

const INSTALL_HINT = 'GnuPG is required for the interop tests: apt-get install gnupg';

let home: string;

function gpg(args: string[], input?: string): { stdout: string; stderr: string; status: number } {
	const result = spawnSync('gpg', ['--homedir', home, '--batch', ...args], {
		input,
		encoding: 'utf8',
		timeout: 30_000
	});
	if (result.error) throw new Error(`${INSTALL_HINT} (${result.error.message})`);
	return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

function mustGpg(args: string[], input?: string): string {
	const result = gpg(args, input);
	if (result.status !== 0) throw new Error(`gpg ${args.join(' ')} failed:\n${result.stderr}`);
	return result.stdout;
}

/** gpg's view of a key: its fingerprint, lowercase. */
function gpgFingerprint(secret: boolean): string {
	const listing = mustGpg([secret ? '--list-secret-keys' : '--list-keys', '--with-colons']);
	const line = listing.split('\n').find((l) => l.startsWith('fpr:'));
	return (line?.split(':')[9] ?? '').toLowerCase();
}

/** `gpg --verify` on our record bytes and our base64 signature; returns its status lines. */
function gpgVerify(text: string, signature: string): string {
	const dir = mkdtempSync(join(home, 'v-'));
	writeFileSync(join(dir, 'data.txt'), text);
	writeFileSync(join(dir, 'sig.bin'), base64ToBytes(signature) as Uint8Array);
	return gpg(['--status-fd', '1', '--verify', join(dir, 'sig.bin'), join(dir, 'data.txt')]).stdout;
}

function gpgSign(text: string, passphrase: string): string {
	const dir = mkdtempSync(join(home, 's-'));
	writeFileSync(join(dir, 'data.txt'), text);
	mustGpg([
		'--pinentry-mode',
		'loopback',
		'--passphrase',
		passphrase,
		'--detach-sign',
		'--output',
		join(dir, 'data.sig'),
		join(dir, 'data.txt')
	]);
	return bytesToBase64(new Uint8Array(readFileSync(join(dir, 'data.sig'))));
}

/** Our verdict, and that the fast path (not openpgp.verify) gave it: gpg's signatures are its shape. */
async function verifyWithUs(id: string, text: string, signature: string, publicKey: string) {
	const parsed = parseEntry(id, { record: text, signature });
	if (!parsed.ok) throw new Error(parsed.message);
	const verifier = createVerifier();
	const result = await verifier.verify(parsed.value, publicKey);
	expect(verifier.stats()).toMatchObject({ signatureChecks: 1, fastChecks: 1 });
	return result;
}

const genesisOf = (author: string, publicKey: string): AnyRecord =>
	makeGenesis({
		author,
		at: 1_763_900_000_000,
		name: 'Interop Republic',
		constitution: { admission: 'invite', seats: 5, termDays: 30 },
		founderKey: publicKey
	});

let gpgMissing = false;

/** Each test calls this first, so a missing gpg fails every test by name instead of skipping. */
function requireGpg() {
	if (gpgMissing) throw new Error(INSTALL_HINT);
}

beforeAll(() => {
	const version = spawnSync('gpg', ['--version'], { encoding: 'utf8' });
	gpgMissing = Boolean(version.error) || version.status !== 0;
	// A short path: gpg-agent's socket path must fit in 108 bytes.
	home = mkdtempSync(join(tmpdir(), 'wg-'));
});

afterAll(() => {
	if (!home) return;
	// Stop the agent gpg started for this home (and only that one).
	if (!gpgMissing) spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
	rmSync(home, { recursive: true, force: true });
});

describe('GnuPG 2.2 interop', () => {
	it('a key made here imports into gpg, which accepts our signatures and signs for us', async () => {
		requireGpg();
		const passphrase = 'made by webocracy';
		const made = await generateIdentity({ name: 'Webocracy Founder', passphrase });
		if (!made.ok) throw new Error(made.message);
		const key = made.value;
		const session = await unlockIdentity(key, passphrase);
		if (!session.ok) throw new Error(session.message);
		const signed = await signRecord(session.value, genesisOf(key.fingerprint, key.publicKey));
		if (!signed.ok) throw new Error(signed.message);

		mustGpg(['--import'], key.publicKey);
		expect(gpgFingerprint(false)).toBe(key.fingerprint);
		const status = gpgVerify(signed.value.entry.record, signed.value.entry.signature);
		expect(status).toMatch(/^\[GNUPG:\] GOODSIG [0-9A-F]{16} Webocracy Founder$/m);
		expect(status).toContain(`[GNUPG:] VALIDSIG ${key.fingerprint.toUpperCase()} `);

		// Our passphrase-protected private key opens in gpg too.
		mustGpg(
			['--pinentry-mode', 'loopback', '--passphrase', passphrase, '--import'],
			key.privateKey
		);
		expect(gpgFingerprint(true)).toBe(key.fingerprint);
		const text = signed.value.entry.record;
		const byGpg = gpgSign(text, passphrase);
		expect(await verifyWithUs(signed.value.id, text, byGpg, key.publicKey)).toMatchObject({
			ok: true
		});

		// And gpg rejects a tampered record.
		const tampered = gpgVerify(text.replace('Interop', 'Intercop'), signed.value.entry.signature);
		expect(tampered).toMatch(/^\[GNUPG:\] BADSIG /m);
		expect(tampered).not.toMatch(/GOODSIG|VALIDSIG/);

		mustGpg(['--yes', '--delete-secret-and-public-key', key.fingerprint.toUpperCase()]);
	});

	it('a key made by gpg imports here and signs records both sides accept', async () => {
		requireGpg();
		const passphrase = 'made by gnupg';
		mustGpg([
			'--pinentry-mode',
			'loopback',
			'--passphrase',
			passphrase,
			'--quick-gen-key',
			'Gnu Citizen <gnu@example.org>',
			'ed25519',
			'sign',
			'never'
		]);
		const fingerprint = gpgFingerprint(true);
		const armored = mustGpg([
			'--pinentry-mode',
			'loopback',
			'--passphrase',
			passphrase,
			'--export-secret-keys',
			'--armor'
		]);

		expect(await importIdentity({ armored, passphrase: 'not this one' })).toMatchObject({
			ok: false,
			code: 'passphrase_wrong'
		});
		const publicOnly = mustGpg(['--export', '--armor']);
		expect(await importIdentity({ armored: publicOnly, passphrase })).toMatchObject({
			ok: false,
			code: 'key_not_private'
		});

		const imported = await importIdentity({ armored, passphrase });
		if (!imported.ok) throw new Error(imported.message);
		const key = imported.value;
		expect(key).toMatchObject({ fingerprint, name: 'Gnu Citizen', keyVersion: 4 });

		const session = await unlockIdentity(key, passphrase);
		if (!session.ok) throw new Error(session.message);
		const record = makeCitizen({
			country: 'c'.repeat(64),
			author: key.fingerprint,
			at: 1_763_900_000_000,
			name: key.name,
			publicKey: key.publicKey,
			admission: { type: 'open' }
		});
		const signed = await signRecord(session.value, record);
		if (!signed.ok) throw new Error(signed.message);
		const { id, entry } = signed.value;

		expect(await verifyWithUs(id, entry.record, entry.signature, key.publicKey)).toMatchObject({
			ok: true
		});
		// The public key as gpg exports it works for verification too.
		expect(await verifyWithUs(id, entry.record, entry.signature, publicOnly)).toMatchObject({
			ok: true
		});
		const status = gpgVerify(entry.record, entry.signature);
		expect(status).toMatch(/^\[GNUPG:\] GOODSIG [0-9A-F]{16} Gnu Citizen <gnu@example.org>$/m);
		expect(status).toContain(`[GNUPG:] VALIDSIG ${fingerprint.toUpperCase()} `);
	});
});
