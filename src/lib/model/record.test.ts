import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalText } from './canonical';
import { sha256Hex, sha256HexPortable } from './hash';
import {
	checkRecord,
	cleanText,
	encodeRecord,
	isKind,
	KINDS,
	MAX_RECORD_BYTES,
	MAX_SIGNATURE_CHARS,
	parseEntry,
	type AnyRecord,
	type ParsedRecord,
	type SignedEntry
} from './record';
import { err, ok, type ReasonCode, type Result } from './result';
import {
	citizenRecord,
	entryOf,
	FAKE_SIGNATURE,
	genesisRecord,
	inviteCode,
	inviteRecord,
	person,
	REMOVE,
	withPath
} from './fixtures/records';

const founder = person('founder');
const genesis = genesisRecord({ founder, at: 1 });
const countryId = entryOf(genesis).id;
const citizen = citizenRecord(countryId, {
	who: founder,
	at: 2,
	admission: { type: 'founder' }
});
const invite = inviteRecord(countryId, { by: founder, at: 3, code: inviteCode('one') });
const HEX64 = 'ab'.repeat(32);

describe('checkRecord: the envelope', () => {
	type Case = [name: string, input: unknown, code: ReasonCode, path: string];
	const cases: Case[] = [
		[
			'[R16] v missing (malformed, not another version)',
			withPath(genesis, 'v', REMOVE),
			'schema_invalid',
			'v'
		],
		['[R15] v 2', withPath(genesis, 'v', 2), 'version_unsupported', 'v'],
		['[R15] v 0', withPath(genesis, 'v', 0), 'version_unsupported', 'v'],
		['[R15] v "1" (a string)', withPath(genesis, 'v', '1'), 'version_unsupported', 'v'],
		['[R15] v 2 with an unknown shape', { v: 2, anything: true }, 'version_unsupported', 'v'],
		['[R16] kind missing', withPath(genesis, 'kind', REMOVE), 'schema_invalid', 'kind'],
		['[R16] kind not a string', withPath(genesis, 'kind', 7), 'schema_invalid', 'kind'],
		['[R17] kind "poll" (unknown)', withPath(invite, 'kind', 'poll'), 'kind_unknown', 'kind'],
		['[R17] kind "toString"', withPath(invite, 'kind', 'toString'), 'kind_unknown', 'kind'],
		['[R17] kind "__proto__"', withPath(invite, 'kind', '__proto__'), 'kind_unknown', 'kind'],
		['[R17] kind "Genesis" (case)', withPath(genesis, 'kind', 'Genesis'), 'kind_unknown', 'kind'],
		['[R16] country missing', withPath(invite, 'country', REMOVE), 'schema_invalid', 'country'],
		[
			'[R16] country not hex',
			withPath(invite, 'country', 'x'.repeat(64)),
			'schema_invalid',
			'country'
		],
		[
			'[R16] country in uppercase hex',
			withPath(invite, 'country', countryId.toUpperCase()),
			'schema_invalid',
			'country'
		],
		[
			'[R19] a genesis that names a country',
			withPath(genesis, 'country', HEX64),
			'schema_invalid',
			'country'
		],
		[
			'[R19] a citizen without a country',
			withPath(citizen, 'country', ''),
			'schema_invalid',
			'country'
		],
		[
			'[R19] an invite without a country',
			withPath(invite, 'country', ''),
			'schema_invalid',
			'country'
		],
		['[R16] author missing', withPath(invite, 'author', REMOVE), 'schema_invalid', 'author'],
		[
			'[R16] author in uppercase',
			withPath(invite, 'author', 'AB'.repeat(20)),
			'schema_invalid',
			'author'
		],
		[
			'[R16] author of 39 hex digits',
			withPath(invite, 'author', 'a'.repeat(39)),
			'schema_invalid',
			'author'
		],
		[
			'[R16] author of 41 hex digits',
			withPath(invite, 'author', 'a'.repeat(41)),
			'schema_invalid',
			'author'
		],
		[
			'[R16] author with a 0x prefix',
			withPath(invite, 'author', '0x' + 'a'.repeat(38)),
			'schema_invalid',
			'author'
		],
		['[R16] at missing', withPath(invite, 'at', REMOVE), 'schema_invalid', 'at'],
		['[R16] at negative', withPath(invite, 'at', -1), 'schema_invalid', 'at'],
		['[R16] at a fraction', withPath(invite, 'at', 1.5), 'schema_invalid', 'at'],
		['[R16] at a string', withPath(invite, 'at', '3'), 'schema_invalid', 'at'],
		['[R16] at beyond safe integers', withPath(invite, 'at', 2 ** 53), 'schema_invalid', 'at'],
		['[R16] body missing', withPath(invite, 'body', REMOVE), 'schema_invalid', 'body'],
		['[R16] body null', withPath(invite, 'body', null), 'schema_invalid', 'body'],
		['[R16] an unknown extra field', withPath(invite, 'extra', 1), 'schema_invalid', 'extra'],
		['[R16] a string instead of an object', 'genesis', 'schema_invalid', ''],
		['[R16] null instead of an object', null, 'schema_invalid', ''],
		['[R16] an array instead of an object', [], 'schema_invalid', 'v']
	];

	it.each(cases)('%s → %s', (_name, input, code, path) => {
		expect(checkRecord(input)).toMatchObject({ ok: false, code, path });
	});

	it.each([
		['a genesis', genesis],
		['a citizen', citizen],
		['an invite', invite],
		['a v6 (64-hex) author', withPath(invite, 'author', 'c'.repeat(64))],
		['at 0', withPath(invite, 'at', 0)],
		['at Number.MAX_SAFE_INTEGER', withPath(invite, 'at', Number.MAX_SAFE_INTEGER)]
	])('accepts %s', (_name, input) => {
		expect(checkRecord(input)).toEqual({ ok: true, value: input });
	});

	it('knows exactly the content kinds and the governance kinds', () => {
		expect([...KINDS].sort()).toEqual([
			'ballot',
			'candidacy',
			'citizen',
			'election',
			'feature',
			'filter',
			'genesis',
			'invite',
			'message',
			'page',
			'post',
			'result',
			'retraction',
			'thread'
		]);
		expect(isKind('genesis')).toBe(true);
		expect(isKind('constructor')).toBe(false);
	});

	it('says what is wrong in the message, prefixed by the path', () => {
		const result = checkRecord(withPath(genesis, 'body.constitution.seats', 0));
		expect(result).toMatchObject({ ok: false, path: 'body.constitution.seats' });
		if (!result.ok) expect(result.message).toMatch(/^body\.constitution\.seats: /);
	});
});

