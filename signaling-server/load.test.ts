/**
 * Load: 2,000 concurrent websockets on loopback, all in one room; one publish reaches all.
 * The server runs in a child process so its heap per connection is measured on its own.
 */
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect, type TestClient } from './test-support/client.js';

const CONNECTIONS = 2000;
const BATCH = 100;
const fixture = fileURLToPath(new URL('./test-support/load-server.js', import.meta.url));

type Measure = {
	heapUsed: number;
	rss: number;
	external: number;
	arrayBuffers: number;
	health: { connections: number; rooms: number; counters: { framesOut: number } };
};

/** The client side and the server side each hold one descriptor per connection. */
const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
const enoughFds = Number.isNaN(fdLimit) || fdLimit >= CONNECTIONS + 200;

describe('load', () => {
	it.skipIf(!enoughFds)(
		`holds ${CONNECTIONS} connections in one room and reaches all with one publish (ulimit -n ${fdLimit})`,
		{ timeout: 30_000 },
		async () => {
			const child = fork(fixture, [], { execArgv: ['--expose-gc'], stdio: 'inherit' });
			const replies: Array<(m: unknown) => void> = [];
			child.on('message', (m) => replies.shift()?.(m));
			const next = <T>() =>
				new Promise<T>((resolve) => replies.push(resolve as (m: unknown) => void));
			const measure = () => {
				const reply = next<Measure>();
				child.send('measure');
				return reply;
			};
			const clients: TestClient[] = [];
			try {
				const { url } = await next<{ url: string }>();
				const before = await measure();

				const openStart = performance.now();
				for (let i = 0; i < CONNECTIONS; i += BATCH) {
					const batch = await Promise.all(
						Array.from({ length: Math.min(BATCH, CONNECTIONS - i) }, () => connect(url))
					);
					for (const c of batch) c.send({ type: 'subscribe', topics: ['load-room'] });
					clients.push(...batch);
				}
				await Promise.all(clients.map((c) => c.barrier()));
				const openMs = performance.now() - openStart;

				const held = await measure();
				expect(held.health).toMatchObject({ connections: CONNECTIONS, rooms: 1 });

				const publishStart = performance.now();
				clients[0]!.send({ type: 'publish', topic: 'load-room', data: { hello: 'all' } });
				const received = await Promise.all(
					clients.map((c) => c.waitFor((f) => f.type === 'publish', 10_000))
				);
				const fanOutMs = performance.now() - publishStart;
				expect(received.every((f) => f.clients === CONNECTIONS)).toBe(true);

				const perConnHeap = (held.heapUsed - before.heapUsed) / CONNECTIONS;
				const perConnRss = (held.rss - before.rss) / CONNECTIONS;
				console.log(
					`[load] ${CONNECTIONS} connections held; open+subscribe ${openMs.toFixed(0)} ms; ` +
						`one publish to all ${fanOutMs.toFixed(0)} ms; server heap ` +
						`${(before.heapUsed / 2 ** 20).toFixed(1)} → ${(held.heapUsed / 2 ** 20).toFixed(1)} MiB ` +
						`(${(perConnHeap / 1024).toFixed(1)} KiB/conn), rss +${(perConnRss / 1024).toFixed(1)} KiB/conn, ` +
						`external ${((held.external - before.external) / CONNECTIONS / 1024).toFixed(1)} KiB/conn`
				);
				// A generous bound that still catches a leak of a buffer per socket.
				expect(perConnHeap).toBeLessThan(32 * 1024);

				for (const c of clients) c.ws.close();
				await Promise.all(clients.map((c) => c.closed));
				let after = await measure();
				for (let i = 0; i < 100 && after.health.connections > 0; i++) {
					await new Promise((resolve) => setTimeout(resolve, 20));
					after = await measure();
				}
				expect(after.health).toMatchObject({ connections: 0, rooms: 0 });
				console.log(
					`[load] after all closed: server heap ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB`
				);
			} finally {
				for (const c of clients) c.ws.terminate();
				child.kill('SIGKILL');
			}
		}
	);
});
