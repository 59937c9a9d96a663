/**
 * Signaling: hold N idle websockets (each subscribed to one room, as a y-webrtc peer is) on
 * our server and on y-webrtc's bundled bin/server.js, each alone in a child process, and
 * report the server's own memory per connection (its process.memoryUsage() after GC, before
 * and after the connections open).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { withTimeout } from './support/harness.js';

/** @typedef {import('./support/harness.js').MetricInput} MetricInput */
/** @typedef {{ rss: number, heapUsed: number, external: number, arrayBuffers: number }} Memory */
/** @typedef {{ held: number, openMs: number, before: Memory, after: Memory, health: unknown }} Held */

const CONNECTIONS = 2000;
const BATCH = 100;
const ROOMS = 100;
const here = dirname(fileURLToPath(import.meta.url));
const preload = join(here, 'support/signaling-preload.js');
const require = createRequire(import.meta.url);
// bin/ is not in y-webrtc's exports map; it sits beside the CommonJS build.
const referenceServer = join(dirname(require.resolve('y-webrtc')), '..', 'bin', 'server.js');

/**
 * Open a websocket, subscribe, and wait for the answer to a ping: the server has it all.
 * @param {string} url
 * @param {string} room
 * @returns {Promise<WebSocket>}
 */
function idleClient(url, room) {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { perMessageDeflate: false });
		ws.once('error', reject);
		ws.once('open', () => {
			ws.send(JSON.stringify({ type: 'subscribe', topics: [room] }));
			ws.send(JSON.stringify({ type: 'ping' }));
		});
		ws.on('message', (data) => {
			if (String(data).includes('"pong"')) resolve(ws);
		});
	});
}

/**
 * A server in a child process of its own, with the preload that reports its port and memory.
 * @param {string} script
 */
async function startServer(script) {
	const child = fork(script, [], {
		execArgv: ['--expose-gc', '--import', preload],
		stdio: ['ignore', 'ignore', 'inherit', 'ipc']
	});
	/** @type {Array<(message: any) => void>} */
	const waiting = [];
	child.on('message', (message) => waiting.shift()?.(message));
	const next = () =>
		withTimeout(new Promise((resolve) => waiting.push(resolve)), 20_000, `server ${script}`);
	try {
		const { port } = /** @type {{ port: number }} */ (await next());
		return {
			port,
			url: `ws://127.0.0.1:${port}/`,
			/** @returns {Promise<Memory>} */
			async measure() {
				const reply = next();
				child.send('measure');
				return (await reply).memory;
			},
			stop: () => child.kill()
		};
	} catch (error) {
		child.kill();
		throw error;
	}
}

/**
 * Open `count` idle connections to each server, a batch to one then a batch to the next,
 * so both see the same machine; measure each server before and after.
 * @param {string[]} scripts
 * @param {number} count
 * @returns {Promise<Held[]>}
 */
async function holdSideBySide(scripts, count) {
	/** @type {Awaited<ReturnType<typeof startServer>>[]} */
	const servers = [];
	/** @type {WebSocket[][]} */
	const clients = scripts.map(() => []);
	try {
		for (const script of scripts) servers.push(await startServer(script));
		const before = [];
		for (const server of servers) before.push(await server.measure());
		const openMs = servers.map(() => 0);
		for (let i = 0; i < count; i += BATCH) {
			const size = Math.min(BATCH, count - i);
			for (const [k, server] of servers.entries()) {
				const t0 = performance.now();
				const batch = await withTimeout(
					Promise.all(
						Array.from({ length: size }, (_, j) =>
							idleClient(server.url, `room-${(i + j) % ROOMS}`)
						)
					),
					20_000,
					'opening connections'
				);
				openMs[k] = (openMs[k] ?? 0) + performance.now() - t0;
				clients[k]?.push(...batch);
			}
		}
		// Let anything the opening left behind settle before measuring.
		await new Promise((resolve) => setTimeout(resolve, 500));
		/** @type {Held[]} */
		const held = [];
		for (const [k, server] of servers.entries()) {
			const after = await server.measure();
			let health = null;
			if (scripts[k] !== referenceServer) {
				health = await fetch(`http://127.0.0.1:${server.port}/health`).then((r) => r.json());
			}
			held.push({
				held: (clients[k] ?? []).filter((ws) => ws.readyState === WebSocket.OPEN).length,
				openMs: openMs[k] ?? 0,
				before: /** @type {Memory} */ (before[k]),
				after,
				health
			});
		}
		return held;
	} finally {
		for (const list of clients) for (const ws of list) ws.terminate();
		for (const server of servers) server.stop();
	}
}

/** @param {Held} h @param {'rss' | 'heapUsed'} field bytes per connection */
const perConnection = (h, field) => (h.after[field] - h.before[field]) / Math.max(1, h.held);

/** @type {import('./support/harness.js').Bench} */
export default {
	name: 'signaling',
	async run(ctx) {
		const scripts = [join(here, 'support/our-signaling.js')];
		if (ctx.netns) scripts.push(referenceServer);
		else {
			ctx.note(
				"signaling: y-webrtc's server not measured: it listens on every interface, so the " +
					'bench runs it only inside a network namespace of its own (root with `unshare`).'
			);
		}
		ctx.log(`signaling: ${CONNECTIONS} idle connections to each of ${scripts.length} servers…`);
		const [ours, reference = null] = await holdSideBySide(scripts, CONNECTIONS);
		if (!ours) throw new Error('our server was not measured');
		const health = /** @type {{ connections?: number } | null} */ (ours.health);
		if (health?.connections !== ours.held) {
			ctx.note(
				`signaling: /health counts ${health?.connections} connections, clients ${ours.held}`
			);
		}
		const baselineName = "y-webrtc's bin/server.js";
		const KB = 1024;
		return [
			{
				metric: 'idle connections held',
				unit: '',
				ours: ours.held,
				baseline: reference?.held ?? null,
				baselineName,
				targets: [{ on: 'ours', op: '>=', value: CONNECTIONS }]
			},
			{
				metric: 'server RSS per idle connection',
				unit: 'KB',
				ours: perConnection(ours, 'rss') / KB,
				baseline: reference ? perConnection(reference, 'rss') / KB : null,
				baselineName,
				targets: [{ on: 'ours', op: '<=', value: 20 }],
				note: 'the whole process (JS heap, buffers, native), after two GCs, before vs after'
			},
			{
				metric: 'server JS heap per idle connection',
				unit: 'KB',
				ours: perConnection(ours, 'heapUsed') / KB,
				baseline: reference ? perConnection(reference, 'heapUsed') / KB : null,
				baselineName
			},
			{
				metric: `open + subscribe ${CONNECTIONS} (batches of ${BATCH})`,
				unit: 'ms',
				ours: ours.openMs,
				baseline: reference?.openMs ?? null,
				baselineName
			}
		];
	}
};
