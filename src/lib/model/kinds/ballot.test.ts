import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord } from '../record';
import { BALLOT_APPROVALS_MAX, makeBallot } from './ballot';
import { person, REMOVE, withPath } from '../fixtures/records';
import { ballotRecord } from '../fixtures/governance';

const COUNTRY = 'ab'.repeat(32);
const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(person) as [
	ReturnType<typeof person>,
	ReturnType<typeof person>,
	ReturnType<typeof person>
];
const ELECTION = sha256Hex('an election');
const ballot = ballotRecord(COUNTRY, { by: alice, at: 5, election: ELECTION, approve: [bob] });
const [low, high] = [bob.fingerprint, carol.fingerprint].sort() as [string, string];

describe('ballot body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	it.each<Case>([
		['election missing', 'body.election', REMOVE],
		['election not a record id', 'body.election', 'x'],
		['approve missing', 'body.approve', REMOVE],
		['approve not a list', 'body.approve', bob.fingerprint],
		['approve out of order', 'body.approve', [high, low]],
		['approve repeating', 'body.approve', [low, low]],
		[
			'too many approvals',
			'body.approve',
			Array.from({ length: BALLOT_APPROVALS_MAX + 1 }, (_, i) =>
				sha256Hex(`${i}`).slice(0, 40)
			).sort()
		],
		['an unknown body field', 'body.rank', 1]
	])('refuses %s', (_name, field, value) => {
		expect(checkRecord(withPath(ballot, field, value))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}`))
		});
	});

	it('refuses an approval that is not a fingerprint', () => {
		expect(checkRecord(withPath(ballot, 'body.approve', ['bob']))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'body.approve.0'
		});
	});

	it.each<[string, string[]]>([
		['no approvals (a withdrawal)', []],
		['two approvals in order', [low, high]],
		['a v6 fingerprint', ['cd'.repeat(32)]]
	])('accepts %s', (_name, approve) => {
		expect(checkRecord(withPath(ballot, 'body.approve', approve)).ok).toBe(true);
	});
});

describe('makeBallot', () => {
	it('sorts the approvals and drops repeats', () => {
		const record = makeBallot({
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			election: ELECTION,
			approve: [high, low, high]
		});
		expect(record).toEqual({
			v: 1,
			kind: 'ballot',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { election: ELECTION, approve: [low, high] }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});
});
