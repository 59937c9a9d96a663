/**
 * Our signaling server alone in a process, as `npm run signal` mounts it (websockets on
 * every path), for signaling.bench.js. PORT=0 picks a free port; the preload reports it.
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
server.listen(Number(process.env.PORT ?? 0));
