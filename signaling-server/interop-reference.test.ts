/**
 * Interop with y-webrtc's own bundled server (node_modules/y-webrtc/bin/server.js): the same
 * message script, sent by raw clients, gets byte-identical answers from both servers.
 * Only valid input is compared: the reference server crashes on a non-JSON frame.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandalone, type Standalone } from './standalone.js';
import { connect, type TestClient } from './test-support/client.js';

const require = createRequire(import.meta.url);
// bin/ is not in y-webrtc's exports map; find it beside the CommonJS build.
const referenceServer = path.join(
	path.dirname(require.resolve('y-webrtc')),
	'..',
	'bin',
	'server.js'
);
const forceLoopback = fileURLToPath(new URL('./test-support/force-loopback.js', import.meta.url));

type Step = [client: 'a' | 'b' | 'c', message: unknown];

/** y-webrtc's client sends exactly these shapes (src/y-webrtc.js). */
const script: Step[] = [
	['a', { type: 'subscribe', topics: ['room-1', 'room-2'] }],
	['b', { type: 'subscribe', topics: ['room-1'] }],
	['c', { type: 'subscribe', topics: ['room-2', 'room-2', 'pokój-✓'] }],
	['a', { type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'peer-a' } }],
	// A sender that is not subscribed still reaches the room.
	['b', { type: 'publish', topic: 'room-2', data: { type: 'announce', from: 'peer-b' } }],
	[
		'c',
		{
			type: 'publish',
			topic: 'room-2',
			data: {
				to: 'peer-a',
				from: 'peer-c',
				type: 'signal',
				token: 0.42,
				signal: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' }
			}
		}
	],
	['c', { type: 'publish', topic: 'nobody-here', data: 1 }],
	// A password room's payload is a base64 string.
	['a', { type: 'publish', topic: 'pokój-✓', data: 'AAECAwQ=' }],
	// A client-sent clients is overwritten in place.
	['a', { clients: 99, type: 'publish', topic: 'room-1', data: null, extra: [1, { x: 'y' }] }],
	['b', { type: 'unsubscribe', topics: ['room-1', 'never-subscribed'] }],
	['a', { type: 'publish', topic: 'room-1', data: 'after unsubscribe' }],
	['b', { type: 'subscribe', topics: ['room-1'] }],
	['c', { type: 'publish', topic: 'room-1', data: 'after resubscribe' }],
	['a', { type: 'ping' }]
];

async function runScript(url: string): Promise<Record<string, string[]>> {
	const clients: Record<string, TestClient> = {
		a: await connect(url),
		b: await connect(url),
		c: await connect(url)
	};
	try {
		for (const [name, message] of script) {
			clients[name]!.send(message);
			// Sender first, then the others: every frame the step caused has arrived.
			await clients[name]!.barrier();
			for (const other of Object.values(clients)) await other.barrier();
		}
		return Object.fromEntries(Object.entries(clients).map(([name, c]) => [name, c.raw]));
	} finally {
		for (const c of Object.values(clients)) c.ws.terminate();
	}
}

describe("interop with y-webrtc's bundled server", () => {
	let reference: ChildProcess;
	let referenceUrl = '';
	let ours: Standalone;

	beforeAll(async () => {
		reference = spawn(process.execPath, ['--import', forceLoopback, referenceServer], {
			env: { ...process.env, PORT: '0' },
			stdio: ['ignore', 'pipe', 'inherit']
		});
		referenceUrl = await new Promise<string>((resolve, reject) => {
			let out = '';
			reference.stdout!.on('data', (d) => {
				out += d;
				const match = /LISTENING (\d+)/.exec(out);
				if (match) resolve(`ws://127.0.0.1:${match[1]}`);
			});
			reference.on('exit', (code) => reject(new Error(`reference server exited ${code}`)));
		});
		ours = await startStandalone({ host: '127.0.0.1', port: 0 });
	});

	afterAll(async () => {
		reference?.kill();
		await ours?.close();
	});

	it('gives byte-identical answers to the same script', async () => {
		const expected = await runScript(referenceUrl);
		const actual = await runScript(ours.url);
		expect(actual).toEqual(expected);
		// And the transcript is the y-webrtc semantics we mean, not two equal empty lists.
		const publishes = (name: string) =>
			expected[name]!.map((f) => JSON.parse(f)).filter((f) => f.type === 'publish');
		expect(publishes('a').map((f) => [f.topic, f.clients])).toEqual([
			['room-1', 2],
			['room-2', 2],
			['room-2', 2],
			['room-1', 2],
			['room-1', 1],
			['room-1', 2]
		]);
		expect(publishes('b').map((f) => f.data)).toEqual([
			{ type: 'announce', from: 'peer-a' },
			null,
			'after resubscribe'
		]);
		expect(publishes('c').map((f) => [f.topic, f.clients])).toEqual([
			['room-2', 2],
			['room-2', 2],
			['pokój-✓', 1]
		]);
		expect(expected.a).toContain(
			'{"clients":2,"type":"publish","topic":"room-1","data":null,"extra":[1,{"x":"y"}]}'
		);
	});
});
