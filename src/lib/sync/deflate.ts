/**
 * Raw DEFLATE through the platform's CompressionStream / DecompressionStream (browsers and
 * Node 18+): a country's Yjs state is mostly text and shrinks about six times, so a joiner
 * receives a sixth of the frames. Inflating input from a peer is bounded: a small message
 * that would inflate past `maxBytes` (a zip bomb) is refused as soon as it gets there.
 */

import { transformBytes } from './streams';

const FORMAT = 'deflate-raw';

/** Raw DEFLATE of some bytes; Node peers may pass a faster one (`node-deflate.ts`). */
export type Deflate = (bytes: Uint8Array) => Promise<Uint8Array>;

export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
	const out = await transformBytes(bytes, new CompressionStream(FORMAT), Infinity);
	return out!;
}

/** The inflated bytes, or null when they would exceed `maxBytes` or the input is not DEFLATE. */
export async function inflate(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array | null> {
	try {
		return await transformBytes(bytes, new DecompressionStream(FORMAT), maxBytes);
	} catch {
		return null;
	}
}
