/**
 * The signaling server's I/O shell: websockets in, registry calls, frames out.
 * It stores nothing and relays only; see README.md for the protocol, limits and close codes.
 *
 * Mount it on any HTTP server: `createSignalingServer().attach(server, { path: '/signal' })`.
 */
import { performance } from 'node:perf_hooks';
import { WebSocketServer, WebSocket } from 'ws';
import { createRegistry } from './registry.js';
import { parseMessage, PARSE_ERROR_CODES, PONG_FRAME } from './protocol.js';
import { createTokenBucket, takeToken } from './token-bucket.js';

/**
 * @typedef {import('node:http').IncomingMessage} IncomingMessage
 * @typedef {import('node:http').Server} HttpServer
 * @typedef {import('node:stream').Duplex} Duplex
 * @typedef {import('./registry.js').TopicRejectCode} TopicRejectCode
 * @typedef {import('./protocol.js').ParseErrorCode} ParseErrorCode
 * @typedef {import('./token-bucket.js').TokenBucket} TokenBucket
 */

/**
 * @typedef {object} SignalingServerOptions
 * @property {number} [maxPayload] Largest frame in bytes; bigger closes with 1009. Default 64 KiB.
 * @property {number} [maxConnections] Upgrades beyond this get HTTP 503. Default 5,000.
 * @property {number} [maxTopicsPerConnection] Default 64.
 * @property {number} [maxTopicLength] Default 256.
 * @property {{ burst: number, perSecond: number }} [rate] Per-connection message rate; over it
 *   the connection is closed with 1008. Default `{ burst: 500, perSecond: 50 }`.
 * @property {number} [pingIntervalMs] Every interval each socket is pinged; one that has not
 *   answered (or sent anything) since the last ping is terminated. Default 15,000, so a dead
 *   socket goes within 30 s.
 * @property {number} [maxBufferedBytes] A receiver with more unsent bytes than this is too slow
 *   and is terminated instead of buffering without bound. Default 1 MiB.
 * @property {number} [closeTimeoutMs] How long `close()` waits for close handshakes before
 *   terminating. Default 2,000.
 * @property {() => number} [now] Milliseconds, monotonic. For tests.
 */

/**
 * Why the server ended a connection. Stable: used as close reasons and counted in `health()`.
 * @typedef {'rate_limited' | 'binary_unsupported' | 'idle_timeout' | 'slow_consumer' | 'frame_too_large' | 'protocol_error' | 'server_shutdown'} CloseCode
 */

/**
 * @typedef {object} Health
 * @property {true} ok
 * @property {number} connections Open websockets.
 * @property {number} rooms Topics with at least one subscriber.
 * @property {number} uptimeSeconds
 * @property {Required<Omit<SignalingServerOptions, 'now'>>} limits
 * @property {Counters} counters
 */

/**
 * @typedef {object} Counters
 * @property {number} accepted Websockets opened.
 * @property {number} rejected Upgrades refused with 503 (full or shutting down).
 * @property {number} messagesIn Frames received.
 * @property {number} framesOut Frames sent.
 * @property {number} publishes Publish frames relayed (each counted once, whatever its receivers).
 * @property {Record<ParseErrorCode | TopicRejectCode, number>} dropped Input ignored, by reason.
 * @property {Record<CloseCode, number>} closed Connections ended by the server, by reason.
 */

/**
 * @typedef {object} Conn
 * @property {WebSocket} ws
 * @property {TokenBucket} bucket
 * @property {boolean} alive Set by any frame or pong; cleared when pinged.
 * @property {boolean} ended The server has decided to end it; ignore whatever still arrives.
 */

/**
 * @typedef {object} SignalingServer
 * @property {(req: IncomingMessage, socket: Duplex, head: Buffer) => void} handleUpgrade
 *   Take over an upgrade request the caller has routed here.
 * @property {(server: HttpServer, options?: { path?: string }) => () => void} attach
 *   Handle upgrades on `path` (every path when omitted). Returns a function that detaches.
 * @property {() => Promise<void>} close Close every websocket (1001) and stop timers. The HTTP
 *   server is the caller's to close.
 * @property {() => Health} health
 */

/** Defaults; see README.md for the reasoning behind each. */
export const DEFAULTS = Object.freeze({
	maxPayload: 64 * 1024,
	maxConnections: 5000,
	maxTopicsPerConnection: 64,
	maxTopicLength: 256,
	// A peer joining a busy room answers up to ~35 peers with an offer and several ICE
	// candidates each, in two rooms: a few hundred messages at once is honest traffic.
	rate: Object.freeze({ burst: 500, perSecond: 50 }),
	pingIntervalMs: 15_000,
	maxBufferedBytes: 1024 * 1024,
	closeTimeoutMs: 2000
});

/** @type {Record<CloseCode, number>} */
const CLOSE_STATUS = {
	rate_limited: 1008,
	binary_unsupported: 1003,
	// Sockets that get no close frame (they are presumed dead or stuck): kept for counting.
	idle_timeout: 1006,
	slow_consumer: 1006,
	frame_too_large: 1009,
	protocol_error: 1002,
	server_shutdown: 1001
};

