import { describe, expect, it } from 'vitest';
import { dateOf, formatRecent, formatTime, isoTime } from './time';

/** The largest time a Date holds (ECMAScript: 8.64e15 ms either side of the epoch). */
const DATE_MAX = 8.64e15;

describe('record times', () => {
	it.each([
		['the epoch', 0, '1970-01-01T00:00:00.000Z'],
		['the last moment a Date holds', DATE_MAX, '+275760-09-13T00:00:00.000Z'],
		['the first moment a Date holds', -DATE_MAX, '-271821-04-20T00:00:00.000Z'],
		['one past the end', DATE_MAX + 1, null],
		['one before the start', -DATE_MAX - 1, null],
		['the largest safe integer', Number.MAX_SAFE_INTEGER, null],
		['the smallest safe integer', Number.MIN_SAFE_INTEGER, null]
	])('%s: %s', (_name, at, iso) => {
		expect(isoTime(at)).toBe(iso);
		expect(dateOf(at) === null).toBe(iso === null);
	});

	it.each(['datetime', 'date', 'time', 'clock'] as const)(
		'%s: out of range reads as such, with the number, never "Invalid Date"',
		(style) => {
			const text = formatTime(Number.MAX_SAFE_INTEGER, style);
			expect(text).toBe('time out of range (at = 9007199254740991)');
			expect(formatTime(-DATE_MAX - 1, style)).toBe('time out of range (at = -8640000000000001)');
			expect(formatTime(Date.UTC(2026, 11, 3, 7, 5), style)).not.toMatch(/Invalid|range/);
		}
	);

	it('a recent moment: only the time of day when it is today', () => {
		const now = new Date(2026, 11, 3, 15, 0).getTime();
		const morning = new Date(2026, 11, 3, 7, 5).getTime();
		const yesterday = new Date(2026, 11, 2, 7, 5).getTime();
		expect(formatRecent(morning, now)).toBe(formatTime(morning, 'clock'));
		expect(formatRecent(yesterday, now)).toBe(
			`${formatTime(yesterday, 'date')} ${formatTime(yesterday, 'clock')}`
		);
		expect(formatRecent(Number.MAX_SAFE_INTEGER, now)).toMatch(/^time out of range/);
	});
});
