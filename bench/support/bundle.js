/**
 * Builds the bench workloads from bench/browser/ with Vite's build API, so they run our real
 * src/lib modules: once as a page for Chromium (with the verify worker, found by Vite through
 * `new URL(…, import.meta.url)`), once as an SSR module for Node. Output goes below
 * node_modules/.cache, where Node resolves the externalised packages from node_modules.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';

/**
 * @param {string} root the repository
 * @returns {Promise<string>} a directory holding index.html and its assets
 */
export async function buildPage(root) {
	const outDir = join(root, 'node_modules/.cache/webocracy-bench/page');
	await build({
		configFile: false,
		root: join(root, 'bench/browser'),
		base: './',
		logLevel: 'warn',
		worker: { format: 'es' },
		build: {
			outDir,
			emptyOutDir: true,
			target: 'esnext',
			reportCompressedSize: false,
			// A CPU profile (BENCH_SYNC_PROFILE) is read by function names.
			minify: !process.env.BENCH_SYNC_PROFILE,
			rolldownOptions: { input: join(root, 'bench/browser/index.html') }
		}
	});
	return outDir;
}

/**
 * Bundle a TypeScript entry of this repository (and the src modules it imports) for Node,
 * into the bench cache, and import it.
 * @param {string} root the repository
 * @param {string} entry path of the entry, relative to root
 * @param {string} cacheName folder name under node_modules/.cache/webocracy-bench/
 * @returns {Promise<any>} the entry's module // reason: each caller types its own import
 */
export async function importForNode(root, entry, cacheName) {
	const outDir = join(root, 'node_modules/.cache/webocracy-bench', cacheName);
	await rm(outDir, { recursive: true, force: true });
	await build({
		configFile: false,
		root,
		logLevel: 'warn',
		build: {
			ssr: join(root, entry),
			outDir,
			target: 'node20',
			reportCompressedSize: false,
			rolldownOptions: { output: { format: 'es', entryFileNames: '[name].js' } }
		}
	});
	const name = entry.split('/').pop()?.replace(/\.ts$/, '.js') ?? 'index.js';
	return import(pathToFileURL(join(outDir, name)).href);
}

/**
 * @param {string} root the repository
 * @returns {Promise<typeof import('../browser/node.ts')>} the workloads, for Node
 */
export function importNodeWorkloads(root) {
	return importForNode(root, 'bench/browser/node.ts', 'node');
}
