import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startStandalone, type Standalone } from './standalone.js';
import { createSignalingServer, type SignalingServerOptions } from './server.js';
import { connect, type TestClient } from './test-support/client.js';

const started: Standalone[] = [];
const clients: TestClient[] = [];

async function start(signaling: SignalingServerOptions = {}) {
	const server = await startStandalone({ host: '127.0.0.1', port: 0, signaling });
	started.push(server);
	return server;
}

async function client(url: string, options = {}) {
	const c = await connect(url, options);
	clients.push(c);
	return c;
}

afterEach(async () => {
	for (const c of clients.splice(0)) c.ws.terminate();
	await Promise.all(started.splice(0).map((s) => s.close()));
});

/** After an abuse, the server must still serve a fresh pair of clients. */
async function expectStillServing(server: Standalone) {
	const a = await client(server.url);
	const b = await client(server.url);
	a.send({ type: 'subscribe', topics: ['after'] });
	b.send({ type: 'subscribe', topics: ['after'] });
	await a.barrier();
	await b.barrier();
	a.send({ type: 'publish', topic: 'after', data: 'still here' });
	await b.waitFor((f) => f.data === 'still here');
}

describe('protocol', () => {
	it('fans a publish out to its room only, with clients, sender included', async () => {
		const server = await start();
		const [a, b, c, d] = [
			await client(server.url),
			await client(server.url),
			await client(server.url),
			await client(server.url)
		];
		a.send({ type: 'subscribe', topics: ['room-1'] });
		b.send({ type: 'subscribe', topics: ['room-1'] });
		c.send({ type: 'subscribe', topics: ['room-2'] });
		d.send({ type: 'subscribe', topics: ['room-2'] });
		for (const x of [a, b, c, d]) await x.barrier();

		a.send({ type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'a' } });
		c.send({ type: 'publish', topic: 'room-2', data: { type: 'announce', from: 'c' } });
		for (const x of [a, b, c, d]) await x.barrier();

		const room1 = { type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'a' } };
		const room2 = { type: 'publish', topic: 'room-2', data: { type: 'announce', from: 'c' } };
		expect(a.publishes()).toEqual([{ ...room1, clients: 2 }]);
		expect(b.publishes()).toEqual([{ ...room1, clients: 2 }]);
		expect(c.publishes()).toEqual([{ ...room2, clients: 2 }]);
		expect(d.publishes()).toEqual([{ ...room2, clients: 2 }]);
		expect(server.signaling.health()).toMatchObject({ connections: 4, rooms: 2 });
	});

	it('answers ping with pong', async () => {
		const server = await start();
		const a = await client(server.url);
		a.send({ type: 'ping' });
		expect(await a.waitFor(() => true)).toEqual({ type: 'pong' });
	});

	it('stops relaying after unsubscribe and after close', async () => {
		const server = await start();
		const [a, b, c] = [
			await client(server.url),
			await client(server.url),
			await client(server.url)
		];
		for (const x of [a, b, c]) x.send({ type: 'subscribe', topics: ['r'] });
		for (const x of [a, b, c]) await x.barrier();
		b.send({ type: 'unsubscribe', topics: ['r'] });
		await b.barrier();
		await c.close();
		await vi.waitFor(() => expect(server.signaling.health().connections).toBe(2));
		a.send({ type: 'publish', topic: 'r', data: 1 });
		await a.barrier();
		await b.barrier();
		expect(a.publishes()).toEqual([{ type: 'publish', topic: 'r', data: 1, clients: 1 }]);
		expect(b.publishes()).toEqual([]);
	});

	it('serves websockets on any path and health as JSON', async () => {
		const server = await start();
		const a = await client(server.url + 'some/room/path?x=1');
		a.send({ type: 'subscribe', topics: ['r'] });
		await a.barrier();
		const res = await fetch(server.url.replace('ws:', 'http:') + 'health');
		expect(res.headers.get('content-type')).toBe('application/json');
		const body = await res.json();
		expect(body).toMatchObject({ ok: true, connections: 1, rooms: 1 });
		expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
		expect((await fetch(server.url.replace('ws:', 'http:') + 'nope')).status).toBe(404);
	});
});

