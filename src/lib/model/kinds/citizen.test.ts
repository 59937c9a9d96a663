import { describe, expect, it } from 'vitest';
import { checkRecord, encodeRecord } from '../record';
import type { ReasonCode } from '../result';
import { MAX_ARMORED_KEY } from '../schema';
import { DISPLAY_NAME_MAX, makeCitizen } from './citizen';
import { citizenRecord, fakeKey, inviteCode, person, REMOVE, withPath } from '../fixtures/records';

const COUNTRY = 'ab'.repeat(32);
const INVITE_ID = 'cd'.repeat(32);
const citizen = citizenRecord(COUNTRY, {
	who: person('alice'),
	at: 5,
	admission: { type: 'invite', invite: INVITE_ID, code: inviteCode('alice') }
});

describe('citizen body [R18]', () => {
	/** [name, field to set, value, the path the error names (default: the field)] */
	type Case = [name: string, field: string, value: unknown, path?: string];
	const refused: Case[] = [
		['name missing', 'body.name', REMOVE],
		['name empty', 'body.name', ''],
		['name of 65 characters', 'body.name', 'x'.repeat(DISPLAY_NAME_MAX + 1)],
		['name with a leading space', 'body.name', ' alice'],
		['name with a tab inside', 'body.name', 'al\tice'],
		['name with a NUL', 'body.name', 'al\u0000ice'],
		['publicKey missing', 'body.publicKey', REMOVE],
		['publicKey not armored', 'body.publicKey', 'not a key'],
		['publicKey over 16 KiB', 'body.publicKey', fakeKey('x'.repeat(MAX_ARMORED_KEY))],
		['admission missing', 'body.admission', REMOVE],
		['admission a string', 'body.admission', 'open'],
		['admission of an unknown type', 'body.admission', { type: 'magic' }, 'body.admission.type'],
		[
			'a founder proof with an extra field',
			'body.admission',
			{ type: 'founder', by: 'me' },
			'body.admission.by'
		],
		[
			'an open proof with a code',
			'body.admission',
			{ type: 'open', code: inviteCode('x') },
			'body.admission.code'
		],
		['an invite proof without a code', 'body.admission.code', REMOVE],
		['an invite proof without an invite id', 'body.admission.invite', REMOVE],
		['an invite proof with a bad invite id', 'body.admission.invite', 'nope'],
		['an invite proof with a code of 15 characters', 'body.admission.code', 'a'.repeat(15)],
		['an invite proof with a code of 129 characters', 'body.admission.code', 'a'.repeat(129)],
		['an invite proof with a code with "!"', 'body.admission.code', 'abcdefghijklmnop!'],
		['an invite proof with a code with a space', 'body.admission.code', 'abcdefgh ijklmnop'],
		['an invite proof with a numeric code', 'body.admission.code', 1234567890123456],
		[
			'an update proof with an extra field',
			'body.admission',
			{ type: 'update', name: 'x' },
			'body.admission.name'
		],
		['an unknown body field', 'body.avatar', 'x']
	];

	it.each(refused)('refuses %s', (_name, field, value, path = field) => {
		const code: ReasonCode = 'schema_invalid';
		expect(checkRecord(withPath(citizen, field, value))).toMatchObject({ ok: false, code, path });
	});

	const accepted: Case[] = [
		['name of 64 characters', 'body.name', 'x'.repeat(DISPLAY_NAME_MAX)],
		['a founder proof', 'body.admission', { type: 'founder' }],
		['an open proof', 'body.admission', { type: 'open' }],
		['an update proof', 'body.admission', { type: 'update' }],
		['an invite code of 16 characters', 'body.admission.code', 'aZ09_-aZ09_-aZ09'],
		['an invite code of 128 characters', 'body.admission.code', 'a'.repeat(128)]
	];

	it.each(accepted)('accepts %s', (_name, field, value) => {
		expect(checkRecord(withPath(citizen, field, value)).ok).toBe(true);
	});
});

describe('makeCitizen', () => {
	it('normalises the display name to NFC and trims it, so the record encodes', () => {
		const zoe = person('zoe');
		const record = makeCitizen({
			country: COUNTRY,
			author: zoe.fingerprint,
			at: 2,
			name: '\tZoe\u0308 ',
			publicKey: zoe.key,
			admission: { type: 'open' }
		});
		expect(record.body.name).toBe('Zoë');
		expect(encodeRecord(record).ok).toBe(true);
	});
});