describe('parseEntry', () => {
	const good = entryOf(invite);
	const textOf = (record: unknown) => {
		const text = canonicalText(record);
		if (!text.ok) throw new Error(text.message);
		return text.value;
	};
	/** An entry for arbitrary text, under the id that text really has. */
	const entryFor = (text: string, signature = FAKE_SIGNATURE) =>
		[sha256Hex(text), { record: text, signature }] as const;

	type Case = [name: string, id: string, entry: unknown, code: ReasonCode, path: string];
	const cases: Case[] = [
		['[R10] null', good.id, null, 'entry_malformed', ''],
		['[R10] undefined', good.id, undefined, 'entry_malformed', ''],
		['[R10] a string', good.id, good.entry.record, 'entry_malformed', ''],
		['[R10] a number', good.id, 42, 'entry_malformed', ''],
		['[R10] an array', good.id, [good.entry.record, good.entry.signature], 'entry_malformed', ''],
		['[R10] no record', good.id, { signature: FAKE_SIGNATURE }, 'entry_malformed', ''],
		[
			'[R10] a record that is an object',
			good.id,
			{ record: invite, signature: FAKE_SIGNATURE },
			'entry_malformed',
			''
		],
		['[R10] no signature', good.id, { record: good.entry.record }, 'entry_malformed', ''],
		[
			'[R10] a signature that is bytes',
			good.id,
			{ ...good.entry, signature: new Uint8Array([1]) },
			'entry_malformed',
			''
		],
		[
			'[R12] an empty signature',
			good.id,
			{ ...good.entry, signature: '' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] a signature with spaces',
			good.id,
			{ ...good.entry, signature: 'c2ln bmF0' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] a signature with a line break',
			good.id,
			{ ...good.entry, signature: 'c2ln\nbmF0' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] an armored signature',
			good.id,
			{ ...good.entry, signature: '-----BEGIN PGP SIGNATURE-----' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] a base64url signature',
			good.id,
			{ ...good.entry, signature: 'ab-_' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] a signature of 1 character',
			good.id,
			{ ...good.entry, signature: 'A' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] a signature missing its padding',
			good.id,
			{ ...good.entry, signature: 'QQ' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] a signature with wrong padding',
			good.id,
			{ ...good.entry, signature: 'QUJ==' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] padding in the middle',
			good.id,
			{ ...good.entry, signature: 'QQ==QQ==' },
			'entry_malformed',
			'signature'
		],
		[
			'[R12] a signature over 4096 characters',
			good.id,
			{ ...good.entry, signature: 'A'.repeat(MAX_SIGNATURE_CHARS + 4) },
			'entry_malformed',
			'signature'
		],
		[
			'[R11] a record over 256 KiB of characters',
			good.id,
			{ ...good.entry, record: ' '.repeat(MAX_RECORD_BYTES + 1) },
			'record_too_large',
			''
		],
		[
			'[R11] a record under 256 Ki characters but over 256 KiB of UTF-8',
			...entryFor(JSON.stringify('é'.repeat(MAX_RECORD_BYTES / 2))),
			'record_too_large',
			''
		],
		[
			'[R13] record text that is not JSON',
			good.id,
			{ ...good.entry, record: '{"v":1,' },
			'record_malformed',
			''
		],
		[
			'[R13] record text that is empty',
			good.id,
			{ ...good.entry, record: '' },
			'record_malformed',
			''
		],
		[
			'[R13] record text with spaces',
			good.id,
			{ ...good.entry, record: JSON.stringify(invite, null, 1) },
			'record_not_canonical',
			''
		],
		[
			'[R13] record text with unsorted keys',
			good.id,
			{ ...good.entry, record: JSON.stringify(invite) },
			'record_not_canonical',
			''
		],
		[
			'[R13] record text with a non-NFC name',
			good.id,
			{ ...good.entry, record: JSON.stringify(withPath(citizen, 'body.name', 'Zoe\u0308')) },
			'record_not_canonical',
			'body.name'
		],
		[
			'[R13] record text with a fractional time',
			good.id,
			{ ...good.entry, record: textOf(invite).replace('"at":3', '"at":3.5') },
			'record_not_canonical',
			'at'
		],
		['[R14] the id of another record', entryOf(genesis).id, good.entry, 'record_malformed', 'id'],
		['[R14] the id in uppercase', good.id.toUpperCase(), good.entry, 'record_malformed', 'id'],
		['[R14] an empty id', '', good.entry, 'record_malformed', 'id'],
		[
			'[R15] a record of version 2',
			...entryFor(textOf(withPath(invite, 'v', 2))),
			'version_unsupported',
			'v'
		],
		[
			'[R17] a record of an unknown kind',
			...entryFor(textOf(withPath(invite, 'kind', 'poll'))),
			'kind_unknown',
			'kind'
		],
		[
			'[R18] a record with a bad body',
			...entryFor(textOf(withPath(invite, 'body.codeHash', 'nope'))),
			'schema_invalid',
			'body.codeHash'
		],
		['[R16] canonical JSON that is not a record', ...entryFor('[]'), 'schema_invalid', 'v']
	];

	it.each(cases)('%s → %s', (_name, id, entry, code, path) => {
		expect(parseEntry(id, entry)).toMatchObject({ ok: false, code, path });
	});

	it('reads a good entry back into the record it was made from', () => {
		expect(parseEntry(good.id, good.entry)).toEqual({
			ok: true,
			value: { id: good.id, text: good.entry.record, signature: FAKE_SIGNATURE, record: invite }
		});
	});

	it.each(['QQ==', 'QUI=', 'QUJD', 'c2lnbmF0dXJl', 'A+/9'.repeat(MAX_SIGNATURE_CHARS / 4)])(
		'[R12] accepts the base64 signature %s',
		(signature) => {
			expect(parseEntry(good.id, { ...good.entry, signature }).ok).toBe(true);
		}
	);

	it('ignores fields other than record and signature', () => {
		expect(parseEntry(good.id, { ...good.entry, note: 'hi' }).ok).toBe(true);
	});

	it('[R11] a record of exactly 256 KiB of UTF-8 is not too large', () => {
		const text = JSON.stringify('é'.repeat(MAX_RECORD_BYTES / 2 - 1)); // 2 quote bytes
		expect(new TextEncoder().encode(text).length).toBe(MAX_RECORD_BYTES);
		expect(parseEntry(...entryFor(text))).toMatchObject({ code: 'schema_invalid' });
	});

	it('checks in order: size before signature, canonical form before id, id before schema', () => {
		const huge = ' '.repeat(MAX_RECORD_BYTES + 1);
		expect(parseEntry('', { record: huge, signature: '!' })).toMatchObject({
			code: 'record_too_large'
		});
		expect(parseEntry('', { record: '{"b":1,"a":1}', signature: FAKE_SIGNATURE })).toMatchObject({
			code: 'record_not_canonical'
		});
		expect(parseEntry('', { record: '{}', signature: FAKE_SIGNATURE })).toMatchObject({
			code: 'record_malformed',
			path: 'id'
		});
	});
});

