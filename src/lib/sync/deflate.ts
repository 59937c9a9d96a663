/**
 * Raw DEFLATE through the platform's CompressionStream / DecompressionStream (browsers and
 * Node 18+): a country's Yjs state is mostly text and shrinks about six times, so a joiner
 * receives a sixth of the frames. Inflating input from a peer is bounded: a small message
 * that would inflate past `maxBytes` (a zip bomb) is refused as soon as it gets there.
 */

const FORMAT = 'deflate-raw';

async function collect(
	stream: ReadableStream<Uint8Array>,
	maxBytes: number
): Promise<Uint8Array | null> {
	const reader = stream.getReader();
	const parts: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel().catch(() => {});
			return null;
		}
		parts.push(value);
	}
	if (parts.length === 1) return parts[0]!;
	const whole = new Uint8Array(size);
	let offset = 0;
	for (const part of parts) {
		whole.set(part, offset);
		offset += part.byteLength;
	}
	return whole;
}

/** Pushes `bytes` through a transform, reading its output at the same time. */
function through(
	transform: CompressionStream | DecompressionStream,
	bytes: Uint8Array,
	maxBytes: number
): Promise<Uint8Array | null> {
	const writer = transform.writable.getWriter();
	// The reader decides the outcome; a write or close refused after a cancel is expected.
	writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
	writer.close().catch(() => {});
	return collect(transform.readable as ReadableStream<Uint8Array>, maxBytes);
}

export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
	const out = await through(new CompressionStream(FORMAT), bytes, Infinity);
	return out!;
}

/** The inflated bytes, or null when they would exceed `maxBytes` or the input is not DEFLATE. */
export async function inflate(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array | null> {
	try {
		return await through(new DecompressionStream(FORMAT), bytes, maxBytes);
	} catch {
		return null;
	}
}
