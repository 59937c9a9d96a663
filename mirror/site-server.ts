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
import { SERVE_LIMITS, type ServeLimits } from './serve-limits';

/**
 * Sent with every response, /health and errors included: the pages' meta CSP does not cover
 * the feed, the sitemap or a 404, and `frame-ancestors` works only as a header.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer'
};

export { SERVE_LIMITS, type ServeLimits } from './serve-limits';

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
