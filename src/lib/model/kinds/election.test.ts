import { describe, expect, it } from 'vitest';
import { checkRecord, encodeRecord } from '../record';
import { ELECTION_TERM_MAX, makeElection } from './election';
import { person, REMOVE, withPath } from '../fixtures/records';
import { electionRecord } from '../fixtures/governance';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const election = electionRecord(COUNTRY, { by: alice, at: 5, opensAt: 10, closesAt: 20 });

describe('election body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	it.each<Case>([
		['term missing', 'body.term', REMOVE],
		['term 0', 'body.term', 0],
		['term a fraction', 'body.term', 1.5],
		['term beyond the maximum', 'body.term', ELECTION_TERM_MAX + 1],
		['seats 0', 'body.seats', 0],
		['seats 100', 'body.seats', 100],
		['opensAt negative', 'body.opensAt', -1],
		['opensAt a string', 'body.opensAt', '10'],
		['closesAt missing', 'body.closesAt', REMOVE],
		['closesAt equal to opensAt', 'body.closesAt', 10],
		['closesAt before opensAt', 'body.closesAt', 9],
		['an unknown body field', 'body.title', 'x']
	])('refuses %s', (_name, field, value) => {
		expect(checkRecord(withPath(election, field, value))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: field
		});
	});

	it.each<Case>([
		['term 1', 'body.term', 1],
		['the last term', 'body.term', ELECTION_TERM_MAX],
		['99 seats', 'body.seats', 99],
		['a window of one millisecond', 'body.closesAt', 11]
	])('accepts %s', (_name, field, value) => {
		expect(checkRecord(withPath(election, field, value)).ok).toBe(true);
	});
});

describe('makeElection', () => {
	it('makes an election that encodes', () => {
		const record = makeElection({
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			term: 2,
			seats: 3,
			opensAt: 10,
			closesAt: 99
		});
		expect(record).toEqual({
			v: 1,
			kind: 'election',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { term: 2, seats: 3, opensAt: 10, closesAt: 99 }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});
});
