/** `npm start`: build when needed, then serve the app and signaling from one process. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServer } from '../server/app-server.js';
import { createSignalingServer } from '../signaling-server/server.js';
import { buildIfNeeded } from './build-if-needed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);

// SIGNALING=off serves the app alone, like any static host would.
const withSignaling = process.env.SIGNALING !== 'off';

const buildDir = buildIfNeeded(root);
const signaling = withSignaling ? createSignalingServer() : null;
const server = createAppServer({
	buildDir,
	onUpgrade: signaling ? [{ path: '/signal', handleUpgrade: signaling.handleUpgrade }] : [],
	routes: {
		'/health': (_req, res) => {
			res.setHeader('Content-Type', 'application/json');
			res.setHeader('Cache-Control', 'no-store');
			res.end(JSON.stringify({ ok: true, signaling: signaling?.health() ?? null }));
		}
	}
});

server.on('error', (error) => {
	console.error(`Cannot listen on ${host}:${port}: ${error.message}`);
	process.exit(1);
});
server.listen(port, host, () => {
	const extra = signaling ? ' (signaling at /signal)' : ' (no signaling: SIGNALING=off)';
	console.log(`Webocracy is running at http://${host}:${port}/${extra}`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (stopping) process.exit(1);
		stopping = true;
		void (signaling?.close() ?? Promise.resolve()).finally(() =>
			server.close(() => process.exit(0))
		);
	});
}
