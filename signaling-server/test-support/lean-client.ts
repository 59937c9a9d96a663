/**
 * A lean websocket client for the load test: a TCP socket, the upgrade request written by
 * hand, and just enough framing (RFC 6455) to send text, answer pings and read text frames.
 * With 2,000 connections on a busy machine the test is bound by CPU, and `ws`'s client
 * (an http.ClientRequest per connection) costs about twice the CPU per handshake; the
 * server under test sees the same bytes either way.
 */
import net from 'node:net';

export interface LeanClient {
	/** Send one text frame (masked, as a client must). */
	send(text: string): void;
	/** Start the closing handshake (1000); `ended` resolves when the server has closed. */
	close(): void;
	/** Drop the connection without a handshake. */
	destroy(): void;
	ended: Promise<void>;
}

/** Any 16 bytes in base64 will do: the server only checks the form. */
const KEY = 'd2Vib2NyYWN5LWxvYWQtMQ==';

/**
 * One frame from the client: FIN, `opcode`, masked (clients must mask) with a zero key,
 * which leaves the payload as is.
 */
function clientFrame(opcode: number, payload: Buffer): Buffer {
	const length = payload.length;
	if (length > 0xffff) throw new Error('frame too large for this client');
	const header =
		length < 126
			? Buffer.from([0x80 | opcode, 0x80 | length])
			: Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
	return Buffer.concat([header, Buffer.alloc(4), payload]);
}

/**
 * Open a websocket to `url` (ws://host:port/path); `onText` gets every text frame. Rejects
 * when the server refuses the upgrade (e.g. `HTTP/1.1 503 …`) or the socket fails.
 */
export function openLean(url: string, onText: (text: string) => void): Promise<LeanClient> {
	const { hostname, port, pathname } = new URL(url);
	const socket = net.connect(Number(port), hostname);
	socket.setNoDelay(true);
	const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
	let pending: Buffer = Buffer.alloc(0);

	/** Read every whole server frame (never masked) from what has arrived. */
	const readFrames = () => {
		while (pending.length >= 2) {
			const opcode = pending[0]! & 0x0f;
			let length = pending[1]! & 0x7f;
			let offset = 2;
			if (length === 126) {
				if (pending.length < 4) return;
				length = pending.readUInt16BE(2);
				offset = 4;
			} else if (length === 127) {
				if (pending.length < 10) return;
				length = Number(pending.readBigUInt64BE(2));
				offset = 10;
			}
			if (pending.length < offset + length) return;
			const payload = pending.subarray(offset, offset + length);
			pending = pending.subarray(offset + length);
			if (opcode === 0x1) onText(payload.toString('utf8'));
			else if (opcode === 0x9) socket.write(clientFrame(0xa, Buffer.from(payload)));
			else if (opcode === 0x8) socket.end();
		}
	};

	return new Promise((resolve, reject) => {
		socket.once('error', reject);
		// Kept after the upgrade too: an error event with no listener would throw.
		socket.on('error', () => {});
		socket.once('connect', () => {
			socket.write(
				`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
					`Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`
			);
		});
		let head: Buffer = Buffer.alloc(0);
		const onHead = (data: Buffer) => {
			head = Buffer.concat([head, data]);
			const end = head.indexOf('\r\n\r\n');
			if (end < 0) return;
			socket.off('data', onHead);
			const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
			if (!status.startsWith('HTTP/1.1 101 ')) {
				socket.destroy();
				reject(new Error(status));
				return;
			}
			pending = head.subarray(end + 4);
			socket.on('data', (more: Buffer) => {
				pending = pending.length ? Buffer.concat([pending, more]) : more;
				readFrames();
			});
			readFrames();
			resolve({
				send: (text) => socket.write(clientFrame(0x1, Buffer.from(text))),
				close: () => socket.write(clientFrame(0x8, Buffer.from([0x03, 0xe8]))),
				destroy: () => socket.destroy(),
				ended
			});
		};
		socket.on('data', onHead);
	});
}
