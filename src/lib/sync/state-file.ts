/**
 * The `.webocracy` state file: one country's whole state in one file, read and written the
 * same way in the browser and in Node (CompressionStream and WebCrypto exist in both).
 * Format: docs/state-file.md. Reading never throws: every problem is a typed error.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { err, HEX64, ok, parseEntry, type Result, type SignedEntry } from '../model';
import { RECORDS_MAP } from './docs';
import { concatBytes, transformBytes } from './streams';

/** PNG-style magic: a non-ASCII first byte and CR LF / SUB catch text-mode mangling. */
export const MAGIC = Uint8Array.from([0x89, 0x57, 0x42, 0x43, 0x59, 0x0d, 0x0a, 0x1a]);
export const FORMAT_VERSION = 1;
/** Refuse files over this before reading them (a browser tab must stay responsive). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Refuse content that inflates past this (a decompression bomb). */
export const MAX_CONTENT_BYTES = 1024 * 1024 * 1024;
/** What the header can hold of the country's signaling list (more would not be read back). */
const MAX_SIGNALING = 8;
const MAX_SIGNALING_URL = 512;

export type StateFileLimits = { maxFileBytes: number; maxContentBytes: number };
const LIMITS: StateFileLimits = {
	maxFileBytes: MAX_FILE_BYTES,
	maxContentBytes: MAX_CONTENT_BYTES
};

export type StateFileError =
	| 'file_too_large'
	| 'file_not_webocracy'
	| 'format_newer'
	| 'file_truncated'
	| 'file_corrupt'
	| 'integrity_failed'
	| 'header_invalid';

const partSchema = v.strictObject({
	name: v.picklist(['public', 'citizens']),
	bytes: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
	sha256: v.pipe(v.string(), v.regex(HEX64))
});

const headerSchema = v.strictObject({
	format: v.literal('webocracy-state'),
	version: v.literal(FORMAT_VERSION),
	country: v.pipe(v.string(), v.regex(HEX64)),
	name: v.pipe(v.string(), v.maxLength(200)),
	exportedAt: v.pipe(v.number(), v.safeInteger()),
	genesis: v.strictObject({ record: v.string(), signature: v.string() }),
	parts: v.pipe(v.array(partSchema), v.minLength(1), v.maxLength(2)),
	/** The citizens' secret travels only with the citizens part. */
	secret: v.nullable(v.pipe(v.string(), v.maxLength(256))),
	signaling: v.pipe(
		v.array(v.pipe(v.string(), v.maxLength(MAX_SIGNALING_URL))),
		v.maxLength(MAX_SIGNALING)
	)
});
export type StateHeader = v.InferOutput<typeof headerSchema>;

export type StateContent = {
	header: StateHeader;
	publicUpdate: Uint8Array;
	citizensUpdate: Uint8Array | null;
};

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
	// reason: WebCrypto typings want an ArrayBuffer-backed view; ours always are.
	return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

const hex = (bytes: Uint8Array): string =>
	Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Write a state file. */
export async function writeStateFile(content: {
	country: string;
	name: string;
	genesis: SignedEntry;
	publicUpdate: Uint8Array;
	citizensUpdate: Uint8Array | null;
	secret: string | null;
	signaling: string[];
	exportedAt?: number;
}): Promise<Uint8Array> {
	const parts: { name: 'public' | 'citizens'; data: Uint8Array }[] = [
		{ name: 'public', data: content.publicUpdate }
	];
	if (content.citizensUpdate)
		parts.push({ name: 'citizens' as const, data: content.citizensUpdate });
	const header: StateHeader = {
		format: 'webocracy-state',
		version: FORMAT_VERSION,
		country: content.country,
		name: content.name,
		exportedAt: content.exportedAt ?? Date.now(),
		genesis: { record: content.genesis.record, signature: content.genesis.signature },
		parts: await Promise.all(
			parts.map(async (p) => ({
				name: p.name,
				bytes: p.data.byteLength,
				sha256: hex(await sha256(p.data))
			}))
		),
		secret: content.citizensUpdate ? content.secret : null,
		// A country may list more servers than a file carries: keep what the reader accepts.
		signaling: content.signaling
			.filter((url) => url.length <= MAX_SIGNALING_URL)
			.slice(0, MAX_SIGNALING)
	};
	const headerBytes = encoder.encode(JSON.stringify(header));
	const length = new Uint8Array(4);
	new DataView(length.buffer).setUint32(0, headerBytes.byteLength);
	const body = concatBytes([length, headerBytes, ...parts.map((p) => p.data)]);
	const sealed = concatBytes([body, await sha256(body)]);
	const compressed = (await transformBytes(sealed, new CompressionStream('gzip'), Infinity))!;
	const version = new Uint8Array(2);
	new DataView(version.buffer).setUint16(0, FORMAT_VERSION);
	return concatBytes([MAGIC, version, compressed]);
}

/**
 * Read and check a state file. Never throws. `limits` exist for tests: a decompression bomb
 * can be tried without inflating a gigabyte.
 */
