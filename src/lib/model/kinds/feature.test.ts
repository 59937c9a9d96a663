import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord } from '../record';
import { makeFeature } from './feature';
import { person, REMOVE, withPath } from '../fixtures/records';
import { featureRecord } from '../fixtures/governance';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const POST = sha256Hex('a post');
const feature = featureRecord(COUNTRY, { by: alice, at: 5, post: POST });

describe('feature body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	it.each<Case>([
		['post missing', 'body.post', REMOVE],
		['post not a record id', 'body.post', 'abc'],
		['action missing', 'body.action', REMOVE],
		['action unknown', 'body.action', 'pin'],
		['an unknown body field', 'body.rank', 1]
	])('refuses %s', (_name, field, value) => {
		expect(checkRecord(withPath(feature, field, value))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: field
		});
	});

	it.each(['feature', 'unfeature'])('accepts the action %s', (action) => {
		expect(checkRecord(withPath(feature, 'body.action', action)).ok).toBe(true);
	});
});

describe('makeFeature', () => {
	it('makes a feature record that encodes', () => {
		const record = makeFeature({
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			post: POST,
			action: 'unfeature'
		});
		expect(record).toEqual({
			v: 1,
			kind: 'feature',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { post: POST, action: 'unfeature' }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});
});
