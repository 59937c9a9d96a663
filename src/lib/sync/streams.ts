/** Bytes through the platform's compression streams, and joining byte arrays. */

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.byteLength;
	}
	return out;
}

/**
 * `bytes` through a CompressionStream or DecompressionStream, read as it comes out: null as
 * soon as the output passes `maxBytes` (a zip bomb never fills memory). Throws when the
 * transform refuses the input (not the format it reads).
 */
export async function transformBytes(
	bytes: Uint8Array,
	transform: CompressionStream | DecompressionStream,
	maxBytes: number
): Promise<Uint8Array | null> {
	const writer = transform.writable.getWriter();
	// The reader decides the outcome; a write or close refused after a cancel is expected.
	writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
	writer.close().catch(() => {});
	const reader = (transform.readable as ReadableStream<Uint8Array>).getReader();
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
	return parts.length === 1 ? parts[0]! : concatBytes(parts);
}
