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
			rolldownOptions: { input: join(root, 'bench/browser/index.html') }
		}
	});
	return outDir;
}

/**
 * @param {string} root the repository
 * @returns {Promise<typeof import('../browser/node.ts')>} the workloads, for Node
 */
export async function importNodeWorkloads(root) {
	const outDir = join(root, 'node_modules/.cache/webocracy-bench/node');
	await rm(outDir, { recursive: true, force: true });
	await build({
		configFile: false,
		root,
		logLevel: 'warn',
		build: {
			ssr: join(root, 'bench/browser/node.ts'),
			outDir,
			target: 'node20',
			reportCompressedSize: false,
			rolldownOptions: { output: { format: 'es', entryFileNames: '[name].js' } }
		}
	});
	return import(pathToFileURL(join(outDir, 'node.js')).href);
}
