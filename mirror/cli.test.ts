/**
 * The `webocracy` command, end to end: each test spawns the built bin in a temporary
 * directory, as a person or a script would run it, and checks its files, output and exit
 * code — including every bad input of issue 7 that needs no network.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildCli, cliIsStale } from '../bin/build-cli.js';
import { startStandalone } from '../signaling-server/standalone.js';
import { importIdentity, signRecord, unlockIdentity } from '../src/lib/identity';
import {
	encodeInvitation,
	makeCitizen,
	makeFeature,
	makeFilter,
	makePost,
	type AnyRecord
} from '../src/lib/model';
import { paths } from '../src/lib/site';
import { readStateFile, RECORDS_MAP, writeStateFile } from '../src/lib/sync';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin/webocracy.js');
const PASSPHRASE = 'correct horse battery';

type Run = { code: number | null; stdout: string; stderr: string };

/** `mirror` arguments with a signaling server nobody listens on (port 1 of loopback). */
const mirrorNowhere = (country: string, data: string, out: string) => [
	'mirror',
	'--country',
	country,
	'--signal',
	'ws://127.0.0.1:1',
	'--data',
	data,
	'--out',
	out
];

function run(
	args: string[],
	options: { env?: Record<string, string | undefined>; cwd?: string } = {}
): Promise<Run> {
	return new Promise((resolve) => {
		const env: Record<string, string | undefined> = {
			...process.env,
			WEBOCRACY_PASSPHRASE: PASSPHRASE,
			...options.env
		};
		for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
		const child = spawn(process.execPath, [bin, ...args], {
			cwd: options.cwd ?? dir,
			env,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

const sha = async (path: string) =>
	createHash('sha256')
		.update(await readFile(path))
		.digest('hex');

let dir: string;
/** A founded country with one post, shared by the read-only tests. */
let world: string;
let key: string;

beforeAll(async () => {
	if (cliIsStale(root)) await buildCli(root);
	dir = await mkdtemp(join(tmpdir(), 'webocracy-cli-'));
	key = join(dir, 'ada.asc');
	world = join(dir, 'world.webocracy');
	expect((await run(['keygen', '--name', 'Ada', '--out', key])).code).toBe(0);
	expect(
		(await run(['found', '--key', key, '--name', 'Clitown', '--admission', 'open', '--out', world]))
			.code
	).toBe(0);
	await writeFile(join(dir, 'hello.md'), '# Hello\n\nThe *first* post.\n');
	expect(
		(
			await run([
				'post',
				'--key',
				key,
				'--world',
				world,
				'--title',
				'Hello',
				'--file',
				'hello.md',
				'--tags',
				'news,intro'
			])
		).code
	).toBe(0);
}, 60_000);

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

/** A fresh copy of the shared world, to change. */
async function copyOfWorld(name: string): Promise<string> {
	const path = join(dir, name);
	await writeFile(path, await readFile(world));
	return path;
}

describe('webocracy (no command, --help, unknown command)', () => {
	it('lists the commands and the exit codes', async () => {
		const help = await run(['--help']);
		expect(help.code).toBe(0);
		for (const name of ['keygen', 'found', 'post', 'verify', 'render', 'mirror'])
			expect(help.stdout).toContain(name);
		expect(help.stdout).toContain('7 a write failed');
		expect((await run([])).code).toBe(2);
		const unknown = await run(['frobnicate']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('Unknown command: frobnicate');
	});

	it.each(['keygen', 'found', 'post', 'verify', 'render', 'mirror'])(
		'%s --help says how to use it',
		async (name) => {
			const help = await run([name, '--help']);
			expect(help.code).toBe(0);
			expect(help.stdout).toMatch(new RegExp(`^Usage: webocracy ${name} `));
		}
	);

	it('an unknown option is a usage error that names it', async () => {
		const result = await run(['verify', world, '--frob']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("'--frob'");
	});
});

describe('webocracy keygen', () => {
	it('makes an armored key, readable by its owner only, that GnuPG imports with the same fingerprint', async () => {
		const out = join(dir, 'keygen-gpg.asc');
		const result = await run(['keygen', '--name', 'Grace Hopper', '--out', out]);
		expect(result.code).toBe(0);
		const fingerprint = result.stdout.match(/fingerprint ([0-9a-f]{40})/)?.[1];
		expect(fingerprint).toBeDefined();
		const armored = await readFile(out, 'utf8');
		expect(armored).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
		expect((await import('node:fs')).statSync(out).mode & 0o777).toBe(0o600);
		const home = await mkdtemp(join(tmpdir(), 'gnupg-'));
		try {
			const gpg = (args: string[]) =>
				spawnSync(
					'gpg',
					[
						'--homedir',
						home,
						'--batch',
						'--pinentry-mode',
						'loopback',
						'--passphrase',
						PASSPHRASE,
						...args
					],
					{ encoding: 'utf8' }
				);
			const imported = gpg(['--import', out]);
			if (imported.error)
				throw new Error(`GnuPG is required: apt-get install gnupg (${imported.error.message})`);
			expect(imported.status, imported.stderr).toBe(0);
			const listing = gpg(['--list-secret-keys', '--with-colons']).stdout;
			expect(
				listing
					.split('\n')
					.find((l) => l.startsWith('fpr:'))
					?.split(':')[9]
					?.toLowerCase()
			).toBe(fingerprint);
			expect(listing).toContain('Grace Hopper');
			// The secret part opens with the passphrase: GnuPG can sign with it.
			await writeFile(join(home, 'data.txt'), 'hello');
			expect(gpg(['--detach-sign', join(home, 'data.txt')]).status).toBe(0);
		} finally {
			await rm(home, { recursive: true, force: true });
		}
	});

	it('without WEBOCRACY_PASSPHRASE and no terminal it asks for one and writes nothing (exit 2)', async () => {
		const out = join(dir, 'nopass.asc');
		const result = await run(['keygen', '--name', 'Ada', '--out', out], {
			env: { WEBOCRACY_PASSPHRASE: undefined }
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('set WEBOCRACY_PASSPHRASE');
		expect(await readdir(dir)).not.toContain('nopass.asc');
	});

	it('refuses a weak passphrase (exit 5) and a bad name (exit 2)', async () => {
		const weak = await run(['keygen', '--name', 'Ada', '--out', join(dir, 'weak.asc')], {
			env: { WEBOCRACY_PASSPHRASE: 'short' }
		});
		expect(weak.code).toBe(5);
		expect(weak.stderr).toContain('passphrase_weak');
		const badName = await run([
			'keygen',
			'--name',
			'Ada <ada@example.org>',
			'--out',
			join(dir, 'bad.asc')
		]);
		expect(badName.code).toBe(2);
	});

	it('never replaces an existing file without --force (exit 3)', async () => {
		const before = await sha(key);
		const result = await run(['keygen', '--name', 'Other', '--out', key]);
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('--force');
		expect(await sha(key)).toBe(before);
	});

	it('needs --name and --out (exit 2)', async () => {
		expect((await run(['keygen', '--out', join(dir, 'x.asc')])).stderr).toContain('Missing --name');
		expect((await run(['keygen', '--name', 'A'])).code).toBe(2);
	});
});

describe('webocracy found', () => {
	it('writes a state file holding a valid genesis and founder, with the citizens part and a secret', async () => {
		const out = join(dir, 'found.webocracy');
		const result = await run([
			'found',
			'--key',
			key,
			'--name',
			'Foundland',
			'--signal',
			'wss://signal.example.org/',
			'--out',
			out
		]);
		expect(result.code, result.stderr).toBe(0);
		const file = await readStateFile(new Uint8Array(await readFile(out)));
		if (!file.ok) throw new Error(file.message);
		expect(file.value.header.name).toBe('Foundland');
		expect(file.value.header.signaling).toEqual(['wss://signal.example.org/']);
		expect(file.value.header.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(file.value.citizensUpdate).not.toBeNull();
		const verify = await run(['verify', out, '--json']);
		expect(verify.code).toBe(0);
		expect(JSON.parse(verify.stdout)).toMatchObject({
			name: 'Foundland',
			entries: 2,
			valid: 2,
			invalid: []
		});
	});

	it('a key made by GnuPG founds a country too', async () => {
		const home = await mkdtemp(join(tmpdir(), 'gnupg-'));
		try {
			const gpg = (args: string[]) =>
				spawnSync(
					'gpg',
					[
						'--homedir',
						home,
						'--batch',
						'--pinentry-mode',
						'loopback',
						'--passphrase',
						PASSPHRASE,
						...args
					],
					{ encoding: 'utf8' }
				);
			expect(gpg(['--quick-gen-key', 'Linus', 'ed25519', 'sign', 'never']).status).toBe(0);
			const armored = gpg(['--armor', '--export-secret-keys', 'Linus']).stdout;
			const gpgKey = join(dir, 'linus.asc');
			await writeFile(gpgKey, armored);
			const out = join(dir, 'gpg-founded.webocracy');
			const result = await run(['found', '--key', gpgKey, '--name', 'Gnuland', '--out', out]);
			expect(result.code, result.stderr).toBe(0);
			expect((await run(['verify', out])).code).toBe(0);
		} finally {
			await rm(home, { recursive: true, force: true });
		}
	});

	it('a wrong passphrase: exit 5, clear message, nothing written', async () => {
		const out = join(dir, 'wrongpass.webocracy');
		const result = await run(['found', '--key', key, '--name', 'X', '--out', out], {
			env: { WEBOCRACY_PASSPHRASE: 'not the passphrase' }
		});
		expect(result.code).toBe(5);
		expect(result.stderr).toContain('Wrong passphrase');
		expect(await readdir(dir)).not.toContain('wrongpass.webocracy');
	});

	it('a key file that is no key (exit 3), a missing one (exit 3), a public key (exit 5)', async () => {
		await writeFile(join(dir, 'junk.asc'), 'hello, not a key');
		const junk = await run(['found', '--key', 'junk.asc', '--name', 'X', '--out', 'x.webocracy']);
		expect(junk.code).toBe(3);
		expect(junk.stderr).toContain('key_unreadable');
		const missing = await run([
			'found',
			'--key',
			'nope.asc',
			'--name',
			'X',
			'--out',
			'x.webocracy'
		]);
		expect(missing.code).toBe(3);
		expect(missing.stderr).toContain('nope.asc does not exist');
		const home = await mkdtemp(join(tmpdir(), 'gnupg-'));
		try {
			const gpg = (args: string[]) =>
				spawnSync('gpg', ['--homedir', home, '--batch', ...args], { encoding: 'utf8' });
			gpg(['--pinentry-mode', 'loopback', '--passphrase', PASSPHRASE, '--import', key]);
			await writeFile(join(dir, 'public.asc'), gpg(['--armor', '--export']).stdout);
		} finally {
			await rm(home, { recursive: true, force: true });
		}
		const publicKey = await run([
			'found',
			'--key',
			'public.asc',
			'--name',
			'X',
			'--out',
			'x.webocracy'
		]);
		expect(publicKey.code).toBe(5);
		expect(publicKey.stderr).toContain('public key');
	});

	it('bad options: admission, seats, signaling URL (exit 2)', async () => {
		expect(
			(
				await run([
					'found',
					'--key',
					key,
					'--name',
					'X',
					'--admission',
					'closed',
					'--out',
					'x.webocracy'
				])
			).code
		).toBe(2);
		expect(
			(await run(['found', '--key', key, '--name', 'X', '--seats', 'many', '--out', 'x.webocracy']))
				.code
		).toBe(2);
		expect(
			(
				await run([
					'found',
					'--key',
					key,
					'--name',
					'X',
					'--signal',
					'http://x',
					'--out',
					'x.webocracy'
				])
			).code
		).toBe(2);
		const zero = await run([
			'found',
			'--key',
			key,
			'--name',
			'X',
			'--seats',
			'0',
			'--out',
			'x.webocracy'
		]);
		expect(zero.code).toBe(4);
		expect(zero.stderr).toContain('seats');
	});

	it('a full disk: exit 7 with the cause, and neither a partial file nor a temporary one is left', () => {
		// A 4 KiB tmpfs, filled up, in a mount namespace of its own (root, as CI).
		const mountPoint = join(dir, 'full');
		const script = [
			'set -e',
			`mkdir -p '${mountPoint}'`,
			`mount -t tmpfs -o size=4k tmpfs '${mountPoint}'`,
			`dd if=/dev/zero of='${mountPoint}/filler' bs=1k count=64 2>/dev/null || true`,
			'set +e',
			`'${process.execPath}' '${bin}' found --key '${key}' --name Fullland --out '${mountPoint}/world.webocracy'`,
			'echo "exit=$?"',
			`ls -A '${mountPoint}'`
		].join('\n');
		const result = spawnSync('unshare', ['-m', 'sh', '-c', script], {
			encoding: 'utf8',
			env: { ...process.env, WEBOCRACY_PASSPHRASE: PASSPHRASE }
		});
		if (result.error)
			throw new Error(`unshare(1) is required (run as root): ${result.error.message}`);
		expect(result.stderr).toContain('the disk is full (ENOSPC)');
		expect(result.stdout).toContain('exit=7');
		expect(result.stdout.trim().split('\n').slice(1)).toEqual(['filler']);
	});
});

describe('webocracy post', () => {
	it('adds a signed post that verify accepts, keeping the file’s secret and signaling', async () => {
		const path = await copyOfWorld('post-ok.webocracy');
		const before = await readStateFile(new Uint8Array(await readFile(path)));
		const result = await run([
			'post',
			'--key',
			key,
			'--world',
			path,
			'--title',
			'Second',
			'--file',
			'hello.md',
			'--tags',
			'news'
		]);
		expect(result.code, result.stderr).toBe(0);
		const id = result.stdout.match(/Posted ([0-9a-f]{64})/)?.[1];
		const after = await readStateFile(new Uint8Array(await readFile(path)));
		if (!after.ok || !before.ok) throw new Error('unreadable');
		expect(after.value.header.secret).toBe(before.value.header.secret);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, after.value.publicUpdate);
		const entry = doc.getMap(RECORDS_MAP).get(id!) as { record: string };
		expect(JSON.parse(entry.record)).toMatchObject({
			kind: 'post',
			body: { title: 'Second', tags: ['news'] }
		});
		const report = JSON.parse((await run(['verify', path, '--json'])).stdout);
		expect(report).toMatchObject({ entries: 4, valid: 4, invalid: [] });
	});

	it('a key that is not a citizen: exit 4, the file unchanged', async () => {
		const path = await copyOfWorld('post-stranger.webocracy');
		const stranger = join(dir, 'stranger.asc');
		expect((await run(['keygen', '--name', 'Stranger', '--out', stranger])).code).toBe(0);
		const before = await sha(path);
		const result = await run([
			'post',
			'--key',
			stranger,
			'--world',
			path,
			'--title',
			'Hi',
			'--file',
			'hello.md'
		]);
		expect(result.code).toBe(4);
		expect(result.stderr).toContain('not a citizen of Clitown');
		expect(await sha(path)).toBe(before);
	});

	it('a wrong passphrase: exit 5, the file unchanged', async () => {
		const path = await copyOfWorld('post-wrongpass.webocracy');
		const before = await sha(path);
		const result = await run(
			['post', '--key', key, '--world', path, '--title', 'Hi', '--file', 'hello.md'],
			{ env: { WEBOCRACY_PASSPHRASE: 'wrong wrong wrong' } }
		);
		expect(result.code).toBe(5);
		expect(result.stderr).toContain('Wrong passphrase');
		expect(await sha(path)).toBe(before);
	});

	it('a post the rules refuse (bad tag, empty title): exit 4, the file unchanged', async () => {
		const path = await copyOfWorld('post-badtag.webocracy');
		const before = await sha(path);
		const tag = await run([
			'post',
			'--key',
			key,
			'--world',
			path,
			'--title',
			'Hi',
			'--file',
			'hello.md',
			'--tags',
			'Not A Tag!'
		]);
		expect(tag.code).toBe(4);
		expect(tag.stderr).toContain('tags');
		expect(await sha(path)).toBe(before);
	});

	it('a truncated state file: exit 3 with the reason, the file unchanged', async () => {
		const path = join(dir, 'post-truncated.webocracy');
		const bytes = await readFile(world);
		await writeFile(path, bytes.subarray(0, bytes.length - 20));
		const result = await run([
			'post',
			'--key',
			key,
			'--world',
			path,
			'--title',
			'Hi',
			'--file',
			'hello.md'
		]);
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('file_truncated');
	});

	it('a body file that is missing or not UTF-8: exit 3', async () => {
		expect(
			(await run(['post', '--key', key, '--world', world, '--title', 'Hi', '--file', 'missing.md']))
				.code
		).toBe(3);
		await writeFile(join(dir, 'latin1.md'), Uint8Array.from([0x63, 0x61, 0x66, 0xe9]));
		const latin1 = await run([
			'post',
			'--key',
			key,
			'--world',
			world,
			'--title',
			'Hi',
			'--file',
			'latin1.md'
		]);
		expect(latin1.code).toBe(3);
		expect(latin1.stderr).toContain('not UTF-8');
	});
});

type Held = { id: string; kind: string; author: string; body: Record<string, unknown> };

/** The records of a state file's public part, parsed (no checks: verify does those). */
async function recordsIn(path: string): Promise<Held[]> {
	const file = await readStateFile(new Uint8Array(await readFile(path)));
	if (!file.ok) throw new Error(file.message);
	const doc = new Y.Doc();
	Y.applyUpdate(doc, file.value.publicUpdate);
	return [...doc.getMap(RECORDS_MAP).entries()].map(([id, entry]) => ({
		id,
		...(JSON.parse((entry as { record: string }).record) as Omit<Held, 'id'>)
	}));
}

/** The id of the shared world's post "Hello". */
const helloId = async () =>
	(await recordsIn(world)).find((r) => r.kind === 'post' && r.body.title === 'Hello')!.id;

/** Sign a record in this process with a key file made by keygen (for records no command makes). */
async function signedWith(
	keyPath: string,
	make: (fingerprint: string, publicKey: string) => AnyRecord
) {
	const imported = await importIdentity({
		armored: await readFile(keyPath, 'utf8'),
		passphrase: PASSPHRASE
	});
	if (!imported.ok) throw new Error(imported.message);
	const unlocked = await unlockIdentity(imported.value, PASSPHRASE);
	if (!unlocked.ok) throw new Error(unlocked.message);
	const signed = await signRecord(
		unlocked.value,
		make(imported.value.fingerprint, imported.value.publicKey)
	);
	if (!signed.ok) throw new Error(signed.message);
	return signed.value;
}

const countryOf = async (path: string) => {
	const file = await readStateFile(new Uint8Array(await readFile(path)));
	if (!file.ok) throw new Error(file.message);
	return file.value.header.country;
};

/** A copy of the shared world where Bob is a citizen too. */
async function worldWithBob(name: string): Promise<{ path: string; bobKey: string }> {
	const bobKey = join(dir, `${name}-bob.asc`);
	expect((await run(['keygen', '--name', 'Bob', '--out', bobKey])).code).toBe(0);
	const country = await countryOf(world);
	const citizen = await signedWith(bobKey, (author, publicKey) =>
		makeCitizen({
			country,
			author,
			at: Date.now(),
			name: 'Bob',
			publicKey,
			admission: { type: 'open' }
		})
	);
	const path = await worldWith(name, (records) => records.set(citizen.id, citizen.entry));
	return { path, bobKey };
}

describe('webocracy post --edit, --retract, --page', () => {
	const post = (path: string, ...args: string[]) =>
		run(['post', '--key', key, '--world', path, ...args]);

	it('--help shows each of the four uses', async () => {
		const help = await run(['post', '--help']);
		expect(help.code).toBe(0);
		for (const use of ['--edit POST_ID', '--retract POST_ID', '--page SLUG', '--title TITLE'])
			expect(help.stdout).toContain(use);
	});

	it('edits a post: what is left out stays; verify accepts it and the site shows it', async () => {
		const path = await copyOfWorld('edit-ok.webocracy');
		const hello = await helloId();
		const result = await post(path, '--edit', hello, '--title', 'Hello again');
		expect(result.code, result.stderr).toBe(0);
		const revision = result.stdout.match(/revision ([0-9a-f]{64})/)?.[1];
		expect((await recordsIn(path)).find((r) => r.id === revision)?.body).toMatchObject({
			title: 'Hello again',
			body: '# Hello\n\nThe *first* post.\n',
			tags: ['news', 'intro'],
			replaces: hello
		});
		expect(JSON.parse((await run(['verify', path, '--json'])).stdout)).toMatchObject({
			valid: 4,
			invalid: []
		});
		const site = join(dir, 'edit-site');
		expect((await run(['render', path, '--out', site])).code).toBe(0);
		const page = await readFile(join(site, paths.post(hello)), 'utf8');
		expect(page).toContain('<h1>Hello again</h1>');
		expect(page).toContain('<h2 id="revisions">Revisions</h2>');
	});

	it('a second edit, naming the post by its first revision, replaces the revision shown', async () => {
		const path = await copyOfWorld('edit-twice.webocracy');
		const hello = await helloId();
		const first = await post(path, '--edit', hello, '--title', 'Hello again');
		const revision = first.stdout.match(/revision ([0-9a-f]{64})/)?.[1];
		await writeFile(join(dir, 'edit.md'), 'The *second* take.\n');
		const second = await post(path, '--edit', hello, '--file', 'edit.md', '--tags', '');
		expect(second.code, second.stderr).toBe(0);
		const revision2 = second.stdout.match(/revision ([0-9a-f]{64})/)?.[1];
		expect((await recordsIn(path)).find((r) => r.id === revision2)?.body).toMatchObject({
			title: 'Hello again',
			body: 'The *second* take.\n',
			tags: [],
			replaces: revision
		});
	});

	it('retracts a post: verify accepts it and the site leaves it out', async () => {
		const path = await copyOfWorld('retract-ok.webocracy');
		const hello = await helloId();
		const result = await post(path, '--retract', hello);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain(`Retracted post ${hello}`);
		expect(JSON.parse((await run(['verify', path, '--json'])).stdout)).toMatchObject({
			valid: 4,
			invalid: []
		});
		const site = join(dir, 'retract-site');
		expect((await run(['render', path, '--out', site])).code).toBe(0);
		expect(await readdir(join(site, 'posts')).catch(() => [])).toEqual([]);
	});

	it('a post already retracted cannot be retracted again (exit 4, the file unchanged)', async () => {
		const path = await copyOfWorld('retract-twice.webocracy');
		const hello = await helloId();
		expect((await post(path, '--retract', hello)).code).toBe(0);
		const before = await sha(path);
		const again = await post(path, '--retract', hello);
		expect(again.code).toBe(4);
		expect(again.stderr).toContain('no post');
		expect(await sha(path)).toBe(before);
	});

	it('writes a shared page, then a revision that replaces it', async () => {
		const path = await copyOfWorld('page-ok.webocracy');
		await writeFile(join(dir, 'about.md'), 'We are *small*.\n');
		const first = await post(path, '--page', 'about-us', '--title', 'About', '--file', 'about.md');
		expect(first.code, first.stderr).toBe(0);
		expect(first.stdout).toContain('(a new page)');
		const firstId = first.stdout.match(/revision ([0-9a-f]{64})/)?.[1];
		await writeFile(join(dir, 'about2.md'), 'We are *smaller*.\n');
		const second = await post(
			path,
			'--page',
			'about-us',
			'--title',
			'About us',
			'--file',
			'about2.md'
		);
		expect(second.code, second.stderr).toBe(0);
		expect(second.stdout).toContain('(replacing 1)');
		const secondId = second.stdout.match(/revision ([0-9a-f]{64})/)?.[1];
		expect((await recordsIn(path)).find((r) => r.id === secondId)?.body).toMatchObject({
			slug: 'about-us',
			title: 'About us',
			replaces: [firstId]
		});
	});

	it('a page written from the command line is on the rendered site', async () => {
		const path = await copyOfWorld('page-site.webocracy');
		await writeFile(join(dir, 'faq.md'), 'Ask *anything*.\n');
		expect((await post(path, '--page', 'faq', '--title', 'FAQ', '--file', 'faq.md')).code).toBe(0);
		const site = join(dir, 'page-site');
		expect((await run(['render', path, '--out', site])).code).toBe(0);
		const page = await readFile(join(site, paths.page('faq')), 'utf8');
		expect(page).toContain('<h1>FAQ</h1>');
		expect(page).toContain('<em>anything</em>');
	});

	describe('another citizen', () => {
		let path: string;
		let bobKey: string;
		let before: string;
		const bob = (...args: string[]) => run(['post', '--key', bobKey, '--world', path, ...args]);
		beforeAll(async () => {
			({ path, bobKey } = await worldWithBob('bob.webocracy'));
			before = await sha(path);
		}, 60_000);

		it('may not edit someone else’s post (exit 4, the file unchanged)', async () => {
			const edit = await bob('--edit', await helloId(), '--title', 'Mine now');
			expect(edit.code).toBe(4);
			expect(edit.stderr).toContain('is not yours');
			expect(await sha(path)).toBe(before);
		});

		it('may not retract someone else’s post (exit 4, the file unchanged)', async () => {
			const retract = await bob('--retract', await helloId());
			expect(retract.code).toBe(4);
			expect(retract.stderr).toContain('only its author may retract');
			expect(await sha(path)).toBe(before);
		});

		it('may revise a page someone else wrote', async () => {
			expect(
				(await post(path, '--page', 'rules', '--title', 'Rules', '--file', 'hello.md')).code
			).toBe(0);
			const revised = await bob('--page', 'rules', '--title', 'Rules', '--file', 'hello.md');
			expect(revised.code, revised.stderr).toBe(0);
			expect(revised.stdout).toContain('(replacing 1)');
		});
	});

	describe('bad input leaves the file unchanged', () => {
		let path: string;
		let before: string;
		beforeAll(async () => {
			path = await copyOfWorld('post-modes-bad.webocracy');
			before = await sha(path);
		});
		const hello = 'HELLO';
		it.each([
			[['--edit', 'xyz', '--title', 'T'], 2, '64 hexadecimal digits'],
			[['--edit', 'a'.repeat(64), '--title', 'T'], 4, 'has no post'],
			[['--edit', hello], 2, '--edit needs a new --title, --file or --tags'],
			[['--edit', hello, '--title', ''], 4, 'title'],
			[['--edit', hello, '--tags', 'Not A Tag!'], 4, 'tags'],
			[['--edit', hello, '--retract', hello], 2, 'do not go together'],
			[['--retract', hello, '--title', 'T'], 2, '--retract takes no --title'],
			[['--retract', 'f'.repeat(64)], 4, 'has no post'],
			[['--page', 'About Us', '--title', 'A', '--file', 'hello.md'], 2, "page's address"],
			[['--page', 'about', '--title', 'A', '--file', 'hello.md', '--tags', 'x'], 2, 'no tags'],
			[['--page', 'about', '--title', 'A'], 2, 'Missing --file'],
			[['--page', 'about', '--file', 'hello.md'], 2, 'Missing --title'],
			[['--page', 'about', '--title', 'A', '--file', 'missing.md'], 3, 'missing.md']
		] as [string[], number, string][])('post %j: exit %i', async (args, code, message) => {
			const id = await helloId();
			const result = await post(path, ...args.map((a) => (a === hello ? id : a)));
			expect(result.code, result.stderr).toBe(code);
			expect(result.stderr).toContain(message);
			expect(await sha(path)).toBe(before);
		});
	});
});

/** The shared world (or `from`) with entries replaced or added, rewritten with valid hashes. */
async function worldWith(
	name: string,
	change: (records: Y.Map<unknown>) => void,
	from = world
): Promise<string> {
	const file = await readStateFile(new Uint8Array(await readFile(from)));
	if (!file.ok) throw new Error(file.message);
	const doc = new Y.Doc();
	Y.applyUpdate(doc, file.value.publicUpdate);
	change(doc.getMap(RECORDS_MAP));
	const { header } = file.value;
	const bytes = await writeStateFile({
		country: header.country,
		name: header.name,
		genesis: header.genesis,
		publicUpdate: Y.encodeStateAsUpdate(doc),
		citizensUpdate: file.value.citizensUpdate,
		secret: header.secret,
		signaling: header.signaling
	});
	const path = join(dir, name);
	await writeFile(path, bytes);
	return path;
}

describe('webocracy verify', () => {
	it('a whole world: summary, exit 0', async () => {
		const result = await run(['verify', world]);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Clitown');
		expect(result.stdout).toContain('3 records: 3 valid, 0 invalid');
	});

	it('a record whose text was altered under its signature: listed with its reason, exit 4', async () => {
		let postId = '';
		const path = await worldWith('altered.webocracy', (records) => {
			for (const [id, value] of [...records]) {
				const entry = value as { record: string; signature: string };
				if (!entry.record.includes('"kind":"post"')) continue;
				postId = id;
				// Another record under the post's signature: its own id, the old signature.
				const altered = entry.record.replace('Hello', 'Goodbye');
				const newId = createHash('sha256').update(altered).digest('hex');
				records.set(newId, { record: altered, signature: entry.signature });
			}
		});
		const result = await run(['verify', path, '--json']);
		expect(result.code).toBe(4);
		const report = JSON.parse(result.stdout);
		expect(report.valid).toBe(3);
		expect(report.invalid).toHaveLength(1);
		expect(report.invalid[0]).toMatchObject({ kind: 'post', code: 'signature_invalid' });
		expect(report.invalid[0].id).not.toBe(postId);
		const text = await run(['verify', path]);
		expect(text.stdout).toContain('1 invalid');
		expect(text.stdout).toMatch(/invalid [0-9a-f]{64} post by [0-9a-f]{16}: signature_invalid/);
	});

	it('junk under an id, and a deleted genesis: each reported, exit 4', async () => {
		const junk = await worldWith('junk.webocracy', (records) =>
			records.set('not-an-id', { record: 'x', signature: 'y' })
		);
		const junkReport = JSON.parse((await run(['verify', junk, '--json'])).stdout);
		expect(junkReport.invalid.map((r: { id: string }) => r.id)).toEqual(['not-an-id']);
		const headless = await worldWith('headless.webocracy', (records) => {
			for (const [id, value] of records)
				if ((value as { record: string }).record.includes('"kind":"genesis"')) records.delete(id);
		});
		const result = await run(['verify', headless]);
		expect(result.code).toBe(4);
		expect(result.stdout).toContain('No valid founding record');
	});

	it.each([
		['a truncated file', (b: Buffer) => b.subarray(0, b.length - 7), 'file_truncated'],
		['a file cut inside the magic', (b: Buffer) => b.subarray(0, 5), 'file_truncated'],
		[
			'a flipped bit in the compressed body',
			(b: Buffer) => {
				const c = Buffer.from(b);
				c[40]! ^= 1;
				return c;
			},
			'(file_'
		],
		['not a state file', () => Buffer.from('{"hello": "world"}'), 'file_not_webocracy'],
		['an empty file', () => Buffer.alloc(0), 'file_not_webocracy']
	])('%s: exit 3 with the reason', async (name, damage, code) => {
		const path = join(dir, `damaged-${name.replaceAll(' ', '-')}.webocracy`);
		await writeFile(path, damage(await readFile(world)));
		const result = await run(['verify', path]);
		expect(result.code).toBe(3);
		expect(result.stderr).toContain(code);
		expect(result.stdout).toBe('');
	});

	it('a missing file (exit 3), no file named (exit 2)', async () => {
		expect((await run(['verify', 'nothing.webocracy'])).code).toBe(3);
		expect((await run(['verify'])).code).toBe(2);
	});
});

describe('webocracy render', () => {
	it('writes the static site of the valid records; a second run rewrites nothing', async () => {
		const out = join(dir, 'site');
		const result = await run([
			'render',
			world,
			'--out',
			out,
			'--base-url',
			'https://clitown.example/'
		]);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/Rendered Clitown: \d+ files \(\d+ written, 0 removed\)/);
		expect(await readFile(join(out, paths.front), 'utf8')).toContain('Clitown');
		const posts = await readdir(join(out, 'posts'));
		expect(posts).toHaveLength(1);
		expect(await readFile(join(out, 'posts', posts[0]!), 'utf8')).toContain('Hello');
		expect(await readFile(join(out, paths.sitemap), 'utf8')).toContain('https://clitown.example/');
		const again = await run([
			'render',
			world,
			'--out',
			out,
			'--base-url',
			'https://clitown.example/'
		]);
		expect(again.stdout).toContain('(0 written, 0 removed)');
	});

	it('follows the country’s government: a banned author is gone, a featured post leads, the filter log is public', async () => {
		const { path, bobKey } = await worldWithBob('render-gov.webocracy');
		const country = await countryOf(path);
		const bob = (await recordsIn(path)).find((r) => r.kind === 'citizen' && r.body.name === 'Bob')!;
		const hello = await helloId();
		// Ada founded the country: she leads until a first election (R41).
		const filter = await signedWith(key, (author) =>
			makeFilter({
				country,
				author,
				at: Date.now(),
				target: bob.author,
				action: 'ban',
				reason: 'Advertising.'
			})
		);
		const feature = await signedWith(key, (author) =>
			makeFeature({ country, author, at: Date.now(), post: hello, action: 'feature' })
		);
		const spam = await signedWith(bobKey, (author) =>
			makePost({
				country,
				author,
				at: Date.now(),
				title: 'Cheap watches',
				body: 'Buy!',
				tags: ['deals']
			})
		);
		const governed = await worldWith(
			'render-gov-filtered.webocracy',
			(records) => {
				records.set(spam.id, spam.entry);
				records.set(filter.id, filter.entry);
				records.set(feature.id, feature.entry);
			},
			path
		);
		const out = join(dir, 'site-gov');
		const result = await run(['render', governed, '--out', out]);
		expect(result.code, result.stderr).toBe(0);
		// Every record is valid (Bob's post too): the filter, not a rule, keeps it off the site.
		expect(result.stdout).toContain('7 valid records, 0 invalid left out');
		expect(await readdir(join(out, 'posts'))).toEqual([`${hello}.html`]);
		expect(existsSync(join(out, paths.blog(bob.author)))).toBe(false);
		expect(existsSync(join(out, paths.tag('deals')))).toBe(false);
		expect(await readFile(join(out, paths.feed), 'utf8')).not.toContain('Cheap watches');
		const front = await readFile(join(out, paths.front), 'utf8');
		expect(front.indexOf('Featured')).toBeGreaterThan(-1);
		expect(front.slice(front.indexOf('Featured'), front.indexOf('Latest posts'))).toContain(
			'Hello'
		);
		const government = await readFile(join(out, paths.government), 'utf8');
		expect(government).toContain('Advertising.');
		expect(government).toContain(`records/${filter.id}.txt`);
		expect(existsSync(join(out, paths.recordText(filter.id)))).toBe(true);
	});

	it('leaves invalid records out and says how many', async () => {
		const path = await worldWith('render-forged.webocracy', (records) => {
			const [id, value] = [...records].find(([, v]) =>
				(v as { record: string }).record.includes('"kind":"post"')
			)!;
			const entry = value as { record: string; signature: string };
			const forged = entry.record.replace('Hello', 'Forged');
			records.set(createHash('sha256').update(forged).digest('hex'), {
				record: forged,
				signature: entry.signature
			});
			expect(id).toMatch(/^[0-9a-f]{64}$/);
		});
		const out = join(dir, 'site-forged');
		const result = await run(['render', path, '--out', out]);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('1 invalid left out');
		expect(await readdir(join(out, 'posts'))).toHaveLength(1);
		expect(await readFile(join(out, paths.front), 'utf8')).not.toContain('Forged');
	});

	it('a tampered file (exit 3), a bad --base-url (exit 2), no genesis (exit 4): nothing written', async () => {
		const tampered = join(dir, 'render-tampered.webocracy');
		const bytes = Buffer.from(await readFile(world));
		bytes[bytes.length - 30]! ^= 0xff;
		await writeFile(tampered, bytes);
		const out = join(dir, 'site-refused');
		expect((await run(['render', tampered, '--out', out])).code).toBe(3);
		expect((await run(['render', world, '--out', out, '--base-url', 'ftp://x/'])).code).toBe(2);
		const headless = await worldWith('render-headless.webocracy', (records) => {
			for (const [id, value] of [...records])
				if ((value as { record: string }).record.includes('"kind":"genesis"')) records.delete(id);
		});
		const noGenesis = await run(['render', headless, '--out', out]);
		expect(noGenesis.code).toBe(4);
		expect(noGenesis.stderr).toContain('no valid founding record');
		expect(await readdir(dir)).not.toContain('site-refused');
	});

	it('a full disk: exit 7 naming the cause', () => {
		const mountPoint = join(dir, 'full-site');
		const script = [
			'set -e',
			`mkdir -p '${mountPoint}'`,
			`mount -t tmpfs -o size=8k tmpfs '${mountPoint}'`,
			'set +e',
			`'${process.execPath}' '${bin}' render '${world}' --out '${mountPoint}/site'`,
			'echo "exit=$?"'
		].join('\n');
		const result = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8' });
		if (result.error)
			throw new Error(`unshare(1) is required (run as root): ${result.error.message}`);
		expect(result.stderr).toContain('the disk is full (ENOSPC)');
		expect(result.stdout).toContain('exit=7');
	});
});

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

describe('webocracy mirror (bad input; syncing is in tests/e2e/mirror.test.ts)', () => {
	const countryA = 'a'.repeat(64);
	const countryB = 'b'.repeat(64);
	const inviteFor = (country: string, signaling: string[]) =>
		`http://127.0.0.1:8080/join#${encodeInvitation({ country, name: 'A', secret: 's'.repeat(32), signaling, invite: null })}`;

	it('needs a country: --invite, or --country with --signal (exit 2)', async () => {
		expect((await run(['mirror', '--data', 'd', '--out', 'o'])).code).toBe(2);
		expect(
			(await run(['mirror', '--country', countryA, '--data', 'd', '--out', 'o'])).stderr
		).toContain('--signal');
		expect((await run(mirrorNowhere('abc', 'd', 'o'))).code).toBe(2);
	});

	it('a damaged invite link: exit 3, "damaged"', async () => {
		const link = inviteFor(countryA, ['ws://127.0.0.1:1']);
		const result = await run([
			'mirror',
			'--invite',
			link.slice(0, -5),
			'--data',
			'd',
			'--out',
			'o'
		]);
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('damaged');
	});

	it('an invite link for another country than --country: exit 3', async () => {
		const result = await run([
			'mirror',
			'--invite',
			inviteFor(countryA, ['ws://127.0.0.1:1']),
			'--country',
			countryB,
			'--data',
			'd',
			'--out',
			'o'
		]);
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('another country');
	});

	it('an unreachable signaling server: exit 6 after --connect-timeout, naming it; the store is kept', async () => {
		const url = `ws://127.0.0.1:${await closedPort()}`;
		const data = join(dir, 'unreachable-data');
		const result = await run([
			'mirror',
			'--country',
			countryA,
			'--signal',
			url,
			'--data',
			data,
			'--out',
			join(dir, 'unreachable-site'),
			'--connect-timeout',
			'1'
		]);
		expect(result.code).toBe(6);
		expect(result.stderr).toContain(`No signaling server reachable after 1 s: ${url}`);
		expect((await readdir(data)).sort()).toEqual(['mirror.json', 'updates.log']);
	});

	it('a data directory that holds another country (an invite link for another country): exit 3, untouched', async () => {
		const url = `ws://127.0.0.1:${await closedPort()}`;
		const data = join(dir, 'country-a-data');
		expect(
			(
				await run([
					'mirror',
					'--country',
					countryA,
					'--signal',
					url,
					'--data',
					data,
					'--out',
					join(dir, 'a-site'),
					'--connect-timeout',
					'0.2'
				])
			).code
		).toBe(6);
		const log = await sha(join(data, 'updates.log'));
		const result = await run([
			'mirror',
			'--invite',
			inviteFor(countryB, [url]),
			'--data',
			data,
			'--out',
			join(dir, 'a-site')
		]);
		expect(result.code).toBe(3);
		expect(result.stderr).toContain(`holds the mirror of another country (${countryA})`);
		expect(await sha(join(data, 'updates.log'))).toBe(log);
	});

	it('a store file that is not a mirror log is refused, not overwritten (exit 3)', async () => {
		const data = join(dir, 'foreign-data');
		await (await import('node:fs/promises')).mkdir(data);
		await writeFile(join(data, 'updates.log'), 'precious');
		const result = await run(mirrorNowhere(countryA, data, join(dir, 'f-site')));
		expect(result.code).toBe(3);
		expect(result.stderr).toContain('is not a mirror log');
		expect(await readFile(join(data, 'updates.log'), 'utf8')).toBe('precious');
	});

	it.each([
		[['--serve', '0', '--max-connections', '0'], 'takes a number of connections'],
		[['--serve', '0', '--max-connections', 'many'], 'takes a number of connections'],
		[['--serve', '0', '--max-connections', '2.5'], 'takes a number of connections'],
		[['--max-connections', '8'], 'needs --serve']
	])('%j: exit 2', async (extra, message) => {
		const result = await run([
			...mirrorNowhere(countryA, join(dir, 'cap-data'), join(dir, 'cap-site')),
			...extra
		]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(message);
		expect(existsSync(join(dir, 'cap-data'))).toBe(false);
	});

	it('--serve with --max-connections 1: a second connection is refused, the first is answered', async () => {
		const signaling = await startStandalone({ port: 0 });
		const child = spawn(
			process.execPath,
			[
				bin,
				'mirror',
				'--country',
				countryA,
				'--signal',
				signaling.url,
				'--data',
				join(dir, 'served-data'),
				'--out',
				join(dir, 'served-site'),
				'--serve',
				'0',
				'--max-connections',
				'1'
			],
			{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }
		);
		const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
		try {
			let stdout = '';
			const port = await new Promise<number>((resolve, reject) => {
				const timer = setTimeout(
					() => reject(new Error(`not serving after 15 s: ${stdout}`)),
					15_000
				);
				child.stdout.on('data', (d) => {
					stdout += d;
					const bound = /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
					if (bound) {
						clearTimeout(timer);
						resolve(Number(bound[1]));
					}
				});
			});
			const open = () => {
				const socket = connect(port, '127.0.0.1');
				let received = '';
				socket.on('data', (d) => (received += d.toString('latin1')));
				socket.on('error', () => undefined); // the refused one may be reset
				const closed = new Promise<string>((resolve) =>
					socket.on('close', () => resolve(received))
				);
				const connected = new Promise<void>((resolve) => socket.on('connect', resolve));
				return { socket, closed, connected };
			};
			const first = open();
			await first.connected;
			// Refused until the mirror counts the first: a few tries, each answered or cut at once.
			let refused = false;
			for (let i = 0; i < 20 && !refused; i++) {
				const second = open();
				second.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
				refused = (await second.closed) === '';
			}
			expect(refused).toBe(true);
			first.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
			const answer = await first.closed;
			expect(answer).toMatch(/^HTTP\/1\.1 200 /);
			expect(answer).toContain(`"country":"${countryA}"`);
		} finally {
			child.kill('SIGTERM');
			await signaling.close();
		}
		expect(await exited).toBe(0);
	}, 60_000);
});
