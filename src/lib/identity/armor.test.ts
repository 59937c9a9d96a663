import { describe, expect, it } from 'vitest';
import { armorChecksumMatches, crc24 } from './armor';
import { fixtureKey, PEOPLE } from './fixtures';

describe('crc24', () => {
	it.each([
		['', 0xb704ce],
		// The CRC-24/OpenPGP check value.
		['123456789', 0x21cf02]
	])('%j → %i', (text, expected) => {
		expect(crc24(new TextEncoder().encode(text))).toBe(expected);
	});
});

describe('armorChecksumMatches', () => {
	// openpgp.js omits the checksum for v6 keys, as RFC 9580 allows (carol's key is v6).
	it.each(
		PEOPLE.flatMap((p) => [
			[p, 'public', p === 'carol' ? null : true] as const,
			[p, 'private', p === 'carol' ? null : true] as const
		])
	)('%s %s key from the fixtures → %s', (person, part, expected) => {
		expect(armorChecksumMatches(fixtureKey(person, part))).toBe(expected);
	});

	const key = fixtureKey('alice', 'public');
	it.each([
		['no checksum line', key.replace(/^=.{4}$/m, ''), null],
		['CRLF line ends', key.replace(/\n/g, '\r\n'), true],
		['a wrong checksum', key.replace(/^=.{4}$/m, '=AAAA'), false],
		['a checksum that is not base64', key.replace(/^=.{4}$/m, '=!!!!'), false],
		['no armor at all', 'hello', false],
		['a damaged body', key.replace(/^(.{10})./m, '$1#'), false]
	])('%s → %s', (_, armored, expected) => {
		expect(armorChecksumMatches(armored)).toBe(expected);
	});
});
