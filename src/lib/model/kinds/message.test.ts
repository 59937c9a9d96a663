import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord } from '../record';
import type { ReasonCode } from '../result';
import { makeMessage, MESSAGE_BODY_MAX } from './message';
import { person, REMOVE, withPath } from '../fixtures/records';
import { messageRecord } from '../fixtures/content';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const THREAD = sha256Hex('a thread');
const message = messageRecord(COUNTRY, { by: alice, at: 5, thread: THREAD, body: 'Agreed.' });

describe('message body [R18]', () => {
	type Case = [name: string, field: string, value: unknown];
	const refused: Case[] = [
		['thread missing', 'body.thread', REMOVE],
		['thread null', 'body.thread', null],
		['thread not a record id', 'body.thread', 'abc'],
		['body missing', 'body.body', REMOVE],
		['body empty', 'body.body', ''],
		['body only whitespace', 'body.body', ' \n\t'],
		['body of 200,001 characters', 'body.body', 'x'.repeat(MESSAGE_BODY_MAX + 1)],
		['replyTo missing', 'body.replyTo', REMOVE],
		['replyTo not a record id', 'body.replyTo', 'abc'],
		['replyTo an empty string', 'body.replyTo', ''],
		['an unknown body field', 'body.title', 'x']
	];

	it.each(refused)('refuses %s', (_name, field, value) => {
		const code: ReasonCode = 'schema_invalid';
		expect(checkRecord(withPath(message, field, value))).toMatchObject({
			ok: false,
			code,
			path: field
		});
	});

	it.each<Case>([
		['a reply to the thread (replyTo null)', 'body.replyTo', null],
		['a reply to a message', 'body.replyTo', sha256Hex('a message')],
		['a body of 200,000 characters', 'body.body', 'x'.repeat(MESSAGE_BODY_MAX)],
		['a body with markup (rendered inert later)', 'body.body', '<img src=x onerror=alert(1)>']
	])('accepts %s', (_name, field, value) => {
		expect(checkRecord(withPath(message, field, value)).ok).toBe(true);
	});
});

describe('makeMessage', () => {
	const base = { country: COUNTRY, author: alice.fingerprint, at: 9, thread: THREAD };

	it('makes a message to the thread (replyTo null) that encodes', () => {
		const record = makeMessage({ ...base, body: 'Hi' });
		expect(record).toEqual({
			v: 1,
			kind: 'message',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { thread: THREAD, body: 'Hi', replyTo: null }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});

	it('keeps the message it answers and the body’s spacing (NFC)', () => {
		const replyTo = sha256Hex('earlier');
		const record = makeMessage({ ...base, body: '  e\u0301\n', replyTo });
		expect(record.body).toEqual({ thread: THREAD, body: '  é\n', replyTo });
	});

	it('leaves an empty body for the schema to refuse on encoding', () => {
		expect(encodeRecord(makeMessage({ ...base, body: '  ' }))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'body.body'
		});
	});
});
