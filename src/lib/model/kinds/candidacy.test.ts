import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord } from '../record';
import { CANDIDACY_STATEMENT_MAX, makeCandidacy } from './candidacy';
import { person, REMOVE, withPath } from '../fixtures/records';
import { candidacyRecord } from '../fixtures/governance';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const ELECTION = sha256Hex('an election');
const candidacy = candidacyRecord(COUNTRY, { by: alice, at: 5, election: ELECTION });

describe('candidacy body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	it.each<Case>([
		['election missing', 'body.election', REMOVE],
		['election not a record id', 'body.election', 'abc'],
		['statement missing', 'body.statement', REMOVE],
		['statement empty', 'body.statement', ''],
		['statement only whitespace', 'body.statement', ' \n'],
		['statement too long', 'body.statement', 'x'.repeat(CANDIDACY_STATEMENT_MAX + 1)],
		['an unknown body field', 'body.name', 'x']
	])('refuses %s', (_name, field, value) => {
		expect(checkRecord(withPath(candidacy, field, value))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: field
		});
	});

	it('accepts a statement of the maximum length, with Markdown', () => {
		const long = withPath(candidacy, 'body.statement', '*'.repeat(CANDIDACY_STATEMENT_MAX));
		expect(checkRecord(long).ok).toBe(true);
	});
});

describe('makeCandidacy', () => {
	it('makes a candidacy that encodes, the statement in NFC with its spacing', () => {
		const record = makeCandidacy({
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			election: ELECTION,
			statement: '  Caf\u0065\u0301\n'
		});
		expect(record).toEqual({
			v: 1,
			kind: 'candidacy',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { election: ELECTION, statement: '  Café\n' }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});
});
