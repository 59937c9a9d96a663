/**
 * The `.webocracy` state file (docs/state-file.md) with really signed records and the real
 * inline verifier: seeded property tests for round trips, idempotent import and merge, and a
 * table of bad input that must each give its own error, never a throw.
 */
import fc from 'fast-check';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../identity';
import { sha256Hex } from '../model';
import {
	entriesOfUpdate,
	FORMAT_VERSION,
	MAGIC,
	MAX_CONTENT_BYTES,
	MAX_FILE_BYTES,
	readStateFile,
	writeStateFile,
	type StateContent,
	type StateFileError
} from './state-file';
import { signer, T0, type Signed } from './fixtures/country';
import {
	closure,
	concat,
	craftStateFile,
	docWith,
	entriesIn,
	entriesOfSigned,
	exportDoc,
	headerFor,
	importFile,
	recordsMap,
	sealAndWrap,
	signedPool,
	utf8,
	type Pool
} from './fixtures/exchange';

/** Pinned: every run tries the same cases; a failure prints its seed and path to replay. */
const SEED = 0x3b0c_2025;
const RUNS = 40;
/** Property tests and byte-by-byte tables: generous on a shared two-core machine. */
const HEAVY = 90_000;

let pool: Pool;
let verifier: Verifier;
let indices: number[];

beforeAll(async () => {
	const [alice, bob, carol] = await Promise.all([signer('alice'), signer('bob'), signer('carol')]);
	pool = await signedPool({ founder: alice, second: bob, third: carol });
	verifier = createVerifier({ useWorkers: false });
	indices = pool.records.map((_, i) => i);
}, 60_000);

const pick = (chosen: readonly number[]): Signed[] => chosen.map((i) => pool.records[i]!);
const ids = (records: readonly Signed[]) => new Set(records.map((r) => r.id));
/** Some of the pool, in a random order. */
const someRecords = () => fc.shuffledSubarray(indices).map(pick);
/** Some of the pool with everything those records need: every record of it is valid. */
const selfSufficient = () =>
	fc.shuffledSubarray(indices).map((chosen) => {
		const wanted = closure(
			pool,
			pick(chosen).map((r) => r.id)
		);
		return pool.records.filter((r) => wanted.has(r.id));
	});

const SECRET = /^[A-Za-z0-9_-]{16,64}$/;
/** The citizens' document: a text and a map of whatever people wrote. */
const citizensContent = fc.record({
	notes: fc.string({ unit: 'grapheme', maxLength: 200 }),
	pages: fc.dictionary(
		fc.string({ maxLength: 12 }),
		fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean()),
		{ maxKeys: 8 }
	),
	secret: fc.stringMatching(SECRET)
});

function citizensDoc(content: { notes: string; pages: Record<string, unknown> }): Y.Doc {
	const doc = new Y.Doc();
	doc.transact(() => {
		doc.getText('notes').insert(0, content.notes);
		const pages = doc.getMap('pages');
		for (const [key, value] of Object.entries(content.pages)) pages.set(key, value);
	});
	return doc;
}

async function read(bytes: Uint8Array): Promise<StateContent> {
	const file = await readStateFile(bytes);
	if (!file.ok) throw new Error(`${file.code}: ${file.message}`);
	return file.value;
}

/** The records inside a file, as sorted [id, { record, signature }]. */
async function recordsIn(bytes: Uint8Array) {
	const entries = entriesOfUpdate((await read(bytes)).publicUpdate);
	if (!entries.ok) throw new Error(entries.message);
	return entriesIn(entries.value);
}

