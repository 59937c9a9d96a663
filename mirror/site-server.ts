/**
 * `--serve`: the rendered site as static files, and `/health` as JSON for monitoring. Files
 * are looked up per request (sirv's dev mode), since the mirror rewrites them as it runs;
 * the writer replaces files atomically, so a request never sees half a page.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sirv from 'sirv';

export function createSiteServer(options: { outDir: string; health: () => unknown }): Server {
	const serveStatic = sirv(options.outDir, {
		dev: true,
		etag: true,
		extensions: ['html'],
		setHeaders(res) {
			res.setHeader('Cache-Control', 'no-cache');
			res.setHeader('X-Content-Type-Options', 'nosniff');
			res.setHeader('Referrer-Policy', 'no-referrer');
		}
	});
	return createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (path === '/health') {
			res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
			res.end(JSON.stringify(options.health()));
			return;
		}
		serveStatic(req, res, () => {
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
		});
	});
}
