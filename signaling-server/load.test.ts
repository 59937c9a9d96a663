/**
 * Load: 2,000 concurrent websockets on loopback, all in one room; one publish reaches all.
 * The server runs in a child process so its heap per connection is measured on its own.
 *
 * The work is bound by CPU (about 0.5 ms of server time and more of client time per
 * connection, both processes on a machine other work shares), so the test spends none on
 * bookkeeping of its own: connections open through a fixed number of in-flight handshakes
 * (no batch waits for its slowest member), what the server holds is read from the server
 * (its counters) instead of a ping round trip per client, and the clients are lean ones
 * (test-support/lean-client.ts: half the CPU of `ws`'s client per handshake).
 */
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { openLean, type LeanClient } from './test-support/lean-client.js';

const CONNECTIONS = 2000;
/** Handshakes in flight at once: enough to keep both processes busy, not a SYN storm. */
const IN_FLIGHT = 64;
const fixture = fileURLToPath(new URL('./test-support/load-server.js', import.meta.url));

type Health = {
	connections: number;
	rooms: number;
	counters: { accepted: number; messagesIn: number; framesOut: number };
};
type Measure = { heapUsed: number; rss: number; external: number; health: Health };

/** One of the 2,000: the `clients` count of every publish it received, nothing more. */
type LoadClient = { socket: LeanClient; received: unknown[] };

/** The client side and the server side each hold one descriptor per connection. */
const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
const enoughFds = Number.isNaN(fdLimit) || fdLimit >= CONNECTIONS + 200;

/** Opens a socket that subscribes to `topic` as soon as it is open; rejects on refusal. */
async function openSubscribed(url: string, topic: string, onPublish: () => void) {
	const received: unknown[] = [];
	const socket = await openLean(url, (text) => {
		const frame = JSON.parse(text) as { type?: unknown; clients?: unknown };
		if (frame.type !== 'publish') return;
		received.push(frame.clients);
		onPublish();
	});
	socket.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
	return { socket, received } satisfies LoadClient;
}

describe('load', () => {
	it.skipIf(!enoughFds)(
		`holds ${CONNECTIONS} connections in one room and reaches all with one publish (ulimit -n ${fdLimit})`,
		{ timeout: 30_000 },
		async () => {
			const child = fork(fixture, [], { execArgv: ['--expose-gc'], stdio: 'inherit' });
			const replies: Array<(m: unknown) => void> = [];
			child.on('message', (m) => replies.shift()?.(m));
			const ask = <T>(question: 'measure' | 'health') => {
				const reply = new Promise<T>((resolve) => replies.push(resolve as (m: unknown) => void));
				child.send(question);
				return reply;
			};
			const health = async () => (await ask<{ health: Health }>('health')).health;
			const clients: LoadClient[] = [];
			let publishesSeen = 0;
			let everyoneReached: () => void = () => {};
			const reachedAll = new Promise<void>((resolve) => (everyoneReached = resolve));
			const onPublish = () => {
				if (++publishesSeen === CONNECTIONS) everyoneReached();
			};
			const testStart = performance.now();
			try {
				const { url } = await new Promise<{ url: string }>((resolve) =>
					replies.push(resolve as (m: unknown) => void)
				);
				const before = await ask<Measure>('measure');

				const openStart = performance.now();
				let started = 0;
				const opener = async () => {
					while (started < CONNECTIONS) {
						started += 1;
						clients.push(await openSubscribed(url, 'load-room', onPublish));
					}
				};
				await Promise.all(Array.from({ length: IN_FLIGHT }, opener));
				const openMs = performance.now() - openStart;
				// Every client sends exactly one frame, its subscribe: once the server has read
				// them all, every subscription is in its registry.
				await vi.waitFor(
					async () => expect((await health()).counters.messagesIn).toBe(CONNECTIONS),
					{ timeout: 20_000, interval: 20 }
				);
				const subscribedMs = performance.now() - openStart;

				const held = await ask<Measure>('measure');
				expect(held.health).toMatchObject({
					connections: CONNECTIONS,
					rooms: 1,
					counters: { accepted: CONNECTIONS }
				});

				const publishStart = performance.now();
				clients[0]!.socket.send(
					JSON.stringify({ type: 'publish', topic: 'load-room', data: { hello: 'all' } })
				);
				await Promise.race([
					reachedAll,
					new Promise((resolve) => setTimeout(resolve, 10_000).unref())
				]);
				const fanOutMs = performance.now() - publishStart;
				// Each client got the publish exactly once, counted for all 2,000 receivers.
				expect(clients.filter((c) => c.received.length !== 1)).toHaveLength(0);
				expect(new Set(clients.flatMap((c) => c.received))).toEqual(new Set([CONNECTIONS]));

				const perConnHeap = (held.heapUsed - before.heapUsed) / CONNECTIONS;
				const perConnRss = (held.rss - before.rss) / CONNECTIONS;
				console.log(
					`[load] ${CONNECTIONS} connections held; open ${openMs.toFixed(0)} ms, all subscribed ` +
						`${subscribedMs.toFixed(0)} ms (${IN_FLIGHT} handshakes in flight); one publish to all ` +
						`${fanOutMs.toFixed(0)} ms; server heap ` +
						`${(before.heapUsed / 2 ** 20).toFixed(1)} → ${(held.heapUsed / 2 ** 20).toFixed(1)} MiB ` +
						`(${(perConnHeap / 1024).toFixed(1)} KiB/conn), rss +${(perConnRss / 1024).toFixed(1)} KiB/conn, ` +
						`external ${((held.external - before.external) / CONNECTIONS / 1024).toFixed(1)} KiB/conn`
				);
				// A generous bound that still catches a leak of a buffer per socket.
				expect(perConnHeap).toBeLessThan(32 * 1024);

				// Closing handshakes, not resets: the server must let go of every socket and room.
				const closeStart = performance.now();
				for (const c of clients) c.socket.close();
				await vi.waitFor(
					async () => expect(await health()).toMatchObject({ connections: 0, rooms: 0 }),
					{ timeout: 10_000, interval: 20 }
				);
				const closeMs = performance.now() - closeStart;
				const after = await ask<Measure>('measure');
				expect(after.health).toMatchObject({ connections: 0, rooms: 0 });
				console.log(
					`[load] all closed in ${closeMs.toFixed(0)} ms; server heap ` +
						`${(after.heapUsed / 2 ** 20).toFixed(1)} MiB`
				);
				console.log(`[load] whole test ${(performance.now() - testStart).toFixed(0)} ms`);
			} finally {
				for (const c of clients) c.socket.destroy();
				child.kill('SIGKILL');
			}
		}
	);
});
