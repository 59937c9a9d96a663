import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64ToBytes, bytesToBase64 } from './base64';

describe('base64', () => {
	it.each([
		[[], ''],
		[[0], 'AA=='],
		[[0xff, 0xfe], '//4='],
		[[0x66, 0x6f, 0x6f], 'Zm9v']
	])('%j ↔ %j', (bytes, text) => {
		expect(bytesToBase64(Uint8Array.from(bytes))).toBe(text);
		if (text) expect(Array.from(base64ToBytes(text) ?? [])).toEqual(bytes);
	});

	it('round-trips any bytes, including more than one chunk', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
				expect(base64ToBytes(bytesToBase64(bytes)) ?? new Uint8Array()).toEqual(bytes);
			}),
			{ seed: 20261123, numRuns: 40 }
		);
	});

	it.each(['', 'A', 'AA', 'AAA', 'AA=A', 'A===', 'Zm9v\n', 'Zm 9v', 'Zm9v-_', '😀'])(
		'refuses %j',
		(text) => {
			expect(base64ToBytes(text)).toBeNull();
		}
	);
});
