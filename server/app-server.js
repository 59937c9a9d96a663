/**
 * The one Node process `npm start` runs: serves the built SPA (static files, index.html
 * fallback) and, when given, mounts extra upgrade handlers such as the signaling server.
 * It holds no data and decides nothing.
 */
import { createServer } from 'node:http';
import sirv from 'sirv';

/**
 * @param {{ buildDir: string, onUpgrade?: Array<{ path: string, handleUpgrade: (req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void }>, routes?: Record<string, (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void> }} options
 */
export function createAppServer({ buildDir, onUpgrade = [], routes = {} }) {
	const serveStatic = sirv(buildDir, {
		single: 'index.html',
		etag: true,
		setHeaders(res, pathname) {
			// Hashed build assets never change; everything else must be revalidated so a new
			// version (and its service worker) is picked up.
			if (pathname.startsWith('/_app/immutable/')) {
				res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
			} else {
				res.setHeader('Cache-Control', 'no-cache');
			}
			res.setHeader('X-Content-Type-Options', 'nosniff');
			res.setHeader('Referrer-Policy', 'no-referrer');
		}
	});

	const server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0] ?? '/';
		const route = routes[path];
		if (route) return route(req, res);
		serveStatic(req, res);
	});

	server.on('upgrade', (req, socket, head) => {
		const path = (req.url ?? '/').split('?')[0];
		const target = onUpgrade.find((u) => u.path === path);
		if (!target) {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
			return;
		}
		target.handleUpgrade(req, socket, head);
	});

	return server;
}
