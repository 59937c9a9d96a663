/**
 * What the first page of the built app costs: the JavaScript a browser must fetch before
 * the landing page runs. That is the two entry scripts index.html imports, the root
 * layout and the landing route (`/`), and every module they import statically, followed
 * to the end. Lazy imports (`import(...)`: openpgp, other routes) are not part of it.
 * Read from build/ alone, so a test and a bench can share it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The budget for the first page's JavaScript, gzipped, checked by tests/e2e/budget.test.ts
 * and reported by bench/pwa.bench.js. Measured 117 KiB (2026-11-23, yjs and y-webrtc in the
 * root layout's graph), 133.6 KiB at 135 (2026-12-03), then 101.8 KiB once the WebRTC code
 * (y-webrtc, simple-peer) loaded on connecting; this leaves about 18% for growth. Lower it
 * as the app gets lighter.
 */
export const FIRST_PAGE_BUDGET_GZIP = 120 * 1024;

/** `import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"`: static edges only. */
const STATIC_IMPORT =
	/\b(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g;

/**
 * @typedef {object} ScriptSize
 * @property {string} file Relative to the build directory, with forward slashes.
 * @property {number} bytes
 * @property {number} gzip Gzipped with zlib's default level.
 */

/**
 * @typedef {object} FirstPage
 * @property {string[]} entries The scripts index.html imports, and the layout and landing nodes.
 * @property {ScriptSize[]} scripts Everything they import statically, entries included.
 * @property {number} bytes
 * @property {number} gzip
 */

/** @param {string} file */
const posixPath = (file) => file.split('\\').join('/');

/**
 * The files statically imported by one module (paths relative to the build directory).
 * @param {string} buildDir
 * @param {string} file
 * @returns {string[]}
 */
export function staticImports(buildDir, file) {
	const text = readFileSync(join(buildDir, file), 'utf8');
	const found = new Set();
	for (const match of text.matchAll(STATIC_IMPORT)) {
		const target = posix.normalize(posix.join(posix.dirname(file), match[1] ?? ''));
		if (existsSync(join(buildDir, target))) found.add(target);
	}
	return [...found];
}

/**
 * @param {string} buildDir
 * @param {string} from the page that starts the app (the SPA fallback page)
 * @returns {string[]} the entry scripts and the layout and landing-route nodes
 */
export function firstPageEntries(buildDir, from = 'index.html') {
	const html = readFileSync(join(buildDir, from), 'utf8');
	const entries = [...html.matchAll(/import\(\s*["'](\/_app\/immutable\/entry\/[^"']+\.js)["']/g)]
		.map((m) => (m[1] ?? '').slice(1))
		.filter(Boolean);
	const app = entries.find((e) => /\/entry\/app\.[^/]+\.js$/.test(e));
	if (!app || entries.length < 2) {
		throw new Error(`${from}: expected SvelteKit's start and app entry imports`);
	}
	// SvelteKit's route dictionary in the app entry: `"/":[2]` — the landing page's nodes.
	const appText = readFileSync(join(buildDir, app), 'utf8');
	const route = /["'`]\/["'`]\s*:\s*\[([-\d,\s]*)\]/.exec(appText);
	if (!route) throw new Error(`${app}: no route dictionary entry for "/"`);
	// Negative numbers mark layouts with a server load; the root layout (0) always loads.
	const nodes = new Set([0, ...(route[1] ?? '').split(',').map((n) => Math.abs(Number(n)))]);
	const nodeDir = '_app/immutable/nodes';
	const nodeFiles = readdirSync(join(buildDir, nodeDir));
	for (const node of nodes) {
		const file = nodeFiles.find((f) => f.startsWith(`${node}.`) && f.endsWith('.js'));
		if (!file) throw new Error(`no built file for node ${node} in ${nodeDir}`);
		entries.push(`${nodeDir}/${file}`);
	}
	return entries;
}

/**
 * @param {string} buildDir
 * @returns {FirstPage}
 */
export function firstPage(buildDir) {
	const entries = firstPageEntries(buildDir);
	const seen = new Set(entries);
	const queue = [...entries];
	for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
		for (const next of staticImports(buildDir, file)) {
			if (seen.has(next)) continue;
			seen.add(next);
			queue.push(next);
		}
	}
	const scripts = [...seen].sort().map((file) => {
		const content = readFileSync(join(buildDir, file));
		return { file, bytes: content.length, gzip: gzipSync(content).length };
	});
	return {
		entries,
		scripts,
		bytes: scripts.reduce((sum, s) => sum + s.bytes, 0),
		gzip: scripts.reduce((sum, s) => sum + s.gzip, 0)
	};
}

/**
 * Every built script whose text contains `needle` (for example openpgp's 'OpenPGP.js' banner).
 * @param {string} buildDir
 * @param {string} needle
 * @returns {string[]}
 */
export function scriptsContaining(buildDir, needle) {
	/** @type {string[]} */
	const found = [];
	/** @param {string} dir */
	const walk = (dir) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.name.endsWith('.js') && readFileSync(path, 'utf8').includes(needle)) {
				found.push(posixPath(relative(buildDir, path)));
			}
		}
	};
	walk(join(buildDir, '_app'));
	return found.sort();
}