describe('encodeRecord', () => {
	it.each([
		['a genesis', genesis],
		['a citizen', citizen],
		['an invite', invite]
	] as [string, AnyRecord][])('gives %s its canonical text and id', (_name, record) => {
		const encoded = encodeRecord(record);
		const text = canonicalText(record);
		expect(text.ok).toBe(true);
		if (!text.ok) return;
		expect(encoded).toEqual({ ok: true, value: { id: sha256Hex(text.value), text: text.value } });
	});

	it('does not depend on the order fields were written in', () => {
		const { body, at, author, country, kind, v } = invite;
		expect(encodeRecord({ body, at, author, country, kind, v })).toEqual(encodeRecord(invite));
	});

	it('refuses a record that fails its schema, with the schema code', () => {
		const record = withPath(invite, 'body.codeHash', 'nope') as AnyRecord;
		expect(encodeRecord(record)).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'body.codeHash'
		});
	});

	it('refuses text that is not NFC: constructors must cleanText first', () => {
		const record = withPath(citizen, 'body.name', 'Zoe\u0308') as AnyRecord;
		expect(encodeRecord(record)).toMatchObject({
			ok: false,
			code: 'record_not_canonical',
			path: 'body.name'
		});
		const cleaned = withPath(citizen, 'body.name', cleanText('Zoe\u0308')) as AnyRecord;
		expect(encodeRecord(cleaned).ok).toBe(true);
	});

	it('refuses at = -0, which only the canonical encoder notices', () => {
		const record = withPath(invite, 'at', -0) as AnyRecord;
		expect(encodeRecord(record)).toMatchObject({
			ok: false,
			code: 'record_not_canonical',
			path: 'at'
		});
	});
});

