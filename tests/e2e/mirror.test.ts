/**
 * The mirror (`webocracy mirror`) as a child process beside Chromium and Node peers: it
 * renders what browsers publish (posts written in the app's editor), carries records between
 * people who are never online at the same time, and loses nothing when it is killed in the
 * middle of a sync. Node peers (support/node-peer.ts) seed the large countries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { paths } from '../../src/lib/site';
import {
	createIdentity,
	expect,
	fillNewIdentity,
	foundCountry,
	invite,
	openSection,
	rename,
	test
} from './fixtures';
import { inviteUrl, makeFounder, NodePeer, seedCountry } from './support/node-peer';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const SIGNAL = BASE.replace('http', 'ws') + '/signal';
const BIN = join(import.meta.dirname, '../../bin/webocracy.js');

type Health = {
	peers: number;
	records: { valid: number; held: number; invalid: number; stored: number };
	store: { entries: number; bytes: number };
	lastRender: { files: number; records: number } | null;
};

class MirrorProcess {
	output = '';
	readonly exited: Promise<number | null>;
	private constructor(
		readonly child: ChildProcess,
		readonly port: number
	) {
		this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
	}

	static async start(args: string[]): Promise<MirrorProcess> {
		const child = spawn(process.execPath, [BIN, 'mirror', ...args, '--serve', '0'], {
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		const port = await new Promise<number>((resolve, reject) => {
			const onData = (chunk: Buffer) => {
				output += chunk;
				const match = output.match(/serving http:\/\/127\.0\.0\.1:(\d+)\//);
				if (match) resolve(Number(match[1]));
			};
			child.stdout!.on('data', onData);
			child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
			child.once('exit', (code) => reject(new Error(`mirror exited (${code}):\n${output}`)));
		});
		const mirror = new MirrorProcess(child, port);
		mirror.output = output;
		child.stdout!.on('data', (chunk: Buffer) => (mirror.output += chunk));
		child.stderr!.on('data', (chunk: Buffer) => (mirror.output += chunk));
		return mirror;
	}

	async health(): Promise<Health> {
		const response = await fetch(`http://127.0.0.1:${this.port}/health`);
		return (await response.json()) as Health;
	}

	async page(path: string): Promise<{ status: number; text: string }> {
		const response = await fetch(`http://127.0.0.1:${this.port}/${path}`);
		return { status: response.status, text: await response.text() };
	}

	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
		return this.exited;
	}
}

const readIfThere = (path: string) => readFile(path, 'utf8').catch(() => '');

async function joinOpenCountry(page: Page, link: string, name: string) {
	await page.goto(link);
	await page.getByRole('link', { name: 'Create or import one' }).click();
	await fillNewIdentity(page, name);
	await page.getByRole('button', { name: `Become a citizen as ${name}` }).click();
	await expect(page.getByTestId('country-name')).toBeVisible();
}

/**
 * A citizen writes a post in the app's editor and publishes it. Resolves when the click on
 * Publish is done, with the time just before it and the post's id from its page's address.
 */
async function publishInApp(page: Page, title: string, body: string) {
	await openSection(page, 'Front page');
	await page.getByRole('link', { name: 'Write a post' }).click();
	const form = page.getByRole('form', { name: 'Write a post' });
	await form.getByLabel('Title', { exact: true }).fill(title);
	await form.getByLabel('Tags', { exact: true }).fill('mirror');
	await form.getByLabel('Text (Markdown)').fill(body);
	const clicked = Date.now();
	await form.getByRole('button', { name: 'Publish', exact: true }).click();
	await expect(page.getByTestId('post').getByTestId('post-title')).toHaveText(title);
	const id = new URL(page.url()).pathname.split('/')[4]!;
	expect(id).toMatch(/^[0-9a-f]{64}$/);
	const fingerprint = await page
		.getByTestId('post')
		.getByTestId('author-fingerprint')
		.textContent();
	return { id, clicked, fingerprint: fingerprint!.slice(0, 40) };
}

let workDir: string;
const mirrors: MirrorProcess[] = [];
const peers: NodePeer[] = [];

