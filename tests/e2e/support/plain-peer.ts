/**
 * A plain y-webrtc peer in a browser page of its own: plain-peer-page.ts bundled with Vite's
 * build API (once per test worker, in memory) and served from a small server of the test's
 * own, so the app's build and server stay untouched. Other test pages (glare-page.ts) are
 * served the same way.
 */
import type { Page } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { PlainPeerGlobals } from './plain-peer-page';
import { readWireCounts, type WireCounts } from './wire-tap';

const root = join(import.meta.dirname, '../../..');

async function bundle(entry: string): Promise<string> {
	const { build } = await import('vite');
	const result = await build({
		configFile: false,
		root,
		logLevel: 'warn',
		build: {
			write: false,
			target: 'esnext',
			minify: false,
			reportCompressedSize: false,
			rolldownOptions: {
				input: join(root, 'tests/e2e/support', entry),
				output: { format: 'es' }
			}
		}
	});
	const outputs = (Array.isArray(result) ? result : [result]) as {
		output: { type: string; isEntry?: boolean; code?: string }[];
	}[];
	const chunk = outputs.flatMap((o) => o.output).find((c) => c.type === 'chunk' && c.isEntry);
	if (!chunk?.code) throw new Error(`${entry}: the bundle has no entry chunk`);
	return chunk.code;
}

const HTML =
	'<!doctype html><meta charset="utf-8"><title>Webocracy test page</title>' +
	'<link rel="icon" href="data:,">' +
	'<script type="module" src="/page.js"></script>';

/** Origins serving each bundled page (by its file in tests/e2e/support). */
const serving = new Map<string, Promise<string>>();

/** The origin of a small server whose `/` runs `entry` (a file in tests/e2e/support). */
export function testPageOrigin(entry: string): Promise<string> {
	let origin = serving.get(entry);
	if (!origin) serving.set(entry, (origin = serve(entry)));
	return origin;
}

/**
 * Serve the page from a real server on loopback, not from a Playwright route: Chromium's
 * local network access checks block a routed page's connections to 127.0.0.1 (signaling).
 * One per test worker, unreferenced so that it never keeps the worker alive.
 */
async function serve(entry: string): Promise<string> {
	const code = await bundle(entry);
	const server = createServer((request, response) => {
		const path = new URL(request.url ?? '/', 'http://x').pathname;
		const [type, body] =
			path === '/' ? ['text/html', HTML] : path === '/page.js' ? ['text/javascript', code] : [];
		response.writeHead(body === undefined ? 404 : 200, { 'content-type': type ?? 'text/plain' });
		response.end(body ?? '');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	server.unref();
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export type PlainPeer = {
	page: Page;
	/**
	 * What the page logged as errors, and its uncaught errors: y-webrtc logs each message it
	 * cannot read ('Unable to compute message').
	 */
	errors: string[];
	/** The keys of its shared map, sorted. */
	ids(): Promise<string[]>;
	/** The value under a key as JSON would carry it; a nested Yjs type reads as its JSON too. */
	entry(id: string): Promise<unknown>;
	/** Peers whose data channel is open. */
	connected(): Promise<number>;
	wire(): Promise<WireCounts>;
	/** Run a function in the page with the peer's Yjs document (to write as any peer may). */
	evaluate<A, R>(fn: (peer: PlainPeerGlobals, arg: A) => R, arg: A): Promise<R>;
};

/** Open a plain y-webrtc peer in `page` (a context of its own), in one room. */
export async function openPlainPeer(
	page: Page,
	options: { room: string; signaling: string; map: string }
): Promise<PlainPeer> {
	const origin = await testPageOrigin('plain-peer-page.ts');
	const query = new URLSearchParams({
		room: options.room,
		signaling: options.signaling,
		map: options.map
	});
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
	await page.goto(`${origin}/?${query}`);
	await page.waitForFunction(() => 'plainPeer' in globalThis);
	const handle = await page.evaluateHandle(
		() => (globalThis as unknown as { plainPeer: PlainPeerGlobals }).plainPeer
	);
	const evaluate = <A, R>(fn: (peer: PlainPeerGlobals, arg: A) => R, arg: A): Promise<R> =>
		// reason: the arguments here are plain data, which Playwright hands over as they are.
		handle.evaluate(fn as (peer: PlainPeerGlobals, arg: unknown) => R, arg);
	return {
		page,
		errors,
		ids: () => evaluate((peer) => [...peer.records.keys()].sort(), null),
		entry: (id) =>
			evaluate((peer, key) => {
				const value = peer.records.get(key);
				return value instanceof peer.Y.AbstractType ? value.toJSON() : value;
			}, id),
		connected: () =>
			evaluate(
				(peer) =>
					[...(peer.provider.room?.webrtcConns.values() ?? [])].filter((c) => c.connected).length,
				null
			),
		wire: () => page.evaluate(readWireCounts),
		evaluate
	};
}