export async function readStateFile(
	file: Uint8Array,
	limits: Partial<StateFileLimits> = {}
): Promise<Result<StateContent, StateFileError>> {
	const { maxFileBytes, maxContentBytes } = { ...LIMITS, ...limits };
	if (file.byteLength > maxFileBytes) {
		return err('file_too_large', `The file is over ${formatMiB(maxFileBytes)}.`);
	}
	const head = file.subarray(0, MAGIC.length);
	if (!file.byteLength || !head.every((b, i) => b === MAGIC[i])) {
		return err('file_not_webocracy', 'This is not a Webocracy country file.');
	}
	if (file.byteLength < MAGIC.length + 2) return err('file_truncated', 'The file is cut short.');
	const version = new DataView(file.buffer, file.byteOffset + MAGIC.length, 2).getUint16(0);
	if (version > FORMAT_VERSION) {
		return err(
			'format_newer',
			`This file was made by a newer Webocracy (format ${version}); update the app to read it.`
		);
	}
	if (version !== FORMAT_VERSION) {
		return err('file_not_webocracy', `Unknown state file format ${version}.`);
	}
	const compressed = file.subarray(MAGIC.length + 2);
	let sealed: Uint8Array;
	try {
		const inflated = await transformBytes(
			compressed,
			new DecompressionStream('gzip'),
			maxContentBytes
		);
		if (!inflated) {
			return err('file_too_large', 'The file inflates to more than this app will read.');
		}
		sealed = inflated;
	} catch {
		return err('file_truncated', 'The file is cut short or damaged: it does not decompress.');
	}
	// The gzip member must end the file. Node's inflater skips zero bytes after it (browsers
	// refuse them): its last four bytes, the content length mod 2^32, tell where it ended.
	const isize = new DataView(compressed.buffer, compressed.byteOffset + compressed.byteLength - 4);
	if (isize.getUint32(0, true) !== sealed.byteLength % 2 ** 32) {
		return err('file_corrupt', 'The file has bytes after its end.');
	}
	if (sealed.byteLength < 4 + 32) return err('file_truncated', 'The file is cut short.');
	const body = sealed.subarray(0, sealed.byteLength - 32);
	const expected = sealed.subarray(sealed.byteLength - 32);
	const actual = await sha256(body);
	if (!actual.every((b, i) => b === expected[i])) {
		return err('integrity_failed', 'The file is damaged: its integrity check does not match.');
	}
	const headerLength = new DataView(body.buffer, body.byteOffset, 4).getUint32(0);
	if (4 + headerLength > body.byteLength) return err('file_corrupt', 'The file header is damaged.');
	let raw: unknown;
	try {
		raw = JSON.parse(
			new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(4, 4 + headerLength))
		);
	} catch {
		return err('header_invalid', 'The file header is not readable.');
	}
	const parsed = v.safeParse(headerSchema, raw);
	if (!parsed.success) {
		return err('header_invalid', `The file header is not valid: ${parsed.issues[0].message}`);
	}
	const header = parsed.output;
	const mismatch = headerMismatch(header);
	if (mismatch) return err('header_invalid', `The file header is not valid: ${mismatch}.`);
	let offset = 4 + headerLength;
	const data = new Map<string, Uint8Array>();
	for (const part of header.parts) {
		const bytes = body.subarray(offset, offset + part.bytes);
		if (bytes.byteLength !== part.bytes || data.has(part.name)) {
			return err('file_corrupt', `The ${part.name} part is damaged.`);
		}
		if (hex(await sha256(bytes)) !== part.sha256) {
			return err('integrity_failed', `The ${part.name} part does not match its hash.`);
		}
		data.set(part.name, bytes);
		offset += part.bytes;
	}
	if (offset !== body.byteLength || !data.has('public')) {
		return err('file_corrupt', 'The file holds more or less than its header says.');
	}
	return ok({
		header,
		publicUpdate: data.get('public')!,
		citizensUpdate: data.get('citizens') ?? null
	});
}

const formatMiB = (bytes: number): string =>
	bytes >= 2 ** 20 ? `${Math.floor(bytes / 2 ** 20)} MB` : `${bytes} bytes`;

/**
 * What the schema cannot see: the header's genesis must be the country's (its id is the
 * country id, so the name shown before import is the one the founder signed), and the
 * citizens' secret travels only with the citizens' part.
 */
function headerMismatch(header: StateHeader): string | null {
	const genesis = parseEntry(header.country, header.genesis);
	if (!genesis.ok || genesis.value.record.kind !== 'genesis') {
		return 'its genesis is not the country’s founding record';
	}
	if (genesis.value.record.body.name !== header.name) return 'its name is not the country’s';
	if (header.secret !== null && !header.parts.some((p) => p.name === 'citizens')) {
		return 'a citizens’ secret without the citizens’ part';
	}
	return null;
}

/** The record entries inside a public-document update; junk that is not Yjs gives none. */
export function entriesOfUpdate(update: Uint8Array): Result<Map<string, unknown>, 'file_corrupt'> {
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, update);
		return ok(new Map(doc.getMap(RECORDS_MAP).entries()));
	} catch {
		return err('file_corrupt', 'The document inside the file does not decode.');
	} finally {
		doc.destroy();
	}
}
