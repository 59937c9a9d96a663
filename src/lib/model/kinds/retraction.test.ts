import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord } from '../record';
import { makeRetraction } from './retraction';
import { person, REMOVE, withPath } from '../fixtures/records';
import { retractionRecord } from '../fixtures/content';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const retraction = retractionRecord(COUNTRY, { by: alice, at: 5, post: sha256Hex('a post') });

describe('retraction body [R18]', () => {
	it.each([
		['post missing', REMOVE],
		['post null', null],
		['post not a record id', 'abc'],
		['post in uppercase hex', 'AB'.repeat(32)],
		['post a list', [sha256Hex('a post')]]
	])('refuses %s', (_name, value) => {
		expect(checkRecord(withPath(retraction, 'body.post', value))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'body.post'
		});
	});

	it('refuses an unknown body field', () => {
		expect(checkRecord(withPath(retraction, 'body.reason', 'oops'))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'body.reason'
		});
	});

	it('accepts a record id', () => {
		expect(checkRecord(retraction)).toEqual({ ok: true, value: retraction });
	});
});

describe('makeRetraction', () => {
	it('makes a retraction that encodes', () => {
		const post = sha256Hex('a post');
		const record = makeRetraction({ country: COUNTRY, author: alice.fingerprint, at: 9, post });
		expect(record).toEqual({
			v: 1,
			kind: 'retraction',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { post }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});
});