test.beforeEach(async () => {
	workDir = await mkdtemp(join(tmpdir(), 'webocracy-mirror-e2e-'));
});

// reason: Playwright reads the fixtures a hook needs from its first parameter's pattern; none here.
// eslint-disable-next-line no-empty-pattern
test.afterEach(async ({}, testInfo) => {
	if (testInfo.status !== testInfo.expectedStatus) {
		for (const m of mirrors) console.log(`[mirror on port ${m.port}]\n${m.output}`);
	}
	await Promise.all(mirrors.splice(0).map((m) => m.stop('SIGKILL')));
	await Promise.all(peers.splice(0).map((p) => p.close()));
	await rm(workDir, { recursive: true, force: true });
});

async function startMirror(args: string[]): Promise<MirrorProcess> {
	const mirror = await MirrorProcess.start([
		...args,
		'--data',
		join(workDir, 'data'),
		'--out',
		join(workDir, 'site')
	]);
	mirrors.push(mirror);
	return mirror;
}

test('a published post has its static page on the mirror within 5 s; the browser’s records render too', async ({
	newPerson
}) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Mirrorland', { admission: 'open' });
	const link = await invite(ada);
	const mirror = await startMirror(['--invite', link]);
	const site = join(workDir, 'site');

	// The founding, published by the browser, becomes the site's front page.
	await expect
		.poll(() => readIfThere(join(site, paths.front)), { timeout: 15_000 })
		.toContain('Mirrorland');
	expect((await mirror.page('')).text).toContain('Mirrorland');

	// Ada writes a post in the editor: its page is on the mirror within 5 s of her click.
	const post = await publishInApp(ada, 'Hello from the mirror', 'Written in the **browser**.');
	const page = join(site, paths.post(post.id));
	await expect
		.poll(() => readIfThere(page), { timeout: 5_000 - (Date.now() - post.clicked) })
		.toContain('Hello from the mirror');
	console.log(
		`publish in the browser → static page on the mirror in ${Date.now() - post.clicked} ms`
	);
	const served = await mirror.page(paths.post(post.id));
	expect(served.status).toBe(200);
	expect(served.text).toContain('<strong>browser</strong>');
	expect(served.text).toContain(`keys/${post.fingerprint}.asc`);
	expect((await mirror.page(paths.tag('mirror'))).text).toContain('Hello from the mirror');

	// A record the browser signs (a new name) reaches the site as quickly.
	const renamed = Date.now();
	await rename(ada, 'Ada Lovelace');
	await expect
		.poll(() => readIfThere(join(site, paths.citizens)), { timeout: 5_000 })
		.toContain('Ada Lovelace');
	console.log(`rename in the browser → citizens page on the mirror in ${Date.now() - renamed} ms`);

	const health = await mirror.health();
	expect(health.peers).toBeGreaterThanOrEqual(1);
	// The genesis, Ada, her post and her new name.
	expect(health.records).toMatchObject({ valid: 4, invalid: 0 });
	expect(health.lastRender?.files).toBeGreaterThan(5);
	expect((await mirror.page('no/such/page')).status).toBe(404);
});

test('store and forward: A publishes and leaves; B, later, gets it from the mirror alone', async ({
	newPerson
}) => {
	const ada = await newPerson();
	await createIdentity(ada, 'Ada');
	await foundCountry(ada, 'Relayland', { admission: 'open' });
	const link = await invite(ada);
	await startMirror(['--invite', link]);
	const site = join(workDir, 'site');

	await rename(ada, 'Ada Relay');
	const post = await publishInApp(ada, 'Kept for later', 'Read me when I am gone.');
	await expect
		.poll(() => readIfThere(join(site, paths.post(post.id))), { timeout: 15_000 })
		.toContain('Kept for later');
	await expect.poll(() => readIfThere(join(site, paths.citizens))).toContain('Ada Relay');
	// Ada, who published, leaves: only the mirror holds the country now.
	await ada.context().close();

	const bob = await newPerson();
	await joinOpenCountry(bob, link, 'Bob');
	await expect(bob.getByTestId('citizens')).toContainText('Ada Relay');
	await expect(bob.getByTestId('latest-posts').getByTestId('post-title')).toHaveText([
		'Kept for later'
	]);
	await bob.getByRole('link', { name: /Diagnostics/ }).click();
	// genesis, Ada, Ada's new name, her post, Bob.
	await expect(bob.getByTestId('diagnostics-summary')).toContainText('5 valid · 0 invalid');
	await expect(bob.getByTestId('diagnostic-row').filter({ hasText: 'post' })).toHaveCount(1);
	// And Bob's own record went the other way.
	await expect
		.poll(() => readIfThere(join(site, paths.citizens)), { timeout: 5_000 })
		.toContain('Bob');
});