describe('limits and bad input', () => {
	it('closes with 1009 on a frame over maxPayload', async () => {
		const server = await start({ maxPayload: 1024 });
		const a = await client(server.url);
		a.send({ type: 'publish', topic: 'r', data: 'x'.repeat(2000) });
		expect((await a.closed).code).toBe(1009);
		expect(server.signaling.health().counters.closed.frame_too_large).toBe(1);
		await expectStillServing(server);
	});

	it('ignores and counts garbage, non-objects, unknown types and bad fields', async () => {
		const server = await start();
		const a = await client(server.url);
		const garbage = [
			'{"type":',
			'not json at all',
			'',
			'null',
			'[]',
			'"subscribe"',
			'{"type":"nonsense"}',
			'{"no":"type"}',
			'{"type":"subscribe","topics":"r"}',
			'{"type":"publish","topic":{"x":1}}',
			'{"type":"subscribe","topics":[1,null,"","ok"]}'
		];
		for (const frame of garbage) a.ws.send(frame);
		await a.barrier();
		expect(a.isClosed()).toBe(false);
		expect(server.signaling.health().counters.dropped).toEqual({
			malformed_json: 3,
			not_object: 3,
			unknown_type: 2,
			invalid_field: 2,
			topic_invalid: 3,
			topic_too_long: 0,
			too_many_topics: 0
		});
		await expectStillServing(server);
	});

	it('closes with 1003 on a binary frame', async () => {
		const server = await start();
		const a = await client(server.url);
		a.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })));
		expect(await a.closed).toEqual({ code: 1003, reason: 'binary_unsupported' });
		await expectStillServing(server);
	});

	it('caps topics per connection and their length, across many subscribes', async () => {
		const server = await start({ maxTopicsPerConnection: 8, maxTopicLength: 16 });
		const a = await client(server.url);
		for (let i = 0; i < 50; i++) {
			a.send({ type: 'subscribe', topics: [`t${i}-a`, `t${i}-b`, 'x'.repeat(17)] });
		}
		await a.barrier();
		const health = server.signaling.health();
		expect(health.rooms).toBe(8);
		expect(health.counters.dropped.too_many_topics).toBe(92);
		expect(health.counters.dropped.topic_too_long).toBe(50);
		// A topic it could not join is a room it does not hear.
		const b = await client(server.url);
		b.send({ type: 'publish', topic: 't49-a', data: 1 });
		b.send({ type: 'publish', topic: 't0-a', data: 2 });
		await b.barrier();
		await a.barrier();
		expect(a.publishes().map((f) => f.data)).toEqual([2]);
	});

	it('closes with 1008 a connection over its message rate', async () => {
		const server = await start({ rate: { burst: 20, perSecond: 1 } });
		const a = await client(server.url);
		const bystander = await client(server.url);
		for (let i = 0; i < 100; i++) a.send({ type: 'ping' });
		expect(await a.closed).toEqual({ code: 1008, reason: 'rate_limited' });
		expect(a.frames.length).toBe(20);
		expect(server.signaling.health().counters.closed.rate_limited).toBe(1);
		await bystander.barrier();
		await expectStillServing(server);
	});

	it('refuses upgrades beyond maxConnections with 503, and accepts again after a close', async () => {
		const server = await start({ maxConnections: 2 });
		const a = await client(server.url);
		await client(server.url);
		await expect(connect(server.url)).rejects.toMatchObject({ status: 503 });
		expect(server.signaling.health().counters.rejected).toBe(1);
		await a.close();
		await vi.waitFor(() => expect(server.signaling.health().connections).toBe(1));
		const c = await client(server.url);
		await c.barrier();
	});

	it('terminates sockets that do not answer pings, and keeps those that do', async () => {
		const server = await start({ pingIntervalMs: 200 });
		// autoPong: false is a half-open socket as the server sees it: nothing comes back.
		const silent = await client(server.url, { autoPong: false });
		const healthy = await client(server.url);
		silent.send({ type: 'subscribe', topics: ['r'] });
		healthy.send({ type: 'subscribe', topics: ['r'] });
		await silent.barrier();
		const { code } = await silent.closed;
		expect(code).toBe(1006);
		await vi.waitFor(() =>
			expect(server.signaling.health()).toMatchObject({ connections: 1, rooms: 1 })
		);
		expect(server.signaling.health().counters.closed.idle_timeout).toBe(1);
		// Several more pings later, the answering socket is still there.
		let pings = 0;
		healthy.ws.on('ping', () => (pings += 1));
		await vi.waitFor(() => expect(pings).toBeGreaterThanOrEqual(3));
		expect(healthy.isClosed()).toBe(false);
		// A stall of the server's own process (here: of this one, which runs both ends) is not
		// the client's fault: stall right after a pong is sent, before the server reads it.
		await new Promise<void>((resolve) =>
			healthy.ws.once('ping', () => {
				const stallUntil = performance.now() + 3 * 200;
				while (performance.now() < stallUntil) {
					// Busy: nothing else runs, as in a long GC pause or a blocked event loop.
				}
				resolve();
			})
		);
		const pingsAfterStall = pings;
		await vi.waitFor(() => expect(pings).toBeGreaterThanOrEqual(pingsAfterStall + 2));
		expect(healthy.isClosed()).toBe(false);
		await healthy.barrier();
	});

	it('terminates a receiver that does not read instead of buffering without bound', async () => {
		const server = await start({
			maxBufferedBytes: 256 * 1024,
			rate: { burst: 10_000, perSecond: 10_000 }
		});
		const stuck = await client(server.url);
		const reader = await client(server.url);
		const publisher = await client(server.url);
		stuck.send({ type: 'subscribe', topics: ['r'] });
		reader.send({ type: 'subscribe', topics: ['r'] });
		await stuck.barrier();
		await reader.barrier();
		// Stop reading: the kernel buffers fill, then the server's send queue grows.
		const raw = (stuck.ws as unknown as { _socket: net.Socket })._socket;
		raw.pause();
		const chunk = 'x'.repeat(60 * 1024);
		for (let i = 0; i < 400 && server.signaling.health().counters.closed.slow_consumer === 0; i++) {
			publisher.send({ type: 'publish', topic: 'r', data: chunk });
			await publisher.barrier();
		}
		expect(server.signaling.health().counters.closed.slow_consumer).toBe(1);
		await vi.waitFor(() => expect(server.signaling.health().connections).toBe(2));
		await reader.barrier();
		expect(reader.isClosed()).toBe(false);
		raw.destroy();
	});
});

