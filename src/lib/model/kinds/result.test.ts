import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord, MAX_RECORD_BYTES } from '../record';
import { makeResult, RESULT_IDS_PER_PART, RESULT_PARTS_MAX, RESULT_TALLY_MAX } from './result';
import { person, REMOVE, withPath } from '../fixtures/records';
import { resultBody, resultRecord } from '../fixtures/governance';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const bob = person('bob');
const ELECTION = sha256Hex('an election');
const ballots = ['b1', 'b2', 'b3'].map((b) => ({ id: sha256Hex(b) }));
const body = resultBody({ election: ELECTION, ballots, winners: [bob], tally: [[bob, 3]] });
const result = resultRecord(COUNTRY, { by: alice, at: 5, body });
const ids = (n: number) => Array.from({ length: n }, (_, i) => sha256Hex(`ballot ${i}`)).sort();

describe('result body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	it.each<Case>([
		['election missing', 'body.election', REMOVE],
		['winners not a list', 'body.winners', bob.fingerprint],
		['winners repeating', 'body.winners', [bob.fingerprint, bob.fingerprint]],
		['ballots not a digest', 'body.ballots', 'x'],
		['count negative', 'body.count', -1],
		['count a fraction', 'body.count', 1.5],
		['parts 0', 'body.parts', 0],
		['parts over the maximum', 'body.parts', RESULT_PARTS_MAX + 1],
		['part equal to parts', 'body.part', 1],
		['ids unsorted', 'body.ids', [...body.ids].reverse()],
		['ids repeating', 'body.ids', [body.ids[0], body.ids[0]]],
		['ids over a part’s maximum', 'body.ids', ids(RESULT_IDS_PER_PART + 1)],
		['an unknown body field', 'body.note', 'x']
	])('refuses %s', (_name, field, value) => {
		expect(checkRecord(withPath(result, field, value))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: field
		});
	});

	it.each<Case>([
		['a tally key that is not a fingerprint', 'body.tally', { bob: 3 }],
		['a tally as a list of pairs', 'body.tally', [[bob.fingerprint, 3]]],
		['a tally of zero approvals', 'body.tally', { [bob.fingerprint]: 0 }]
	])('refuses %s', (_name, field, value) => {
		const checked = checkRecord(withPath(result, field, value));
		expect(checked).toMatchObject({ ok: false, code: 'schema_invalid' });
		expect(!checked.ok && checked.path.startsWith('body.tally')).toBe(true);
	});

	it('refuses a tally naming more candidates than allowed', () => {
		const tally = Object.fromEntries(ids(RESULT_TALLY_MAX + 1).map((id) => [id.slice(0, 40), 1]));
		expect(checkRecord(withPath(result, 'body.tally', tally))).toMatchObject({
			ok: false,
			path: 'body.tally'
		});
	});

	it('accepts an empty result (no candidates, no ballots)', () => {
		const empty = resultBody({ election: ELECTION, ballots: [], winners: [], tally: [] });
		expect(checkRecord(withPath(result, 'body', empty)).ok).toBe(true);
	});

	it('a full part of 2,000 ballots and 1,000 candidates fits the record limit', () => {
		const tally = Object.fromEntries(ids(RESULT_TALLY_MAX).map((id) => [id.slice(0, 40), 2_000]));
		const full = { ...body, tally, ids: ids(RESULT_IDS_PER_PART), count: 2_000 };
		const encoded = encodeRecord(resultRecord(COUNTRY, { by: alice, at: 5, body: full }));
		expect(encoded.ok).toBe(true);
		if (encoded.ok)
			expect(new TextEncoder().encode(encoded.value.text).length).toBeLessThan(MAX_RECORD_BYTES);
	});
});

describe('makeResult', () => {
	it('makes a result that encodes, copying the body', () => {
		const record = makeResult({ country: COUNTRY, author: alice.fingerprint, at: 9, body });
		expect(record).toEqual({
			v: 1,
			kind: 'result',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body
		});
		expect(record.body.ids).not.toBe(body.ids);
		expect(encodeRecord(record).ok).toBe(true);
	});
});
