/**
 * Bundles the `webocracy` command (mirror/cli/main.ts and the src/lib modules it shares with
 * the app) into one ES module for Node with Vite's build API: Node 20 cannot run TypeScript.
 * Packages stay external and are resolved from node_modules at run time, so the output sits
 * below node_modules/.cache, which `npm ci` clears (the next run builds again).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** @param {string} root @returns {string} the bundled entry */
export const cliEntry = (root) => join(root, 'node_modules/.cache/webocracy-cli/main.js');

/** What the bundle is made from. */
const SOURCES = ['mirror', 'src/lib', 'bin', 'package.json'];

/** @param {string} path @returns {number} newest mtime below path */
export function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let max = stat.mtimeMs;
	for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
	return max;
}

/** @param {string} root @returns {boolean} whether the bundle is missing or older than a source */
export function cliIsStale(root) {
	const entry = cliEntry(root);
	if (!existsSync(entry)) return true;
	const builtAt = statSync(entry).mtimeMs;
	return SOURCES.some((source) => newest(join(root, source)) > builtAt);
}

/** @param {string} root the repository */
export async function buildCli(root) {
	const { build } = await import('vite');
	await build({
		configFile: false,
		root,
		// The repository's tsconfig.json extends one that `svelte-kit sync` makes, which a fresh
		// checkout lacks: the CLI is transpiled with a small one of its own.
		tsconfig: join(here, 'tsconfig.cli.json'),
		logLevel: 'warn',
		build: {
			ssr: join(root, 'mirror/cli/main.ts'),
			outDir: dirname(cliEntry(root)),
			emptyOutDir: true,
			target: 'node20',
			reportCompressedSize: false,
			rolldownOptions: { output: { format: 'es', entryFileNames: '[name].js' } }
		}
	});
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	await buildCli(join(here, '..'));
}
