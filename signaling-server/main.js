#!/usr/bin/env node
/**
 * Standalone signaling server: `npm run signal`.
 * Environment: HOST (default 127.0.0.1), PORT (default 4444).
 */
import { startStandalone } from './standalone.js';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 4444);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
	console.error(`signaling: invalid PORT ${JSON.stringify(process.env.PORT)}`);
	process.exit(2);
}

const server = await startStandalone({ host, port }).catch((error) => {
	console.error(`signaling: cannot listen on ${host}:${port}: ${error.message}`);
	process.exit(1);
});
const health = server.url.replace(/^ws:/, 'http:') + 'health';
console.log(`signaling server listening on ${server.url} (health: ${health})`);

let stopping = false;
/** @param {NodeJS.Signals} signal */
const stop = (signal) => {
	// A second signal means the operator does not want to wait.
	if (stopping) process.exit(1);
	stopping = true;
	console.log(`signaling server: ${signal}, closing`);
	server.close().then(
		() => process.exit(0),
		() => process.exit(1)
	);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
