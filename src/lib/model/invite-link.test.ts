import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash';
import { decodeInvitation, encodeInvitation, type Invitation } from './invite-link';

const COUNTRY = sha256Hex('a country');
const INVITE_ID = sha256Hex('an invite');
const SECRET = 'secret_secret-0123456789';
const CODE = 'code_code-0123456789';

const invitation: Invitation = {
	country: COUNTRY,
	name: 'Republic of Tests',
	secret: SECRET,
	signaling: ['wss://signal.example.org/signal', 'ws://127.0.0.1:4444'],
	invite: { id: INVITE_ID, code: CODE }
};
const link = encodeInvitation(invitation);

/**
 * A link with whatever payload, and a checksum that holds: what a buggy or foreign app
 * could make. Encoded here independently of the module (Node's base64url).
 */
const forged = (payload: unknown): string => {
	const text = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
	return `join=${text}.${sha256Hex(text).slice(0, 8)}`;
};
const withChecksum = (rawPayload: string) =>
	`join=${rawPayload}.${sha256Hex(rawPayload).slice(0, 8)}`;
/** The fields as encodeInvitation writes them, for the forged variants. */
const fields = {
	c: COUNTRY,
	n: 'Republic of Tests',
	s: SECRET,
	g: ['wss://signal.example.org/signal'],
	i: [INVITE_ID, CODE]
};

describe('encodeInvitation → decodeInvitation', () => {
	it('reads back what it wrote, with or without the leading #', () => {
		expect(decodeInvitation(link)).toEqual({ ok: true, value: invitation });
		expect(decodeInvitation(`#${link}`)).toEqual({ ok: true, value: invitation });
	});

	it('writes only characters that survive in a URL fragment', () => {
		expect(link).toMatch(/^join=[A-Za-z0-9_-]+\.[0-9a-f]{8}$/);
	});

	const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
	const validInvitation: fc.Arbitrary<Invitation> = fc.record({
		country: hex64,
		name: fc.string({ unit: 'grapheme', maxLength: 80 }),
		secret: fc.stringMatching(/^[A-Za-z0-9_-]{16,128}$/),
		signaling: fc.array(fc.webUrl({ validSchemes: ['ws', 'wss'] }), { maxLength: 8 }),
		invite: fc.option(
			fc.record({ id: hex64, code: fc.stringMatching(/^[A-Za-z0-9_-]{16,128}$/) }),
			{ nil: null }
		)
	});

	it('round-trips every valid invitation (seeded)', () => {
		fc.assert(
			fc.property(validInvitation, (value) => {
				const fragment = encodeInvitation(value);
				expect(fragment).toMatch(/^join=[A-Za-z0-9_-]+\.[0-9a-f]{8}$/);
				expect(decodeInvitation(fragment)).toEqual({ ok: true, value });
			}),
			{ seed: 0x5eed, numRuns: 300 }
		);
	});

	it('carries only signaling URLs a link may hold: ws(s), at most 512 characters, 8 of them', () => {
		const many = Array.from({ length: 10 }, (_, i) => `wss://s${i}.example.org/signal`);
		const long = `wss://example.org/${'x'.repeat(600)}`;
		const decoded = decodeInvitation(
			encodeInvitation({ ...invitation, signaling: ['https://web.example.org', long, ...many] })
		);
		expect(decoded).toEqual({ ok: true, value: { ...invitation, signaling: many.slice(0, 8) } });
	});

	it('writes an invitation with no invite (open country) and no signaling', () => {
		const open = { ...invitation, invite: null, signaling: [] };
		expect(decodeInvitation(encodeInvitation(open))).toEqual({ ok: true, value: open });
	});
});