describe('round trip: random record sets come back byte for byte', () => {
	it(
		'[file] records written in any order and any transactions read back as the same set',
		async () => {
			await fc.assert(
				fc.asyncProperty(
					someRecords(),
					fc.integer({ min: 1, max: 4 }),
					fc.option(citizensContent, { nil: null }),
					async (records, transactions, citizens) => {
						const doc = docWith(records, transactions);
						const citizensPart = citizens && citizensDoc(citizens);
						const bytes = await exportDoc(doc, {
							pool,
							citizens: citizensPart,
							secret: citizens?.secret ?? 'dropped-without-the-citizens-part'
						});
						const content = await read(bytes);

						expect(content.publicUpdate).toEqual(Y.encodeStateAsUpdate(doc));
						expect(await recordsIn(bytes)).toEqual(entriesOfSigned(records));
						expect(content.header).toMatchObject({
							country: pool.country,
							name: 'Pool Republic',
							exportedAt: T0,
							genesis: pool.genesis.entry,
							parts: citizensPart
								? [{ name: 'public' }, { name: 'citizens' }]
								: [{ name: 'public' }]
						});
						if (!citizensPart) {
							expect(content.citizensUpdate).toBeNull();
							expect(content.header.secret).toBeNull();
							return;
						}
						expect(content.header.secret).toBe(citizens.secret);
						expect(content.citizensUpdate).toEqual(Y.encodeStateAsUpdate(citizensPart));
						const back = new Y.Doc();
						Y.applyUpdate(back, content.citizensUpdate!);
						expect(back.getText('notes').toString()).toBe(citizens.notes);
						expect(back.getMap('pages').toJSON()).toEqual(citizens.pages);
					}
				),
				{ seed: SEED, numRuns: RUNS }
			);
		},
		HEAVY
	);

	it('[file] writing is deterministic for the same state and time', async () => {
		const doc = docWith(pool.records);
		expect(await exportDoc(doc, { pool })).toEqual(await exportDoc(doc, { pool }));
	});

	it('[file] the writer keeps only the signaling servers a reader accepts', async () => {
		const long = `wss://${'x'.repeat(600)}.example`;
		const urls = Array.from({ length: 11 }, (_, i) => `wss://s${i}.example/signal`);
		const bytes = await writeStateFile({
			country: pool.country,
			name: 'Pool Republic',
			genesis: pool.genesis.entry,
			publicUpdate: Y.encodeStateAsUpdate(docWith([pool.genesis])),
			citizensUpdate: null,
			secret: null,
			signaling: [long, ...urls]
		});
		expect((await read(bytes)).header.signaling).toEqual(urls.slice(0, 8));
	});
});

describe('import: only valid records, idempotent, and a merge is the union', () => {
	it(
		'[import] importing a file twice changes nothing the second time',
		async () => {
			await fc.assert(
				fc.asyncProperty(someRecords(), someRecords(), async (inFile, held) => {
					const file = await exportDoc(docWith(inFile), { pool });
					const doc = docWith(held);
					await importFile(doc, file, { countryId: pool.country, verifier });
					const vector = Y.encodeStateVector(doc);
					const state = Y.encodeStateAsUpdate(doc);

					expect(await importFile(doc, file, { countryId: pool.country, verifier })).toBe(0);
					expect(Y.encodeStateVector(doc)).toEqual(vector);
					expect(Y.encodeStateAsUpdate(doc)).toEqual(state);
				}),
				{ seed: SEED, numRuns: RUNS }
			);
		},
		HEAVY
	);

	it(
		'[import] into an empty document, a file brings exactly its records whose needs it holds',
		async () => {
			await fc.assert(
				fc.asyncProperty(someRecords(), async (inFile) => {
					const file = await exportDoc(docWith(inFile), { pool });
					const doc = new Y.Doc();
					await importFile(doc, file, { countryId: pool.country, verifier });
					const inFileIds = ids(inFile);
					const complete = inFile.filter((r) =>
						[...closure(pool, [r.id])].every((id) => inFileIds.has(id))
					);
					expect(entriesIn(recordsMap(doc).entries())).toEqual(entriesOfSigned(complete));
				}),
				{ seed: SEED, numRuns: RUNS }
			);
		},
		HEAVY
	);

	it(
		'[import] a merge of two exports equals the union of their records, in either order',
		async () => {
			await fc.assert(
				fc.asyncProperty(selfSufficient(), selfSufficient(), async (a, b) => {
					const [fileA, fileB] = await Promise.all([
						exportDoc(docWith(a), { pool }),
						exportDoc(docWith(b), { pool })
					]);
					const union = entriesOfSigned(new Map([...a, ...b].map((r) => [r.id, r])).values());
					const merged = async (first: Uint8Array, second: Uint8Array) => {
						const doc = new Y.Doc();
						await importFile(doc, first, { countryId: pool.country, verifier });
						await importFile(doc, second, { countryId: pool.country, verifier });
						return entriesIn(recordsMap(doc).entries());
					};
					expect(await merged(fileA, fileB)).toEqual(union);
					expect(await merged(fileB, fileA)).toEqual(union);
				}),
				{ seed: SEED, numRuns: RUNS / 2 }
			);
		},
		HEAVY
	);
});

