/**
 * Build the app when build/ is missing or older than any source it is made from, and the
 * `webocracy` command when its bundle is (end-to-end tests run the mirror).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cliIsStale, newest } from '../bin/build-cli.js';

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** @param {string} root @returns {string} the build directory */
export function buildIfNeeded(root) {
	if (cliIsStale(root)) {
		console.log('Building the webocracy command…');
		const cli = spawnSync(process.execPath, [join(root, 'bin/build-cli.js')], {
			cwd: root,
			stdio: 'inherit'
		});
		if (cli.status !== 0) {
			console.error('The webocracy command did not build; see the messages above.');
			process.exit(cli.status ?? 1);
		}
	}
	const buildDir = join(root, 'build');
	const marker = join(buildDir, 'index.html');
	const builtAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
	const sourcesAt = Math.max(...SOURCES.map((s) => newest(join(root, s))));
	if (builtAt > sourcesAt) return buildDir;
	console.log(builtAt ? 'Sources changed: rebuilding the app…' : 'Building the app (first run)…');
	const result = spawnSync(
		process.execPath,
		[join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
		{
			cwd: root,
			stdio: 'inherit'
		}
	);
	if (result.status !== 0) {
		console.error('The build failed; see the messages above.');
		process.exit(result.status ?? 1);
	}
	return buildDir;
}
