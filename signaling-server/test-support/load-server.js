/**
 * Child process for the load test: runs the standalone server so its memory and its view of
 * the connections are measured apart from the test's 2,000 clients. Run with --expose-gc;
 * talks over IPC: sends { url } once listening; answers 'measure' with { heapUsed, rss,
 * external, arrayBuffers, health } (after a full GC) and 'health' with { health } alone
 * (cheap enough to poll).
 */
import { startStandalone } from '../standalone.js';

const maxConnections = Number(process.env.LOAD_MAX_CONNECTIONS || 2100);
const server = await startStandalone({ host: '127.0.0.1', port: 0, signaling: { maxConnections } });

/** @returns {NodeJS.MemoryUsage} */
function settledMemory() {
	const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
	// Two passes: the first may only schedule finalizers of sockets closed just now.
	gc?.();
	gc?.();
	return process.memoryUsage();
}

process.on('message', (message) => {
	if (message === 'measure') {
		const { heapUsed, rss, external, arrayBuffers } = settledMemory();
		process.send?.({ heapUsed, rss, external, arrayBuffers, health: server.signaling.health() });
	} else if (message === 'health') {
		process.send?.({ health: server.signaling.health() });
	} else if (message === 'stop') {
		server.close().then(() => process.exit(0));
	}
});
process.send?.({ url: server.url });
