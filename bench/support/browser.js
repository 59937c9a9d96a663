/**
 * Chromium for the browser benches: the bench page served from 127.0.0.1 (port 0) with our
 * signaling server on the same HTTP server at /signal, and the system Chromium launched
 * with the flags playwright.config.ts gives the end-to-end tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from '@playwright/test';
import { createSignalingServer } from '../../signaling-server/server.js';

/** @typedef {import('@playwright/test').Browser} Browser */
/** @typedef {import('@playwright/test').Page} Page */

/**
 * @typedef {object} BenchBrowser
 * @property {Browser} browser
 * @property {string} version Chromium's version.
 * @property {string} pageUrl The bench page.
 * @property {string} signalingUrl Our signaling server, for y-webrtc.
 * @property {import('../../signaling-server/server.js').SignalingServer} signaling
 * @property {() => Promise<Page>} newPage A page in a context of its own, with the bench loaded.
 * @property {() => Promise<void>} close
 */

/** Used only if playwright.config.ts cannot be read. */
const FALLBACK_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-features=WebRtcHideLocalIpsWithMdns'
];

/**
 * The `args` of playwright.config.ts, read from its text so the two cannot drift apart.
 * @param {string} root
 * @returns {string[]}
 */
export function chromiumFlags(root) {
	try {
		const text = readFileSync(join(root, 'playwright.config.ts'), 'utf8');
		const list = /\bargs:\s*\[([\s\S]*?)\]/.exec(text)?.[1] ?? '';
		const flags = [...list.matchAll(/^\s*'(--[^']+)'/gm)].map((m) => m[1] ?? '');
		if (flags.length > 0) return flags;
	} catch {
		// Fall through.
	}
	console.warn('bench: could not read the Chromium flags of playwright.config.ts; using defaults');
	return FALLBACK_FLAGS;
}

/** @type {Record<string, string>} */
const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.wasm': 'application/wasm'
};

/**
 * @param {{ root: string, pageDir: string, log: (line: string) => void }} options
 * @returns {Promise<BenchBrowser>}
 */
export async function startBrowser({ root, pageDir, log }) {
	const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (!existsSync(executablePath)) {
		throw new Error(
			`Chromium is not at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`
		);
	}
	const server = http.createServer((req, res) => {
		const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
		const file = normalize(join(pageDir, path === '/' ? 'index.html' : path));
		if (!file.startsWith(pageDir + sep)) {
			res.writeHead(403).end();
			return;
		}
		readFile(file).then(
			(body) => {
				res.writeHead(200, {
					'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
					'Cache-Control': 'no-store',
					// Cross-origin isolated: performance.now() then ticks in 5 µs, not 100 µs, which
					// matters for latencies of a few milliseconds (sync, search).
					'Cross-Origin-Opener-Policy': 'same-origin',
					'Cross-Origin-Embedder-Policy': 'require-corp'
				});
				res.end(body);
			},
			() => res.writeHead(404).end()
		);
	});
	const signaling = createSignalingServer();
	signaling.attach(server, { path: '/signal' });
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	const pageUrl = `http://127.0.0.1:${port}/`;
	const signalingUrl = `ws://127.0.0.1:${port}/signal`;

	const browser = await chromium.launch({ executablePath, args: chromiumFlags(root) });
	const version = browser.version();
	log(`Chromium ${version}; bench page at ${pageUrl}`);

	/** @type {import('@playwright/test').BrowserContext[]} */
	const contexts = [];
	return {
		browser,
		version,
		pageUrl,
		signalingUrl,
		signaling,
		async newPage() {
			const context = await browser.newContext();
			contexts.push(context);
			const page = await context.newPage();
			page.on('pageerror', (error) => log(`[page error] ${error.message}`));
			page.on('console', (message) => {
				if (message.type() === 'error') log(`[page console] ${message.text()}`);
			});
			await page.goto(pageUrl);
			await page.waitForFunction(() => 'bench' in window, null, { timeout: 10_000 });
			return page;
		},
		async close() {
			await Promise.all(contexts.map((c) => c.close().catch(() => {})));
			await browser.close().catch(() => {});
			await signaling.close();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		}
	};
}
