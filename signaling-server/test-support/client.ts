/**
 * A raw websocket client for tests: records every frame and the close, and offers a
 * barrier (ping → pong) so a test waits on the server instead of sleeping.
 */
import { WebSocket, type ClientOptions } from 'ws';

export type Frame = Record<string, unknown>;

export interface TestClient {
	ws: WebSocket;
	/** Every text frame received, parsed, in order. */
	frames: Frame[];
	/** The same frames as received, byte for byte. */
	raw: string[];
	/** Resolves when the socket closes, with the code and reason the client saw. */
	closed: Promise<{ code: number; reason: string }>;
	isClosed(): boolean;
	send(message: unknown): void;
	/** Resolves with the next frame that matches (already received ones included). */
	waitFor(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
	/** Round trip a ping: every frame the server queued for us before it has arrived. */
	barrier(): Promise<void>;
	/** Frames other than the pongs of barriers. */
	publishes(): Frame[];
	close(): Promise<void>;
}

export function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
	const ws = new WebSocket(url, options);
	const frames: Frame[] = [];
	const raw: string[] = [];
	const waiters = new Set<() => void>();
	let closedFlag = false;
	let pongsSeen = 0;
	ws.on('message', (data, isBinary) => {
		if (isBinary) return;
		raw.push(String(data));
		const frame = JSON.parse(String(data)) as Frame;
		if (frame.type === 'pong') pongsSeen += 1;
		frames.push(frame);
		for (const wake of [...waiters]) wake();
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) => {
		ws.on('close', (code, reason) => {
			closedFlag = true;
			resolve({ code, reason: String(reason) });
			for (const wake of [...waiters]) wake();
		});
	});
	// Errors (e.g. a 503 refusal) surface through `closed` or the connect promise.
	ws.on('error', () => {});

	const client: TestClient = {
		ws,
		frames,
		raw,
		closed,
		isClosed: () => closedFlag,
		send(message) {
			ws.send(typeof message === 'string' ? message : JSON.stringify(message));
		},
		waitFor(match, timeoutMs = 5000) {
			let index = 0;
			return new Promise((resolve, reject) => {
				const check = () => {
					for (; index < frames.length; index++) {
						const frame = frames[index];
						if (frame && match(frame)) {
							done();
							resolve(frame);
							return;
						}
					}
					if (closedFlag) {
						done();
						reject(new Error('socket closed while waiting for a frame'));
					}
				};
				const timer = setTimeout(() => {
					done();
					reject(new Error(`no matching frame within ${timeoutMs} ms`));
				}, timeoutMs);
				const done = () => {
					clearTimeout(timer);
					waiters.delete(check);
				};
				waiters.add(check);
				check();
			});
		},
		async barrier() {
			const target = pongsSeen + 1;
			ws.send(JSON.stringify({ type: 'ping' }));
			let seen = 0;
			await client.waitFor((frame) => frame.type === 'pong' && ++seen >= target);
		},
		publishes() {
			return frames.filter((frame) => frame.type !== 'pong');
		},
		async close() {
			if (closedFlag) return;
			ws.close();
			await closed;
		}
	};

	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve(client));
		ws.once('unexpected-response', (_req, res) =>
			reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }))
		);
		ws.once('error', reject);
	});
}