describe('cleanText', () => {
	it.each([
		['decomposed letters', 'Zoe\u0308 Cafe\u0301', 'Zoë Café'],
		['the Angstrom sign', '\u212b', 'Å'],
		['surrounding spaces and tabs', ' \tname\n', 'name'],
		['no-break spaces at the ends', '\u00a0name\u00a0', 'name'],
		['inner spaces stay', 'a  b', 'a  b']
	])('normalises %s', (_name, input, output) => {
		expect(cleanText(input)).toBe(output);
	});

	it('is idempotent and its output is NFC and trimmed (property)', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
				const once = cleanText(text);
				expect(cleanText(once)).toBe(once);
				expect(once.normalize('NFC')).toBe(once);
				expect(once.trim()).toBe(once);
			}),
			{ seed: 0x5eed, numRuns: 300 }
		);
	});
});

/** parseEntry as it was before its cheaper route: the encoder's re-encoding, noble's hash. */
function referenceParseEntry(id: string, entry: unknown): Result<ParsedRecord> {
	if (typeof entry !== 'object' || entry === null) {
		return err('entry_malformed', 'entry is not an object');
	}
	const { record: text, signature } = entry as Partial<Record<keyof SignedEntry, unknown>>;
	if (typeof text !== 'string' || typeof signature !== 'string') {
		return err('entry_malformed', 'entry needs a record text and a signature');
	}
	if (text.length > MAX_RECORD_BYTES) return err('record_too_large', 'record is too large');
	const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
	if (signature.length > MAX_SIGNATURE_CHARS || !base64.test(signature)) {
		return err('entry_malformed', 'signature is not base64', 'signature');
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return err('record_malformed', 'record is not JSON');
	}
	const again = canonicalText(value);
	if (!again.ok) {
		return err('record_not_canonical', `record is not canonical: ${again.message}`, again.path);
	}
	if (again.value !== text) {
		return err('record_not_canonical', 'record is not canonical: not in canonical form', '');
	}
	if (new TextEncoder().encode(text).length > MAX_RECORD_BYTES) {
		return err('record_too_large', 'record is too large');
	}
	if (sha256HexPortable(text) !== id) {
		return err('record_malformed', 'record does not match its id', 'id');
	}
	const record = checkRecord(value);
	if (!record.ok) return record;
	return ok({ id, text, signature, record: record.value });
}

