/**
 * The signaling server on its own HTTP server: websockets on every path (as y-webrtc's
 * server), `GET /health` as JSON. main.js runs it; tests start it in-process.
 */
import http from 'node:http';
import { createSignalingServer } from './server.js';

/**
 * @typedef {object} StandaloneOptions
 * @property {string} [host] Default 127.0.0.1: exposing it is a deliberate choice.
 * @property {number} [port] Default 4444, as y-webrtc's server; 0 picks a free port.
 * @property {import('./server.js').SignalingServerOptions} [signaling]
 */

/**
 * @typedef {object} Standalone
 * @property {string} url ws://host:port/ with the port actually bound.
 * @property {import('node:http').Server} httpServer
 * @property {import('./server.js').SignalingServer} signaling
 * @property {() => Promise<void>} close Closes websockets, then the HTTP server.
 */

/**
 * @param {StandaloneOptions} [options]
 * @returns {Promise<Standalone>}
 */
export async function startStandalone(options = {}) {
	const host = options.host ?? '127.0.0.1';
	const port = options.port ?? 4444;
	const signaling = createSignalingServer(options.signaling);

	const httpServer = http.createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (req.method === 'GET' && path === '/health') {
			const body = JSON.stringify(signaling.health());
			res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
			res.end(body);
		} else if (req.method === 'GET' && path === '/') {
			res.writeHead(200, { 'Content-Type': 'text/plain' });
			res.end('webocracy signaling server: connect with a websocket\n');
		} else {
			res.writeHead(404, { 'Content-Type': 'text/plain' });
			res.end('not found\n');
		}
	});
	signaling.attach(httpServer);

	await new Promise((resolve, reject) => {
		httpServer.once('error', reject);
		httpServer.listen(port, host, () => {
			httpServer.off('error', reject);
			resolve(undefined);
		});
	});
	const address = /** @type {import('node:net').AddressInfo} */ (httpServer.address());
	const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;

	return {
		url: `ws://${hostPart}:${address.port}/`,
		httpServer,
		signaling,
		async close() {
			await signaling.close();
			await new Promise((resolve) => {
				httpServer.close(() => resolve(undefined));
				// Keep-alive HTTP sockets (health checks) would otherwise hold close() open.
				httpServer.closeAllConnections();
			});
		}
	};
}