/**
 * @param {SignalingServerOptions} [options]
 * @returns {SignalingServer}
 */
export function createSignalingServer(options = {}) {
	const limits = {
		maxPayload: options.maxPayload ?? DEFAULTS.maxPayload,
		maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
		maxTopicsPerConnection: options.maxTopicsPerConnection ?? DEFAULTS.maxTopicsPerConnection,
		maxTopicLength: options.maxTopicLength ?? DEFAULTS.maxTopicLength,
		rate: { ...(options.rate ?? DEFAULTS.rate) },
		pingIntervalMs: options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
		maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
		closeTimeoutMs: options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs
	};
	const now = options.now ?? (() => performance.now());
	const startedAt = now();

	/** @type {import('./registry.js').Registry<Conn>} */
	const registry = createRegistry(limits);
	/** @type {Set<Conn>} */
	const conns = new Set();
	/** Upgrades in progress count against maxConnections too, so a burst cannot overshoot. */
	let pending = 0;
	let closing = false;
	/** @type {Set<() => void>} */
	const detachers = new Set();

	/** @type {Counters} */
	const counters = {
		accepted: 0,
		rejected: 0,
		messagesIn: 0,
		framesOut: 0,
		publishes: 0,
		dropped: {
			malformed_json: 0,
			not_object: 0,
			unknown_type: 0,
			invalid_field: 0,
			topic_invalid: 0,
			topic_too_long: 0,
			too_many_topics: 0
		},
		closed: {
			rate_limited: 0,
			binary_unsupported: 0,
			idle_timeout: 0,
			slow_consumer: 0,
			frame_too_large: 0,
			protocol_error: 0,
			server_shutdown: 0
		}
	};
	// Keep the two lists of codes honest: a new parse error must get a counter.
	for (const code of PARSE_ERROR_CODES) counters.dropped[code] ??= 0;

	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: limits.maxPayload,
		// Compression costs memory per socket and invites zip bombs; frames here are small.
		perMessageDeflate: false,
		clientTracking: false
	});

	/**
	 * @param {Conn} conn
	 * @param {CloseCode} code
	 */
	function end(conn, code) {
		if (conn.ended) return;
		conn.ended = true;
		counters.closed[code] += 1;
		// Stop relaying to it now rather than when the close handshake finishes.
		registry.remove(conn);
		const status = CLOSE_STATUS[code];
		if (status === 1006) conn.ws.terminate();
		else conn.ws.close(status, code);
	}

	/**
	 * @param {Conn} conn
	 * @param {string | Buffer} frame
	 */
	function send(conn, frame) {
		if (conn.ended || conn.ws.readyState !== WebSocket.OPEN) return;
		if (conn.ws.bufferedAmount > limits.maxBufferedBytes) {
			end(conn, 'slow_consumer');
			return;
		}
		conn.ws.send(frame, { binary: false });
		counters.framesOut += 1;
	}

	/**
	 * @param {Conn} conn
	 * @param {WebSocket.RawData} data
	 * @param {boolean} isBinary
	 */
	function onMessage(conn, data, isBinary) {
		if (conn.ended) return;
		counters.messagesIn += 1;
		conn.alive = true;
		if (!takeToken(conn.bucket, limits.rate, now())) return end(conn, 'rate_limited');
		// y-webrtc only ever sends JSON text; a binary frame is a different protocol.
		if (isBinary) return end(conn, 'binary_unsupported');
		const parsed = parseMessage(rawToString(data));
		if (!parsed.ok) {
			counters.dropped[parsed.code] += 1;
			return;
		}
		const message = parsed.message;
		switch (message.type) {
			case 'subscribe': {
				const { rejected } = registry.subscribe(conn, message.topics);
				for (const { code } of rejected) counters.dropped[code] += 1;
				return;
			}
			case 'unsubscribe':
				registry.unsubscribe(conn, message.topics);
				return;
			case 'publish': {
				counters.publishes += 1;
				const { receivers, message: out } = registry.publish(message.topic, message.body);
				if (receivers.length === 0) return;
				// Encode once for every receiver.
				const frame = Buffer.from(JSON.stringify(out));
				for (const receiver of receivers) send(receiver, frame);
				return;
			}
			case 'ping':
				send(conn, PONG_FRAME);
				return;
		}
	}

	/** @param {WebSocket} ws */
	function onConnection(ws) {
		/** @type {Conn} */
		const conn = {
			ws,
			bucket: createTokenBucket(limits.rate, now()),
			alive: true,
			ended: false
		};
		conns.add(conn);
		counters.accepted += 1;
		ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
		ws.on('pong', () => {
			conn.alive = true;
		});
		// ws reports bad frames as 'error' and then closes the socket itself (1009, 1007, 1002);
		// without a listener the error would crash the process.
		ws.on('error', (error) => {
			if (conn.ended) return;
			conn.ended = true;
			const code = /** @type {{ code?: unknown }} */ (error).code;
			counters.closed[
				code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame_too_large' : 'protocol_error'
			] += 1;
			registry.remove(conn);
		});
		ws.on('close', () => {
			conns.delete(conn);
			registry.remove(conn);
		});
	}

	let lastBeat = now();
	// One timer for every socket, not one per socket (y-webrtc's server keeps one each).
	const heartbeat = setInterval(() => {
		const beat = now();
		// After a stall of this process, timers run before pending socket reads, so pongs that
		// did arrive are not counted yet: judge nobody on a late beat, just ping again.
		const late = beat - lastBeat > limits.pingIntervalMs * 1.5;
		lastBeat = beat;
		for (const conn of conns) {
			if (conn.ended) continue;
			if (!conn.alive && !late) {
				end(conn, 'idle_timeout');
				continue;
			}
			conn.alive = false;
			try {
				conn.ws.ping();
			} catch {
				// Not open yet or already closing: the next tick decides.
			}
		}
	}, limits.pingIntervalMs);
	// The timer alone must not keep a process alive.
	heartbeat.unref();

	/**
	 * @param {Duplex} socket
	 * @param {number} status
	 * @param {string} text
	 */
	function refuse(socket, status, text) {
		counters.rejected += 1;
		socket.on('error', () => {});
		if (!socket.writable) {
			socket.destroy();
			return;
		}
		const body = `${text}\n`;
		socket.once('finish', () => socket.destroy());
		socket.end(
			`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
				`Content-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 10\r\n\r\n${body}`
		);
	}

	/** @type {SignalingServer['handleUpgrade']} */
	function handleUpgrade(req, socket, head) {
		if (closing || conns.size + pending >= limits.maxConnections) {
			refuse(socket, 503, 'Service Unavailable');
			return;
		}
		pending += 1;
		let settled = false;
		const settle = () => {
			if (settled) return;
			settled = true;
			pending -= 1;
		};
		// A handshake that fails (bad headers) never calls back; ws answers it with 400 itself.
		socket.once('close', settle);
		try {
			wss.handleUpgrade(req, socket, head, (ws) => {
				settle();
				socket.off('close', settle);
				if (closing) {
					ws.close(CLOSE_STATUS.server_shutdown, 'server_shutdown');
					return;
				}
				onConnection(ws);
			});
		} catch {
			// ws throws when the socket was already upgraded by someone else.
			settle();
			socket.destroy();
		}
	}

	/** @type {SignalingServer['attach']} */
	function attach(server, attachOptions = {}) {
		const path = attachOptions.path;
		/**
		 * @param {IncomingMessage} req
		 * @param {Duplex} socket
		 * @param {Buffer} head
		 */
		const onUpgrade = (req, socket, head) => {
			if (path === undefined || pathOf(req.url) === path) {
				handleUpgrade(req, socket, head);
			} else if (server.listenerCount('upgrade') === 1) {
				// Nobody else (e.g. Vite's HMR) will answer it; do not leave it hanging.
				refuse(socket, 404, 'Not Found');
			}
		};
		server.on('upgrade', onUpgrade);
		const detach = () => {
			server.off('upgrade', onUpgrade);
			detachers.delete(detach);
		};
		detachers.add(detach);
		return detach;
	}

	/** @type {SignalingServer['close']} */
	async function close() {
		if (closing) return;
		closing = true;
		clearInterval(heartbeat);
		for (const detach of [...detachers]) detach();
		const open = [...conns];
		const closed = open.map(
			(conn) =>
				new Promise((resolve) => {
					if (conn.ws.readyState === WebSocket.CLOSED) resolve(undefined);
					else conn.ws.once('close', resolve);
				})
		);
		for (const conn of open) end(conn, 'server_shutdown');
		/** @type {ReturnType<typeof setTimeout> | undefined} */
		let timer;
		const timeout = new Promise((resolve) => {
			timer = setTimeout(resolve, limits.closeTimeoutMs);
		});
		await Promise.race([Promise.all(closed), timeout]);
		clearTimeout(timer);
		for (const conn of conns) conn.ws.terminate();
		await new Promise((resolve) => wss.close(() => resolve(undefined)));
	}

	/** @type {SignalingServer['health']} */
	function health() {
		return {
			ok: true,
			connections: conns.size,
			rooms: registry.stats().rooms,
			uptimeSeconds: Math.round((now() - startedAt) / 1000),
			limits: { ...limits, rate: { ...limits.rate } },
			counters: structuredClone(counters)
		};
	}

	return { handleUpgrade, attach, close, health };
}

/**
 * @param {WebSocket.RawData} data
 * @returns {string}
 */
function rawToString(data) {
	if (Buffer.isBuffer(data)) return data.toString('utf8');
	if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
	return Buffer.from(data).toString('utf8');
}

/**
 * @param {string | undefined} url
 * @returns {string}
 */
function pathOf(url = '/') {
	const query = url.indexOf('?');
	return query === -1 ? url : url.slice(0, query);
}
