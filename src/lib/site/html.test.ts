import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../model/time';
import { groupedFingerprint } from './html';

/** What isoTime must say: Date's own text, or null where Date holds no time. */
const reference = (at: number): string | null => {
	const date = new Date(at);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

describe('isoTime: the same text as Date.toISOString, computed faster in years 0000–9999', () => {
	const cases: [string, number][] = [
		['the epoch', 0],
		['a millisecond before the epoch', -1],
		['the bench country', 1_763_900_000_123],
		['the first millisecond of year 0000', -62_167_219_200_000],
		['the last millisecond of year -0001', -62_167_219_200_001],
		['the last millisecond of year 9999', 253_402_300_799_999],
		['the first millisecond of year 10000', 253_402_300_800_000],
		['29 February 2000', Date.UTC(2000, 1, 29, 23, 59, 59, 999)],
		['1 March 2000', Date.UTC(2000, 2, 1)],
		['29 February 1600', Date.UTC(1600, 1, 29, 12)],
		['1 March 1900 (not a leap year)', Date.UTC(1900, 2, 1)],
		['31 December 1969', Date.UTC(1969, 11, 31, 23, 59, 59, 999)],
		['a fraction of a millisecond', 1.75],
		['a negative fraction', -1.25],
		["Date's last time", 8.64e15],
		["past Date's range", 8.64e15 + 1],
		['NaN', Number.NaN],
		['infinity', Number.POSITIVE_INFINITY],
		['the largest safe integer', Number.MAX_SAFE_INTEGER]
	];
	for (const [name, at] of cases) {
		it(name, () => expect(isoTime(at)).toBe(reference(at)));
	}

	for (const seed of [3, 20261203]) {
		it(`any integer time in years 0000–9999 and around them (seed ${seed})`, () => {
			fc.assert(
				fc.property(fc.integer({ min: -63e12, max: 254e12 }), (at) => {
					expect(isoTime(at)).toBe(reference(at));
				}),
				{ seed, numRuns: 20_000 }
			);
		});
		it(`any number (seed ${seed})`, () => {
			fc.assert(
				fc.property(fc.double(), (at) => {
					expect(isoTime(at)).toBe(reference(at));
				}),
				{ seed, numRuns: 5_000 }
			);
		});
	}
});

describe('groupedFingerprint: upper case in groups of four', () => {
	const byRegex = (text: string) => text.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
	const cases: [string, string, string][] = [
		[
			'a v4 fingerprint',
			'c0ffee00deadbeef0123456789abcdef01234567',
			'C0FF EE00 DEAD BEEF 0123 4567 89AB CDEF 0123 4567'
		],
		['a v6 fingerprint', 'ab'.repeat(32), 'ABAB '.repeat(15) + 'ABAB'],
		['empty', '', ''],
		['a length not a multiple of four', 'abcdef', 'ABCD EF']
	];
	for (const [name, input, output] of cases) {
		it(name, () => expect(groupedFingerprint(input)).toBe(output));
	}
	it('any text reads as the regular expression reads it (line breaks included)', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
				expect(groupedFingerprint(text)).toBe(byRegex(text));
			}),
			{ seed: 11, numRuns: 1000 }
		);
	});
});
