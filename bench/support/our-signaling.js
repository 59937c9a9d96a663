/**
 * Our signaling server alone in a process, as `npm run signal` mounts it (websockets on
 * every path), for signaling.bench.js, on a free port of 127.0.0.1 that the preload reports.
 */
import http from 'node:http';
import { createSignalingServer } from '../../signaling-server/server.js';

const signaling = createSignalingServer();
const server = http.createServer((req, res) => {
	if (req.url === '/health') {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(signaling.health()));
	} else res.writeHead(404).end();
});
signaling.attach(server);
server.listen(0, '127.0.0.1');
