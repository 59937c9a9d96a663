/**
 * Raw DEFLATE for Node peers (the mirror, test and bench peers): node:zlib at level 1, on
 * libuv's thread pool. A Node peer is the one that sends whole countries to joiners, and
 * CompressionStream (zlib's default level, through web streams) cost it several times the
 * CPU for about 12% fewer bytes. Node entry points only: the app must never import this.
 */
import { deflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import type { Deflate } from './deflate';

const deflateRawAsync = promisify(deflateRaw);

export const nodeDeflate: Deflate = async (bytes) => {
	const out = await deflateRawAsync(bytes, { level: 1 });
	return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
