import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord } from '../record';
import { makeInvite } from './invite';
import type { ReasonCode } from '../result';
import { inviteCode, inviteRecord, person, REMOVE, withPath } from '../fixtures/records';

const invite = inviteRecord('ab'.repeat(32), { by: person('alice'), at: 5, code: inviteCode('x') });

describe('invite body [R18]', () => {
	it.each([
		['codeHash missing', REMOVE],
		['codeHash not hex', 'z'.repeat(64)],
		['codeHash in uppercase', sha256Hex('x').toUpperCase()],
		['codeHash of 63 digits', 'a'.repeat(63)],
		['codeHash the code itself', inviteCode('x')]
	])('refuses %s', (_name, value) => {
		const code: ReasonCode = 'schema_invalid';
		expect(checkRecord(withPath(invite, 'body.codeHash', value))).toMatchObject({
			ok: false,
			code,
			path: 'body.codeHash'
		});
	});

	it('refuses an unknown body field', () => {
		expect(checkRecord(withPath(invite, 'body.code', inviteCode('x')))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'body.code'
		});
	});

	it('accepts the SHA-256 hex of the code', () => {
		expect(invite.body.codeHash).toBe(sha256Hex(inviteCode('x')));
		expect(checkRecord(invite).ok).toBe(true);
	});
});

describe('makeInvite', () => {
	it('publishes the hash it is given and nothing else', () => {
		const alice = person('alice');
		const codeHash = sha256Hex(inviteCode('y'));
		const record = makeInvite({
			country: 'ab'.repeat(32),
			author: alice.fingerprint,
			at: 3,
			codeHash
		});
		expect(record.body).toEqual({ codeHash });
		expect(encodeRecord(record).ok).toBe(true);
	});
});
