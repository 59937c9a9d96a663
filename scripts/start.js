/** `npm start`: build when needed, then serve the app and signaling from one process. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServer } from '../server/app-server.js';
import { createSignalingServer } from '../signaling-server/server.js';
import { buildIfNeeded } from './build-if-needed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);

const buildDir = buildIfNeeded(root);
const signaling = createSignalingServer();
const server = createAppServer({
	buildDir,
	onUpgrade: [{ path: '/signal', handleUpgrade: signaling.handleUpgrade }],
	routes: {
		'/health': (_req, res) => {
			res.setHeader('Content-Type', 'application/json');
			res.setHeader('Cache-Control', 'no-store');
			res.end(JSON.stringify({ ok: true, signaling: signaling.health() }));
		}
	}
});

server.on('error', (error) => {
	console.error(`Cannot listen on ${host}:${port}: ${error.message}`);
	process.exit(1);
});
server.listen(port, host, () => {
	console.log(`Webocracy is running at http://${host}:${port}/ (signaling at /signal)`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (stopping) process.exit(1);
		stopping = true;
		void signaling.close().finally(() => server.close(() => process.exit(0)));
	});
}
