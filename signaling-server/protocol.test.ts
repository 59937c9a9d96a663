import { describe, expect, it } from 'vitest';
import { parseMessage } from './protocol.js';
import { createTokenBucket, takeToken } from './token-bucket.js';

describe('parseMessage', () => {
	const cases: Array<[input: string, expected: ReturnType<typeof parseMessage>]> = [
		[
			'{"type":"subscribe","topics":["a",1]}',
			{ ok: true, message: { type: 'subscribe', topics: ['a', 1] } }
		],
		[
			'{"type":"unsubscribe","topics":[]}',
			{ ok: true, message: { type: 'unsubscribe', topics: [] } }
		],
		['{"type":"ping"}', { ok: true, message: { type: 'ping' } }],
		[
			'{"type":"publish","topic":"r","data":{"x":1}}',
			{
				ok: true,
				message: {
					type: 'publish',
					topic: 'r',
					body: { type: 'publish', topic: 'r', data: { x: 1 } }
				}
			}
		],
		['{"type":"subscribe"', { ok: false, code: 'malformed_json' }],
		['', { ok: false, code: 'malformed_json' }],
		['null', { ok: false, code: 'not_object' }],
		['[{"type":"ping"}]', { ok: false, code: 'not_object' }],
		['"ping"', { ok: false, code: 'not_object' }],
		['42', { ok: false, code: 'not_object' }],
		['{}', { ok: false, code: 'unknown_type' }],
		['{"type":"pong"}', { ok: false, code: 'unknown_type' }],
		['{"type":["ping"]}', { ok: false, code: 'unknown_type' }],
		['{"type":"__proto__"}', { ok: false, code: 'unknown_type' }],
		['{"type":"subscribe"}', { ok: false, code: 'invalid_field' }],
		['{"type":"subscribe","topics":"a"}', { ok: false, code: 'invalid_field' }],
		['{"type":"unsubscribe","topics":{"0":"a"}}', { ok: false, code: 'invalid_field' }],
		['{"type":"publish"}', { ok: false, code: 'invalid_field' }],
		['{"type":"publish","topic":""}', { ok: false, code: 'invalid_field' }],
		['{"type":"publish","topic":7}', { ok: false, code: 'invalid_field' }]
	];

	it.each(cases)('%s', (input, expected) => {
		expect(parseMessage(input)).toEqual(expected);
	});
});

describe('token bucket', () => {
	const options = { burst: 3, perSecond: 2 };

	it('allows a burst, then refills at the rate', () => {
		const bucket = createTokenBucket(options, 0);
		expect([1, 2, 3, 4].map(() => takeToken(bucket, options, 0))).toEqual([
			true,
			true,
			true,
			false
		]);
		expect(takeToken(bucket, options, 499)).toBe(false);
		expect(takeToken(bucket, options, 500)).toBe(true);
		expect(takeToken(bucket, options, 500)).toBe(false);
	});

	it('never holds more than the burst', () => {
		const bucket = createTokenBucket(options, 0);
		const taken = Array.from({ length: 5 }, () => takeToken(bucket, options, 60_000));
		expect(taken).toEqual([true, true, true, false, false]);
	});

	it('mints nothing when the clock goes backwards', () => {
		const bucket = createTokenBucket(options, 1000);
		for (let i = 0; i < 3; i++) takeToken(bucket, options, 1000);
		expect(takeToken(bucket, options, 0)).toBe(false);
		expect(takeToken(bucket, options, 400)).toBe(false);
		expect(takeToken(bucket, options, 1500)).toBe(true);
	});
});
