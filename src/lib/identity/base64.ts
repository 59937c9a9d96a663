/** Base64 without Buffer (absent in browsers and workers) and without throwing. */

const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
	let binary = '';
	// String.fromCharCode with a spread has an argument limit; go in chunks.
	for (let i = 0; i < bytes.length; i += CHUNK) {
		binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
	}
	return btoa(binary);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes of a padded base64 string, or null if it is not exactly that. */
export function base64ToBytes(text: string): Uint8Array | null {
	if (typeof text !== 'string' || text.length === 0 || !STRICT_BASE64.test(text)) return null;
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
