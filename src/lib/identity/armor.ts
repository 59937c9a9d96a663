/**
 * The CRC-24 armor checksum (RFC 4880 §6.1). openpgp 6 no longer checks it, but a key
 * pasted or typed by a person is damaged more often than forged: without this check a
 * flipped character inside the encrypted part reads as a wrong passphrase, and one in
 * a subkey is silently dropped.
 */
import { base64ToBytes } from './base64';

const CRC24_INIT = 0xb704ce;
const CRC24_POLY = 0x1864cfb;

export function crc24(bytes: Uint8Array): number {
	let crc = CRC24_INIT;
	for (const byte of bytes) {
		crc ^= byte << 16;
		for (let i = 0; i < 8; i++) {
			crc <<= 1;
			if (crc & 0x1000000) crc ^= CRC24_POLY;
		}
	}
	return crc & 0xffffff;
}

/**
 * true: the first armored block's checksum matches; false: it does not, or the block is
 * malformed; null: there is no checksum line (RFC 9580 makes it optional).
 */
export function armorChecksumMatches(armored: string): boolean | null {
	const lines = armored.replace(/\r\n?/g, '\n').split('\n');
	const begin = lines.findIndex((line) => /^-----BEGIN PGP [A-Z ,/0-9]+-----\s*$/.test(line));
	if (begin < 0) return false;
	// Armor headers ("Comment: …") run until the first empty line.
	let i = begin + 1;
	while (i < lines.length && (lines[i] as string).trim() !== '') i++;
	const body: string[] = [];
	let checksum: string | null = null;
	for (i++; i < lines.length; i++) {
		const line = (lines[i] as string).trim();
		if (line.startsWith('-----END PGP ')) break;
		if (line.startsWith('=') && line.length === 5) checksum = line.slice(1);
		else if (line !== '') body.push(line);
	}
	if (checksum === null) return null;
	const data = base64ToBytes(body.join(''));
	const expected = base64ToBytes(checksum);
	if (!data || !expected || expected.length !== 3) return false;
	const value =
		((expected[0] as number) << 16) | ((expected[1] as number) << 8) | (expected[2] as number);
	return crc24(data) === value;
}
