/**
 * `npm run test:e2e`: end-to-end tests in the system Chromium. Fails loudly when
 * something is missing. As root with `unshare` (CI), runs inside a private network
 * namespace with a test address of its own (STACK.md, gotcha 2), so WebRTC has a
 * non-loopback candidate and no test traffic can reach this machine's real network.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build-if-needed.js';
import { canMakeNetns, insideNetns, runNodeInNetns } from './netns.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = process.argv.slice(2);

if (!existsSync(chromium)) {
	console.error(
		`End-to-end tests need Chromium at ${chromium}.\n` +
			'Install it with: sudo apt-get update && sudo apt-get install -y chromium\n' +
			'(or set CHROMIUM_PATH to another Chromium binary).'
	);
	process.exit(1);
}

if (!insideNetns() && canMakeNetns()) {
	buildIfNeeded(root);
	process.exit(runNodeInNetns({ script: fileURLToPath(import.meta.url), args, cwd: root }));
}

if (!insideNetns()) {
	console.warn(
		'Not root or no `unshare`: running end-to-end tests without a private network namespace.'
	);
}
buildIfNeeded(root);
const result = spawnSync(
	process.execPath,
	[join(root, 'node_modules/@playwright/test/cli.js'), 'test', ...args],
	{ cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium } }
);
process.exit(result.status ?? 1);
