/**
 * `--serve`: the rendered site as static files, and `/health` as JSON for monitoring. Files
 * are looked up per request (sirv's dev mode), since the mirror rewrites them as it runs;
 * the writer replaces files atomically, so a request never sees half a page.
 *
 * Exposed to the internet as it may be, the server bounds what one client can hold: a cap on
 * open connections (past it, new ones are closed on arrival) and timeouts for slow headers
 * (slowloris), slow requests, idle keep-alive connections and silent sockets.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sirv from 'sirv';
import { CONTENT_SECURITY_POLICY } from '../src/lib/site';

/**
 * Sent with every response, /health and errors included: the pages' meta CSP does not cover
 * the feed, the sitemap or a 404, and `frame-ancestors` works only as a header.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer'
};

export type ServeLimits = {
	/** Connections open at once; past it a new one is closed as it arrives. */
	maxConnections: number;
	/** ms from a request's first byte to the end of its headers, else 408 and closed. */
	headersTimeoutMs: number;
	/** ms to receive a whole request (at least `headersTimeoutMs`). */
	requestTimeoutMs: number;
	/** ms an idle keep-alive connection is kept after an answer (Node adds 1 s of grace). */
	keepAliveTimeoutMs: number;
	/** ms without a byte either way, request or answer, after which the socket is closed. */
	idleTimeoutMs: number;
	/** ms between Node's checks of the two request timeouts: how late they can cut. */
	checkIntervalMs: number;
};

/**
 * Node's defaults leave a header 60 s, a request 5 min and a silent socket forever, checked
 * every 30 s, with no cap on connections. 512: about 85 visitors at once (a browser opens
 * about 6 connections), while the writer, the store and WebRTC keep descriptors of their own.
 */
export const SERVE_LIMITS: Readonly<ServeLimits> = {
	maxConnections: 512,
	headersTimeoutMs: 10_000,
	requestTimeoutMs: 20_000,
	keepAliveTimeoutMs: 5_000,
	idleTimeoutMs: 30_000,
	checkIntervalMs: 1_000
};

export function createSiteServer(options: {
	outDir: string;
	health: () => unknown;
	limits?: Partial<ServeLimits>;
}): Server {
	const limits = { ...SERVE_LIMITS, ...options.limits };
	const serveStatic = sirv(options.outDir, {
		dev: true,
		etag: true,
		extensions: ['html'],
		setHeaders(res) {
			res.setHeader('Cache-Control', 'no-cache');
		}
	});
	const notFound = (res: ServerResponse) =>
		readFile(join(options.outDir, '404.html')).then(
			(page) => {
				res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
				res.end(page);
			},
			() => {
				res.writeHead(404, { 'Content-Type': 'text/plain' });
				res.end('Not found\n');
			}
		);
	const server = createServer(
		{
			headersTimeout: limits.headersTimeoutMs,
			// Node refuses a request timeout shorter than the headers'.
			requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
			keepAliveTimeout: limits.keepAliveTimeoutMs,
			connectionsCheckingInterval: limits.checkIntervalMs
		},
		(req, res) => {
			for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
			// A read-only site: sirv would answer any method with the file.
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
				res.end('Method not allowed\n');
				return;
			}
			const path = (req.url ?? '/').split('?')[0];
			if (path === '/health') {
				res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
				res.end(JSON.stringify(options.health()));
				return;
			}
			// sirv passes a Range header unchecked to createReadStream: `bytes=5-2` throws out of
			// this handler and would stop the whole mirror. Pages are small; whole files only.
			delete req.headers.range;
			try {
				serveStatic(req, res, () => void notFound(res));
			} catch {
				// Whatever a request makes the file server throw, the mirror keeps running.
				if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
				res.end();
			}
		}
	);
	server.maxConnections = limits.maxConnections;
	// With no 'timeout' listener, Node destroys a socket silent for this long.
	server.setTimeout(limits.idleTimeoutMs);
	return server;
}