test('the mirror killed (SIGKILL) in the middle of a sync and restarted loses nothing', async ({
	newPerson
}) => {
	test.setTimeout(150_000);
	const founder = await makeFounder('Seeder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Crashland',
		posts: 1500,
		postBytes: 600
	});
	const site = join(workDir, 'site');
	const args = ['--country', countryId, '--signal', SIGNAL];
	let mirror = await startMirror(args);

	// The seeder joins empty, then publishes in slices of 100 records (each a few 64 KiB
	// transactions): the mirror receives and stores a stream of updates.
	let seeder = new NodePeer(countryId, { signaling: [SIGNAL], secret: null });
	peers.push(seeder);
	await expect.poll(async () => (await mirror.health()).peers, { timeout: 20_000 }).toBe(1);
	const slices = Array.from({ length: Math.ceil(records.length / 100) }, (_, i) =>
		records.slice(i * 100, (i + 1) * 100)
	);
	for (const [i, slice] of slices.slice(0, 5).entries()) {
		seeder.write(slice);
		await expect
			.poll(async () => (await mirror.health()).records.stored, { timeout: 20_000 })
			.toBeGreaterThanOrEqual((i + 1) * 100);
	}
	const stored = (await mirror.health()).records.stored;
	// The sixth slice is on its way when the mirror dies.
	seeder.write(slices[5]!);
	await mirror.stop('SIGKILL');
	await seeder.close();
	peers.splice(0);
	console.log(`killed mid-sync with ${stored} of ${records.length} records stored`);

	// Restarted with no peer online: everything it had stored is there, verified and rendered.
	mirror = await startMirror(args);
	const restarted = await mirror.health();
	expect(restarted.peers).toBe(0);
	expect(restarted.records.held).toBeGreaterThanOrEqual(stored);
	await expect.poll(async () => (await mirror.health()).records.valid).toBe(restarted.records.held);
	expect(restarted.records.invalid).toBe(0);

	// The seeder comes back with everything: the mirror completes.
	seeder = new NodePeer(countryId, { signaling: [SIGNAL], secret: null });
	peers.push(seeder);
	seeder.write(records);
	await expect
		.poll(async () => (await mirror.health()).records.valid, { timeout: 60_000 })
		.toBe(records.length);
	// The site follows once its render of every record is done (fsync per page: slow on a busy disk).
	await expect
		.poll(async () => (await mirror.health()).lastRender?.records, { timeout: 60_000 })
		.toBe(records.length);
	expect(await readdir(join(site, 'posts')).then((f) => f.length)).toBe(1500);

	// Everyone else leaves; killed again, idle, and started with no peer at all.
	await seeder.close();
	peers.splice(0);
	await mirror.stop('SIGKILL');
	mirror = await startMirror(args);
	const alone = await mirror.health();
	expect(alone.peers).toBe(0);
	expect(alone.records).toMatchObject({ held: records.length, valid: records.length });
	// The site is whole: every post page, no temporary file left over.
	const files = await readdir(join(site, 'posts'));
	expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(1500);
	expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
	expect(await readFile(join(site, paths.front), 'utf8')).toMatch(/<\/html>\s*$/);

	// A newcomer who only finds the mirror receives the whole country.
	const newcomer = await newPerson();
	await joinOpenCountry(
		newcomer,
		inviteUrl(BASE, {
			country: countryId,
			name: 'Crashland',
			secret: 'crashland-secret-0123456789',
			signaling: [SIGNAL]
		}),
		'Newcomer'
	);
	await newcomer.getByRole('link', { name: /Diagnostics/ }).click();
	await expect(newcomer.getByTestId('diagnostics-summary')).toContainText(
		`${records.length + 1} valid · 0 invalid`,
		{ timeout: 60_000 }
	);
});

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

