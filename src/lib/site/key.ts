/**
 * Dependency keys: a fast 128-bit hash over the parts a file depends on (record ids,
 * revision ids, names). It only tells a writer that a file may have changed, so it need not
 * be cryptographic; SHA-256 in JavaScript would cost a quarter of a second per 20,000 files.
 * The ids it mixes are themselves SHA-256 hashes of the records.
 */

/** Four 32-bit lanes of multiply-xorshift mixing (the cyrb128 construction), as 32 hex digits. */
export function dependencyKey(parts: readonly (string | number | boolean | null)[]): string {
	let h1 = 0x6a09e667;
	let h2 = 0xbb67ae85;
	let h3 = 0x3c6ef372;
	let h4 = 0xa54ff53a;
	for (const part of parts) {
		const text = part === null ? '\u0000null' : String(part);
		// Each part ends with a separator and its length, so ['ab','c'] and ['a','bc'] differ.
		for (let i = 0; i <= text.length + 1; i++) {
			const code = i < text.length ? text.charCodeAt(i) : i === text.length ? 0x1f : text.length;
			h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
			h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
			h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
			h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
		}
	}
	h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
	h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
	h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
	h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
	h1 ^= h2 ^ h3 ^ h4;
	h2 ^= h1;
	h3 ^= h1;
	h4 ^= h1;
	return hex8(h1) + hex8(h2) + hex8(h3) + hex8(h4);
}

const hex8 = (h: number): string => (h >>> 0).toString(16).padStart(8, '0');