describe('decodeInvitation: damaged links (the checksum fails)', () => {
	it('every cut of the link after "join=" is link_damaged; before it, link_malformed', () => {
		for (let length = 0; length < link.length; length++) {
			const cut = link.slice(0, length);
			const expected = length >= 'join='.length ? 'link_damaged' : 'link_malformed';
			expect(decodeInvitation(cut), cut).toMatchObject({ ok: false, code: expected });
		}
	});

	it('changing any one character after "join=" is link_damaged', () => {
		for (let i = 'join='.length; i < link.length; i++) {
			const other = link[i] === 'A' ? 'B' : 'A';
			const changed = link.slice(0, i) + other + link.slice(i + 1);
			expect(decodeInvitation(changed), `position ${i}`).toMatchObject({
				ok: false,
				code: 'link_damaged'
			});
		}
	});

	it.each([
		['a character inserted', link.replace('join=', 'join=x')],
		['a character removed from the payload', link.slice(0, 10) + link.slice(11)],
		['the checksum in capitals', link.replace(/\.([0-9a-f]{8})$/, (m) => m.toUpperCase())],
		['no checksum', link.replace(/\.[0-9a-f]{8}$/, '')],
		['an empty checksum', link.replace(/\.[0-9a-f]{8}$/, '.')],
		['an empty payload', `join=.${sha256Hex('').slice(0, 8)}`],
		['a second checksum', `${link}.${link.slice(-8)}`],
		['a trailing space (pasted)', `${link} `]
	])('%s is link_damaged', (_name, fragment) => {
		expect(decodeInvitation(fragment)).toMatchObject({
			ok: false,
			code: 'link_damaged',
			message: expect.stringContaining('damaged')
		});
	});
});

describe('decodeInvitation: not an invite link', () => {
	it.each([
		['an empty fragment', ''],
		['a lone #', '#'],
		['another prefix', link.replace('join=', 'invite=')],
		['the prefix in capitals', link.replace('join=', 'JOIN=')],
		['a whole URL instead of its fragment', `https://app.example.org/join#${link}`],
		['two #', `##${link}`],
		['a space before', ` ${link}`],
		['over 8 KiB', `join=${'A'.repeat(8 * 1024)}.00000000`],
		['over 8 KiB with a checksum that holds', withChecksum('A'.repeat(8 * 1024))]
	])('%s is link_malformed', (_name, fragment) => {
		expect(decodeInvitation(fragment)).toMatchObject({
			ok: false,
			code: 'link_malformed',
			message: 'This is not a Webocracy invite link.'
		});
	});
});