type Code = StateFileError;
const CODES: Code[] = [
	'file_too_large',
	'file_not_webocracy',
	'format_newer',
	'file_truncated',
	'file_corrupt',
	'integrity_failed',
	'header_invalid'
];

async function codeOf(bytes: Uint8Array, limits?: Parameters<typeof readStateFile>[1]) {
	const result = await readStateFile(bytes, limits);
	return result.ok ? 'ok' : result.code;
}

/** A file is either refused, or holds exactly what the original held. */
async function refusedOrSame(
	bytes: Uint8Array,
	original: StateContent
): Promise<'refused' | 'same'> {
	const result = await readStateFile(bytes);
	if (!result.ok) {
		expect(CODES).toContain(result.code);
		expect(result.message.length).toBeGreaterThan(0);
		return 'refused';
	}
	expect(result.value).toEqual(original);
	return 'same';
}

describe('bad input: a clear error for each, never a throw', () => {
	let small: Uint8Array;
	let smallContent: StateContent;
	let big: Uint8Array;
	let bigContent: StateContent;
	/**
	 * Bytes of the gzip framing that carry no content: in its header (offsets 10–19: ID1 ID2
	 * CM FLG MTIME×4 XFL OS) the FTEXT flag, mtime, XFL and OS; and the last byte of the
	 * deflate data, whose bits after the end-of-block code are padding.
	 */
	const noContent = (file: Uint8Array, offset: number) =>
		(offset >= 13 && offset <= 19) || offset === file.byteLength - 9;

	beforeAll(async () => {
		small = await exportDoc(docWith(pool.records.slice(0, 2)), { pool });
		smallContent = await read(small);
		big = await exportDoc(docWith(pool.records), {
			pool,
			citizens: citizensDoc({ notes: 'Minutes of the first assembly.', pages: { a: 1 } }),
			secret: 'citizens-secret-0123456789'
		});
		bigContent = await read(big);
	});

	it(
		'[file] every prefix of a small file is refused as cut short (empty: not a state file)',
		async () => {
			expect(small.byteLength).toBeLessThan(4096);
			for (let length = 0; length < small.byteLength; length++) {
				expect([length, await codeOf(small.subarray(0, length))]).toEqual([
					length,
					length === 0 ? 'file_not_webocracy' : 'file_truncated'
				]);
			}
		},
		HEAVY
	);

	it(
		'[file] prefixes of a bigger file are refused as cut short',
		async () => {
			const random = fc.sample(fc.integer({ min: 1, max: big.byteLength - 1 }), {
				seed: SEED,
				numRuns: 150
			});
			const lengths = [...random, 1, 9, 10, 11, big.byteLength - 1, big.byteLength - 8];
			for (const length of lengths) {
				expect([length, await codeOf(big.subarray(0, length))]).toEqual([length, 'file_truncated']);
			}
		},
		HEAVY
	);

	it(
		'[file] one flipped byte anywhere in a small file is refused, or changes nothing read',
		async () => {
			const same: number[] = [];
			for (let offset = 0; offset < small.byteLength; offset++) {
				for (const mask of [0x01, 0xfe]) {
					const copy = small.slice();
					copy[offset]! ^= mask;
					if ((await refusedOrSame(copy, smallContent)) === 'same') same.push(offset);
				}
			}
			// Only bytes of the gzip framing that carry no content can change without an error.
			expect(same.filter((offset) => !noContent(small, offset))).toEqual([]);
			expect(same.length).toBeGreaterThan(0);
		},
		HEAVY
	);

	it(
		'[file] one flipped byte in a bigger file is refused, or changes nothing read',
		async () => {
			const flips = fc.sample(
				fc.tuple(fc.integer({ min: 0, max: big.byteLength - 1 }), fc.integer({ min: 1, max: 255 })),
				{ seed: SEED, numRuns: 300 }
			);
			for (const [offset, mask] of flips) {
				const copy = big.slice();
				copy[offset]! ^= mask;
				if ((await refusedOrSame(copy, bigContent)) === 'same') {
					expect([offset, noContent(big, offset)]).toEqual([offset, true]);
				}
			}
		},
		HEAVY
	);

	const magic = Array.from(MAGIC);
	const version = (n: number) => [n >> 8, n & 0xff];
	/** [name, bytes after which nothing is read, expected code] */
	const headTable: [string, () => Uint8Array, Code][] = [
		['an empty file', () => new Uint8Array(), 'file_not_webocracy'],
		['zero bytes', () => new Uint8Array(1024), 'file_not_webocracy'],
		[
			'JSON',
			() => utf8(JSON.stringify({ format: 'webocracy-state', version: 1 })),
			'file_not_webocracy'
		],
		[
			'a PNG',
			() => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
			'file_not_webocracy'
		],
		['a plain gzip file', () => new Uint8Array(gzipSync(utf8('hello'))), 'file_not_webocracy'],
		[
			'the magic in text mode (CR LF → LF)',
			() => Uint8Array.from([...magic.slice(0, 5), 0x0a, 0x1a, 0, 1]),
			'file_not_webocracy'
		],
		['the magic alone', () => MAGIC.slice(), 'file_truncated'],
		['the magic and half a version', () => Uint8Array.from([...magic, 0]), 'file_truncated'],
		['version 0', () => Uint8Array.from([...magic, ...version(0), 1, 2, 3]), 'file_not_webocracy'],
		['version 2', () => Uint8Array.from([...magic, ...version(2), 1, 2, 3]), 'format_newer'],
		['version 65535', () => Uint8Array.from([...magic, ...version(65535)]), 'format_newer'],
		[
			'the version and nothing else',
			() => Uint8Array.from([...magic, ...version(FORMAT_VERSION)]),
			'file_truncated'
		],
		[
			'junk after the version',
			() => Uint8Array.from([...magic, ...version(1), 1, 2, 3, 4]),
			'file_truncated'
		]
	];
	it.each(headTable.map(([name, bytes, code]) => ({ name, bytes, code })))(
		'[file] $name: $code',
		async ({ bytes, code }) => {
			expect(await codeOf(bytes())).toBe(code);
		}
	);

	it('[file] each wrong magic byte makes it not a state file', async () => {
		for (let i = 0; i < MAGIC.length; i++) {
			const copy = small.slice();
			copy[i]! ^= 0x20;
			expect(await codeOf(copy)).toBe('file_not_webocracy');
		}
	});

	it('[file] a newer format version is refused before anything else is read', async () => {
		const newer = small.slice();
		newer[MAGIC.length + 1] = 2;
		const result = await readStateFile(newer);
		expect(result).toMatchObject({ ok: false, code: 'format_newer' });
		expect(!result.ok && result.message).toMatch(/newer/);
	});

	/** A valid body to edit: the public part of two records, and a citizens part. */
	const parts = () => {
		const publicPart = Y.encodeStateAsUpdate(docWith(pool.records.slice(0, 2)));
		const citizensPart = Y.encodeStateAsUpdate(citizensDoc({ notes: 'n', pages: {} }));
		return { publicPart, citizensPart };
	};
	const withHeader = (edit: (header: Record<string, unknown>) => void, secret?: string) => {
		const { publicPart } = parts();
		const header = headerFor({ pool, parts: [{ name: 'public', data: publicPart }], secret });
		edit(header);
		return craftStateFile({ header, body: publicPart });
	};
	const partsOf = (header: Record<string, unknown>) =>
		header.parts as { name: string; bytes: number; sha256: string }[];
	const genesisOfAnother = () => ({ ...pool.records[1]!.entry });

	/** [name, the file, expected code] */
	const bodyTable: [string, () => Uint8Array, Code | 'ok'][] = [
		['a hand-made file with nothing wrong', () => withHeader(() => {}), 'ok'],
		[
			'a hand-made file with both parts and the secret',
			() => {
				const { publicPart, citizensPart } = parts();
				const header = headerFor({
					pool,
					parts: [
						{ name: 'public', data: publicPart },
						{ name: 'citizens', data: citizensPart }
					],
					secret: 'citizens-secret-0123456789'
				});
				return craftStateFile({ header, body: concat(publicPart, citizensPart) });
			},
			'ok'
		],
		[
			'format of another program',
			() => withHeader((h) => (h.format = 'other-state')),
			'header_invalid'
		],
		['version 2 inside the header', () => withHeader((h) => (h.version = 2)), 'header_invalid'],
		[
			'a country id that is not hex',
			() => withHeader((h) => (h.country = 'Z'.repeat(64))),
			'header_invalid'
		],
		[
			'a country id that is not its genesis’ id',
			() => withHeader((h) => (h.country = sha256Hex('another country'))),
			'header_invalid'
		],
		[
			'a genesis whose text was changed',
			() =>
				withHeader((h) => {
					const genesis = h.genesis as { record: string };
					genesis.record = genesis.record.replace('Pool Republic', 'Fool Republic');
				}),
			'header_invalid'
		],
		[
			'a founding record that is not a genesis',
			() =>
				withHeader((h) => {
					h.country = pool.records[1]!.id;
					h.genesis = genesisOfAnother();
				}),
			'header_invalid'
		],
		[
			'a name that is not the genesis’ name',
			() => withHeader((h) => (h.name = 'Free Republic')),
			'header_invalid'
		],
		[
			'a name over 200 characters',
			() => withHeader((h) => (h.name = 'n'.repeat(201))),
			'header_invalid'
		],
		[
			'an export time with a fraction',
			() => withHeader((h) => (h.exportedAt = 1.5)),
			'header_invalid'
		],
		['an unknown header field', () => withHeader((h) => (h.extra = true)), 'header_invalid'],
		['no parts', () => withHeader((h) => (h.parts = [])), 'header_invalid'],
		[
			'three parts',
			() => withHeader((h) => (h.parts = [...partsOf(h), ...partsOf(h), ...partsOf(h)])),
			'header_invalid'
		],
		[
			'a part of unknown name',
			() => withHeader((h) => (partsOf(h)[0]!.name = 'private')),
			'header_invalid'
		],
		[
			'a part of negative length',
			() => withHeader((h) => (partsOf(h)[0]!.bytes = -1)),
			'header_invalid'
		],
		[
			'a part hash in capitals',
			() => withHeader((h) => (partsOf(h)[0]!.sha256 = partsOf(h)[0]!.sha256.toUpperCase())),
			'header_invalid'
		],
		[
			'the citizens’ secret without the citizens’ part',
			() => withHeader(() => {}, 'citizens-secret-0123456789'),
			'header_invalid'
		],
		[
			'nine signaling servers',
			() => withHeader((h) => (h.signaling = Array.from({ length: 9 }, (_, i) => `wss://s${i}`))),
			'header_invalid'
		],
		['a header that is an array', () => craftStateFile({ header: [1, 2] }), 'header_invalid'],
		[
			'a header that is not JSON',
			() => craftStateFile({ header: utf8('{"format":') }),
			'header_invalid'
		],
		[
			'a header that is not UTF-8',
			() => craftStateFile({ header: Uint8Array.from([0x22, 0xff, 0x22]) }),
			'header_invalid'
		],
		[
			'a header length past the end',
			() => craftStateFile({ header: {}, headerLength: 1e6 }),
			'file_corrupt'
		],
		[
			'a part longer than the file',
			() => withHeader((h) => (partsOf(h)[0]!.bytes += 1)),
			'file_corrupt'
		],
		[
			'a part shorter than it is (its hash is over fewer bytes)',
			() => withHeader((h) => (partsOf(h)[0]!.bytes -= 1)),
			'integrity_failed'
		],
		[
			'the public part twice',
			() => {
				const { publicPart } = parts();
				const twice = [
					{ name: 'public', data: publicPart },
					{ name: 'public', data: publicPart }
				];
				return craftStateFile({
					header: headerFor({ pool, parts: twice }),
					body: concat(publicPart, publicPart)
				});
			},
			'file_corrupt'
		],
		[
			'only a citizens part',
			() => {
				const { citizensPart } = parts();
				const only = [{ name: 'citizens', data: citizensPart }];
				return craftStateFile({
					header: headerFor({ pool, parts: only, secret: 'citizens-secret-0123456789' }),
					body: citizensPart
				});
			},
			'file_corrupt'
		],
		[
			'extra bytes after the last part',
			() => {
				const { publicPart } = parts();
				const header = headerFor({ pool, parts: [{ name: 'public', data: publicPart }] });
				return craftStateFile({ header, body: concat(publicPart, utf8('more')) });
			},
			'file_corrupt'
		],
		[
			'a part that does not match its hash',
			() => {
				const { publicPart } = parts();
				const header = headerFor({ pool, parts: [{ name: 'public', data: publicPart }] });
				const changed = publicPart.slice();
				changed[changed.length - 1]! ^= 1;
				return craftStateFile({ header, body: changed });
			},
			'integrity_failed'
		],
		[
			'a wrong integrity trailer',
			() => craftStateFile({ header: {}, trailer: new Uint8Array(32) }),
			'integrity_failed'
		],
		['content shorter than its trailer', () => sealAndWrap(utf8('short')), 'file_truncated'],
		[
			'zero bytes after the compressed content',
			() => concat(small, new Uint8Array(4)),
			'file_corrupt'
		],
		['junk after the compressed content', () => concat(small, utf8('junk')), 'file_truncated'],
		[
			'a second gzip member after the first',
			() => concat(small, small.subarray(10)),
			'file_corrupt'
		]
	];
	it.each(bodyTable.map(([name, bytes, code]) => ({ name, bytes, code })))(
		'[file] $name: $code',
		async ({ bytes, code }) => {
			expect(await codeOf(bytes())).toBe(code);
		}
	);

	it('[file] a decompression bomb is refused once it inflates past the limit', async () => {
		const bomb = sealAndWrap(new Uint8Array(16 * 1024 * 1024));
		expect(bomb.byteLength).toBeLessThan(64 * 1024);
		expect(await codeOf(bomb, { maxContentBytes: 1024 * 1024 })).toBe('file_too_large');
		// Under the real limit the same file inflates, and fails only its integrity check.
		expect(MAX_CONTENT_BYTES).toBeGreaterThan(16 * 1024 * 1024);
		expect(await codeOf(bomb)).toBe('integrity_failed');
	});

	it('[file] content exactly at the inflate limit is read; one byte over is refused', async () => {
		const content = gunzipSync(small.subarray(MAGIC.length + 2)).byteLength;
		expect(await codeOf(small, { maxContentBytes: content })).toBe('ok');
		expect(await codeOf(small, { maxContentBytes: content - 1 })).toBe('file_too_large');
	});

	it('[file] a file over the size limit is refused before any byte is read', async () => {
		expect(await codeOf(small, { maxFileBytes: small.byteLength })).toBe('ok');
		expect(await codeOf(small, { maxFileBytes: small.byteLength - 1 })).toBe('file_too_large');
		// The real limit, with a buffer the reader never touches (the OS maps its zero pages lazily).
		const huge = new Uint8Array(MAX_FILE_BYTES + 1);
		const result = await readStateFile(huge);
		expect(result).toMatchObject({ ok: false, code: 'file_too_large' });
		expect(!result.ok && result.message).toMatch(/256 MB/);
	});
});

