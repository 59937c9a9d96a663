import { describe, expect, it } from 'vitest';
import { checkRecord, encodeRecord } from '../record';
import type { ReasonCode } from '../result';
import { makeThread, THREAD_BODY_MAX, THREAD_TITLE_MAX } from './thread';
import { person, REMOVE, withPath } from '../fixtures/records';
import { threadRecord } from '../fixtures/content';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const thread = threadRecord(COUNTRY, { by: alice, at: 5, title: 'Budget', body: 'Thoughts?' });

describe('thread body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	const refused: Case[] = [
		['title missing', 'body.title', REMOVE],
		['title empty', 'body.title', ''],
		['title of 201 characters', 'body.title', 'x'.repeat(THREAD_TITLE_MAX + 1)],
		['title over two lines', 'body.title', 'a\nb'],
		['title with a trailing space', 'body.title', 'Budget '],
		['body missing', 'body.body', REMOVE],
		['body of 200,001 characters', 'body.body', 'x'.repeat(THREAD_BODY_MAX + 1)],
		['body a number', 'body.body', 1],
		['an unknown body field', 'body.tags', []]
	];

	it.each(refused)('refuses %s', (_name, field, value) => {
		const code: ReasonCode = 'schema_invalid';
		expect(checkRecord(withPath(thread, field, value))).toMatchObject({
			ok: false,
			code,
			path: field
		});
	});

	it.each<Case>([
		['a title of 200 characters', 'body.title', 'x'.repeat(THREAD_TITLE_MAX)],
		['an empty body', 'body.body', ''],
		['a body of 200,000 characters', 'body.body', 'x'.repeat(THREAD_BODY_MAX)]
	])('accepts %s', (_name, field, value) => {
		expect(checkRecord(withPath(thread, field, value)).ok).toBe(true);
	});
});

describe('makeThread', () => {
	it('makes a thread that encodes, title trimmed, body in NFC with its spacing', () => {
		const record = makeThread({
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			title: ' Cafe\u0301 ',
			body: ' e\u0301\n'
		});
		expect(record).toEqual({
			v: 1,
			kind: 'thread',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { title: 'Café', body: ' é\n' }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});
});
