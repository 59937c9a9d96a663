/**
 * Other builds of the app, for update tests: the repository's sources built again under
 * another version name, in a scratch copy, so the build/ that the test server serves is
 * never touched. And a way to serve any build on a port chosen by the test.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServer } from '../../../server/app-server.js';

const root = join(import.meta.dirname, '../../..');
/** Everything `vite build` reads; node_modules is linked, not copied. */
const SOURCES = [
	'src',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'package.json',
	'tsconfig.json'
];

/** Build the current sources as version `name` (SvelteKit's kit.version.name). */
export async function buildVariant(
	name: string
): Promise<{ dir: string; remove(): Promise<void> }> {
	const scratch = await mkdtemp(join(tmpdir(), 'webocracy-build-'));
	for (const source of SOURCES)
		await cp(join(root, source), join(scratch, source), { recursive: true });
	await symlink(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
	await mkdir(join(scratch, '.svelte-kit'), { recursive: true });
	await new Promise<void>((resolve, reject) => {
		let output = '';
		const child = spawn(
			process.execPath,
			[join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
			{ cwd: scratch, env: { ...process.env, WEBOCRACY_BUILD: name } }
		);
		child.stdout.on('data', (data: Buffer) => (output += data.toString()));
		child.stderr.on('data', (data: Buffer) => (output += data.toString()));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0 ? resolve() : reject(new Error(`build ${name} failed (${code}):\n${output}`))
		);
	});
	return {
		dir: join(scratch, 'build'),
		remove: () => rm(scratch, { recursive: true, force: true })
	};
}

export type Served = { origin: string; port: number; close(): Promise<void> };

/** Serve a build with the app's own server (no signaling) on 127.0.0.1; port 0: any free one. */
export async function serveBuild(buildDir: string, port = 0): Promise<Served> {
	const server: Server = createAppServer({ buildDir });
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const bound = (server.address() as AddressInfo).port;
	return {
		origin: `http://127.0.0.1:${bound}`,
		port: bound,
		close: () =>
			new Promise<void>((resolve) => {
				// The browser keeps connections alive; end them so the port is free at once.
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