describe('never throws', () => {
	const never = async (bytes: Uint8Array) => {
		const result = await readStateFile(bytes);
		if (!result.ok) expect(CODES).toContain(result.code);
		return result;
	};
	const head = Uint8Array.from([...MAGIC, 0, FORMAT_VERSION]);

	it(
		'[file] readStateFile answers every input: arbitrary bytes, after the magic, inside gzip, inside a sealed body',
		async () => {
			const junk = fc.uint8Array({ maxLength: 2048 });
			const inputs = fc.oneof(
				junk,
				junk.map((bytes) => concat(head, bytes)),
				junk.map((bytes) => concat(head, new Uint8Array(gzipSync(bytes)))),
				fc
					.tuple(fc.oneof(junk, fc.jsonValue()), junk, fc.option(fc.nat(5000), { nil: undefined }))
					.map(([header, body, headerLength]) => craftStateFile({ header, body, headerLength }))
			);
			await fc.assert(
				fc.asyncProperty(inputs, async (bytes) => {
					const result = await never(bytes);
					expect(result.ok).toBe(false);
				}),
				{ seed: SEED, numRuns: 400 }
			);
		},
		HEAVY
	);

	it(
		'[file] readStateFile answers every mutation of a valid file, and accepts only unchanged content',
		async () => {
			const original = await exportDoc(docWith(pool.records.slice(0, 6)), { pool });
			const content = await read(original);
			const edit = fc.oneof(
				fc.record({ flip: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
				fc.record({ insert: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
				fc.record({ remove: fc.nat() }),
				fc.record({ cut: fc.nat() })
			);
			await fc.assert(
				fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
					let bytes: Uint8Array = original.slice();
					for (const e of edits) {
						if ('flip' in e && bytes.length) bytes[e.flip % bytes.length]! ^= e.mask;
						else if ('insert' in e) {
							const at = e.insert % (bytes.length + 1);
							bytes = concat(bytes.subarray(0, at), Uint8Array.of(e.byte), bytes.subarray(at));
						} else if ('remove' in e && bytes.length) {
							const at = e.remove % bytes.length;
							bytes = concat(bytes.subarray(0, at), bytes.subarray(at + 1));
						} else if ('cut' in e) bytes = bytes.slice(0, e.cut % (bytes.length + 1));
					}
					const result = await never(bytes);
					if (result.ok) expect(result.value).toEqual(content);
				}),
				{ seed: SEED, numRuns: 400 }
			);
		},
		HEAVY
	);

	it('[file] entriesOfUpdate answers junk and damaged updates without throwing', () => {
		const update = Y.encodeStateAsUpdate(docWith(pool.records.slice(0, 6)));
		const damaged = fc
			.tuple(fc.nat(update.length - 1), fc.integer({ min: 1, max: 255 }))
			.map(([at, mask]) => {
				const copy = update.slice();
				copy[at]! ^= mask;
				return copy;
			});
		const cut = fc.nat(update.length).map((n) => update.slice(0, n));
		fc.assert(
			fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), damaged, cut), (bytes) => {
				const entries = entriesOfUpdate(bytes);
				if (entries.ok) expect(entries.value).toBeInstanceOf(Map);
				else expect(entries.code).toBe('file_corrupt');
			}),
			{ seed: SEED, numRuns: 500 }
		);
	});
});