const healthAt = (port: number): Promise<Health | null> =>
	fetch(`http://127.0.0.1:${port}/health`).then(
		(r) => r.json() as Promise<Health>,
		() => null
	);

test('a full disk stops the mirror with a clear message; restarted with room, store and site are whole', async () => {
	test.setTimeout(180_000);
	const founder = await makeFounder('Seeder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Fullland',
		posts: 1000,
		postBytes: 600
	});
	const [first, second] = [await freePort(), await freePort()];
	const disk = join(workDir, 'disk');
	const mirrorArgs = (port: number) =>
		[BIN, 'mirror', '--country', countryId, '--signal', SIGNAL]
			.concat(['--data', `${disk}/data`, '--out', `${disk}/site`, '--serve', String(port)])
			.map((a) => `'${a}'`)
			.join(' ');
	// A 1 MiB disk of its own (tmpfs in a private mount namespace), grown after the failure.
	const script = [
		'set -e',
		`mkdir -p '${disk}'`,
		`mount -t tmpfs -o size=1m tmpfs '${disk}'`,
		'set +e',
		`'${process.execPath}' ${mirrorArgs(first)}`,
		'echo "first mirror exit=$?"',
		`mount -o remount,size=64m '${disk}'`,
		`exec '${process.execPath}' ${mirrorArgs(second)}`
	].join('\n');
	const child = spawn('unshare', ['-m', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (d: Buffer) => (output += d));
	child.stderr.on('data', (d: Buffer) => (output += d));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	try {
		await expect.poll(async () => (await healthAt(first))?.peers, { timeout: 20_000 }).toBe(0);
		const seeder = new NodePeer(countryId, { signaling: [SIGNAL], secret: null });
		peers.push(seeder);
		await expect.poll(async () => (await healthAt(first))?.peers, { timeout: 20_000 }).toBe(1);
		// Publish in slices until the disk is full and the mirror stops.
		let written = 0;
		for (let i = 0; i < records.length && !output.includes('first mirror exit='); i += 100) {
			seeder.write(records.slice(i, i + 100));
			written = i + 100;
			await expect
				.poll(
					async () =>
						output.includes('first mirror exit=') ||
						((await healthAt(first))?.records.stored ?? 0) >= Math.min(i + 100, records.length),
					{ timeout: 20_000 }
				)
				.toBe(true);
		}
		await expect.poll(() => output, { timeout: 20_000 }).toContain('first mirror exit=7');
		expect(output).toMatch(/Could not write .*: the disk is full \(ENOSPC\)/);

		// Restarted with room: the store opens whole, and the seeder, still online and
		// publishing the rest, completes it.
		seeder.write(records.slice(written));
		await expect
			.poll(async () => (await healthAt(second))?.records.valid, { timeout: 60_000 })
			.toBe(records.length);
		const health = (await healthAt(second))!;
		expect(health.records).toMatchObject({ held: records.length, invalid: 0 });
		await expect
			.poll(async () => (await healthAt(second))?.lastRender?.records, { timeout: 60_000 })
			.toBe(records.length);
		// Every post page is served whole.
		const posts = records.filter((r) => r.entry.record.includes('"kind":"post"'));
		for (const post of posts) {
			const response = await fetch(`http://127.0.0.1:${second}/${paths.post(post.id)}`);
			expect(response.status).toBe(200);
			expect(await response.text()).toMatch(/<\/html>\s*$/);
		}
	} finally {
		if (child.exitCode === null) child.kill('SIGTERM');
		await exited;
		if (test.info().status !== test.info().expectedStatus)
			console.log(`[mirrors on a small disk]\n${output}`);
	}
});