describe('mounting and shutdown', () => {
	it('attaches to an app server on a path, leaves other paths alone, and detaches', async () => {
		const app = http.createServer((_req, res) => res.end('app'));
		const signaling = createSignalingServer();
		const detach = signaling.attach(app, { path: '/signal' });
		await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
		const { port } = app.address() as net.AddressInfo;
		try {
			const a = await client(`ws://127.0.0.1:${port}/signal?room=x`);
			await a.barrier();
			// No one else handles upgrades on this server: the wrong path gets a 404.
			await expect(connect(`ws://127.0.0.1:${port}/other`)).rejects.toMatchObject({
				status: 404
			});
			// With another upgrade handler present (Vite's HMR, say), the socket is left to it.
			const others: string[] = [];
			app.on('upgrade', (req, socket) => {
				if (req.url !== '/signal') {
					others.push(req.url ?? '');
					socket.destroy();
				}
			});
			await expect(connect(`ws://127.0.0.1:${port}/hmr`)).rejects.toThrow();
			expect(others).toEqual(['/hmr']);
			detach();
			expect(app.listenerCount('upgrade')).toBe(1);
		} finally {
			await signaling.close();
			await new Promise((resolve) => app.close(resolve));
		}
	});

	it('close() sends 1001 to every socket and refuses new ones', async () => {
		const server = await start();
		const a = await client(server.url);
		const b = await client(server.url);
		await server.signaling.close();
		expect(await a.closed).toEqual({ code: 1001, reason: 'server_shutdown' });
		expect((await b.closed).code).toBe(1001);
		expect(server.signaling.health().connections).toBe(0);
	});

	it('answers an upgrade without a websocket key with 400 and carries on', async () => {
		const server = await start();
		const { port } = server.httpServer.address() as net.AddressInfo;
		const answer = await new Promise<string>((resolve) => {
			const socket = net.connect(port, '127.0.0.1', () => {
				socket.write(
					'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
				);
			});
			let text = '';
			socket.on('data', (d) => (text += d));
			socket.on('close', () => resolve(text));
		});
		// No Sec-WebSocket-Key: ws answers 400 and the server carries on.
		expect(answer).toMatch(/^HTTP\/1.1 400/);
		await expectStillServing(server);
	});
});