describe('decodeInvitation: a checksum that holds over bad content is link_malformed', () => {
	const malformed: [name: string, fragment: string][] = [
		['a payload that is not base64url', withChecksum('not*base64')],
		['a payload that is not UTF-8', `join=_w.${sha256Hex('_w').slice(0, 8)}`],
		['a payload that is not JSON', withChecksum(Buffer.from('{c:').toString('base64url'))],
		['a JSON number', forged(42)],
		['JSON null', forged(null)],
		['a JSON string', forged('join')],
		['a JSON array', forged([COUNTRY, SECRET])],
		['no country', forged({ ...fields, c: undefined })],
		['a country id of 63 digits', forged({ ...fields, c: COUNTRY.slice(1) })],
		['a country id in capitals', forged({ ...fields, c: COUNTRY.toUpperCase() })],
		['a country id that is a number', forged({ ...fields, c: 7 })],
		['no secret', forged({ ...fields, s: undefined })],
		['a secret of 15 characters', forged({ ...fields, s: 'a'.repeat(15) })],
		['a secret of 129 characters', forged({ ...fields, s: 'a'.repeat(129) })],
		['a secret with a space', forged({ ...fields, s: 'secret secret secret' })],
		['no name', forged({ ...fields, n: undefined })],
		['a name of 201 characters', forged({ ...fields, n: 'x'.repeat(201) })],
		['a name that is a list', forged({ ...fields, n: ['x'] })],
		['no signaling list', forged({ ...fields, g: undefined })],
		['signaling a string', forged({ ...fields, g: 'wss://signal.example.org' })],
		['an https signaling URL', forged({ ...fields, g: ['https://signal.example.org'] })],
		['a javascript: signaling URL', forged({ ...fields, g: ['javascript:alert(1)'] })],
		['a signaling URL that does not parse', forged({ ...fields, g: ['wss://'] })],
		[
			'a signaling URL of 513 characters',
			forged({ ...fields, g: [`wss://a.b/${'x'.repeat(503)}`] })
		],
		['a signaling URL that is a number', forged({ ...fields, g: [4444] })],
		['9 signaling URLs', forged({ ...fields, g: Array(9).fill('wss://a.example.org') })],
		['no invite field', forged({ ...fields, i: undefined })],
		['an invite that is an object', forged({ ...fields, i: { id: INVITE_ID, code: CODE } })],
		['an invite of one element', forged({ ...fields, i: [INVITE_ID] })],
		['an invite of three elements', forged({ ...fields, i: [INVITE_ID, CODE, CODE] })],
		['an invite id that is not a record id', forged({ ...fields, i: ['abc', CODE] })],
		['an invite code of 15 characters', forged({ ...fields, i: [INVITE_ID, 'a'.repeat(15)] })],
		['an invite code of 129 characters', forged({ ...fields, i: [INVITE_ID, 'a'.repeat(129)] })],
		['an invite code with "!"', forged({ ...fields, i: [INVITE_ID, `${CODE}!`] })],
		['an invite code that is a number', forged({ ...fields, i: [INVITE_ID, 1234567890123456] })]
	];

	it.each(malformed)('%s is link_malformed', (_name, fragment) => {
		expect(decodeInvitation(fragment)).toMatchObject({ ok: false, code: 'link_malformed' });
	});

	const accepted: [name: string, fragment: string][] = [
		['an empty name', forged({ ...fields, n: '' })],
		['a name of 200 characters', forged({ ...fields, n: 'x'.repeat(200) })],
		['no signaling URLs', forged({ ...fields, g: [] })],
		['8 signaling URLs', forged({ ...fields, g: Array(8).fill('wss://a.example.org') })],
		[
			'a signaling URL of 512 characters',
			forged({ ...fields, g: [`wss://a.b/${'x'.repeat(502)}`] })
		],
		['no invite (an open country)', forged({ ...fields, i: null })],
		['fields this version does not know (a newer app)', forged({ ...fields, v: 2, x: [1] })]
	];

	it.each(accepted)('%s is accepted', (_name, fragment) => {
		expect(decodeInvitation(fragment).ok).toBe(true);
	});
});

describe('decodeInvitation never throws', () => {
	const anyText = fc.string({ unit: 'binary', maxLength: 200 });
	const utf16 = fc.string({
		unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
		maxLength: 200
	});
	const codes = new Set(['link_malformed', 'link_damaged']);

	it('answers any string with an invitation or one of its two codes (seeded)', () => {
		fc.assert(
			fc.property(fc.oneof(anyText, utf16), fc.boolean(), (text, prefixed) => {
				const result = decodeInvitation(prefixed ? `join=${text}` : text);
				if (!result.ok) expect(codes.has(result.code)).toBe(true);
			}),
			{ seed: 0x5eed, numRuns: 1000 }
		);
	});

	it('a checksum that holds is never link_damaged, whatever the payload (seeded)', () => {
		const base64url = fc.string({
			unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
			minLength: 1,
			maxLength: 300
		});
		const json = fc.json().map((text) => Buffer.from(text).toString('base64url'));
		// A dot separates payload and checksum: a payload cannot hold one.
		const noDot = (text: string) => text !== '' && !text.includes('.');
		fc.assert(
			fc.property(fc.oneof(base64url, json, utf16.filter(noDot)), (payload) => {
				const result = decodeInvitation(withChecksum(payload));
				if (!result.ok) expect(result.code).toBe('link_malformed');
			}),
			{ seed: 0x5eed, numRuns: 1000 }
		);
	});
});
