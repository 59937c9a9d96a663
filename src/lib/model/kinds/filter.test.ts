import { describe, expect, it } from 'vitest';
import { checkRecord, encodeRecord } from '../record';
import { FILTER_REASON_MAX, makeFilter } from './filter';
import { person, REMOVE, withPath } from '../fixtures/records';
import { filterRecord } from '../fixtures/governance';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const carol = person('carol');
const filter = filterRecord(COUNTRY, { by: alice, at: 5, target: carol });

describe('filter body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	it.each<Case>([
		['target missing', 'body.target', REMOVE],
		['target not a fingerprint', 'body.target', 'carol'],
		['action unknown', 'body.action', 'mute'],
		['reason missing', 'body.reason', REMOVE],
		['reason empty', 'body.reason', ''],
		['reason of two lines', 'body.reason', 'spam\nand more'],
		['reason with outer spaces', 'body.reason', ' spam '],
		['reason too long', 'body.reason', 'x'.repeat(FILTER_REASON_MAX + 1)],
		['an unknown body field', 'body.until', 5]
	])('refuses %s', (_name, field, value) => {
		expect(checkRecord(withPath(filter, field, value))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: field
		});
	});

	it.each(['ban', 'lift'])('accepts the action %s', (action) => {
		expect(checkRecord(withPath(filter, 'body.action', action)).ok).toBe(true);
	});
});

describe('makeFilter', () => {
	it('makes a filter that encodes, the reason trimmed and NFC', () => {
		const record = makeFilter({
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			target: carol.fingerprint,
			action: 'ban',
			reason: '  Re\u0301clame  '
		});
		expect(record).toEqual({
			v: 1,
			kind: 'filter',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { target: carol.fingerprint, action: 'ban', reason: 'Réclame' }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});
});