describe('parseEntry never throws (properties)', () => {
	const SEEDS = [0x5eed];
	const validTexts = [genesis, citizen, invite].map((r) => entryOf(r).entry.record);
	const mutatedText = fc
		.tuple(fc.constantFrom(...validTexts), fc.nat(), fc.string({ maxLength: 3 }))
		.map(([text, at, insert]) => {
			const i = at % (text.length + 1);
			return text.slice(0, i) + insert + text.slice(i + 1);
		});
	const recordText = fc.oneof(
		fc.string(),
		fc.string({ unit: 'binary' }),
		fc.json(),
		fc.constantFrom(...validTexts),
		mutatedText
	);
	const id = fc.oneof(
		fc.string(),
		fc.constantFrom(...validTexts.map((text) => sha256Hex(text))),
		fc.stringMatching(/^[0-9a-f]{64}$/)
	);
	const entry = fc.oneof(
		fc.anything(),
		fc.record({ record: recordText, signature: fc.oneof(fc.string(), fc.base64String()) }),
		fc.record(
			{ record: fc.anything(), signature: fc.anything(), extra: fc.anything() },
			{ requiredKeys: [] }
		)
	);
	/** Near the size limit: ASCII, or 3 UTF-8 bytes per unit (within it in units, not bytes). */
	const bigTexts = ['a', '€'].flatMap((unit) =>
		[-2, 0, 2].map((delta) => {
			const units = Math.floor(MAX_RECORD_BYTES / (unit === 'a' ? 1 : 3)) - 60 + delta;
			const text = canonicalText({
				...citizen,
				body: { ...citizen.body, name: unit.repeat(units) }
			});
			return text.ok ? text.value : '';
		})
	);
	const bigText = fc.constantFrom(...bigTexts);
	const codes: ReasonCode[] = [
		'entry_malformed',
		'record_too_large',
		'record_malformed',
		'record_not_canonical',
		'version_unsupported',
		'kind_unknown',
		'schema_invalid'
	];

	for (const seed of SEEDS) {
		it(`returns a result with a parse-time code for any input (seed ${seed})`, () => {
			fc.assert(
				fc.property(id, entry, (key, value) => {
					const result = parseEntry(key, value);
					if (result.ok) {
						expect(sha256Hex(result.value.text)).toBe(key);
						expect(encodeRecord(result.value.record)).toEqual({
							ok: true,
							value: { id: key, text: result.value.text }
						});
					} else {
						expect(codes).toContain(result.code);
						expect(typeof result.path).toBe('string');
					}
				}),
				{ seed, numRuns: 1000 }
			);
		});

		it(`says exactly what it said before its cheaper parse and hash (seed ${seed})`, () => {
			// Records whose id is their text's hash, so the checks after the id are reached too.
			const hashed = fc
				.oneof({ arbitrary: recordText, weight: 19 }, { arbitrary: bigText, weight: 1 })
				.map((text) => [sha256HexPortable(text), { record: text, signature: FAKE_SIGNATURE }]);
			fc.assert(
				fc.property(fc.oneof(fc.tuple(id, entry), hashed), ([key, value]) => {
					expect(parseEntry(key as string, value)).toEqual(
						referenceParseEntry(key as string, value)
					);
				}),
				{ seed, numRuns: 600 }
			);
		});

		it(`a mutated valid record is refused or is another valid record (seed ${seed})`, () => {
			fc.assert(
				fc.property(mutatedText, (text) => {
					const result = parseEntry(sha256Hex(text), { record: text, signature: FAKE_SIGNATURE });
					if (result.ok) expect(result.value.text).toBe(text);
					else expect(codes).toContain(result.code);
				}),
				{ seed, numRuns: 500 }
			);
		});
	}
});
