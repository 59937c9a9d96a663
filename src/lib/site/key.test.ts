import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dependencyKey } from './key';

describe('dependencyKey', () => {
	it('is 32 hex digits, the same for the same parts', () => {
		expect(dependencyKey(['a', 1, true, null])).toMatch(/^[0-9a-f]{32}$/);
		expect(dependencyKey(['a', 1, true, null])).toBe(dependencyKey(['a', 1, true, null]));
	});

	it.each([
		[
			['ab', 'c'],
			['a', 'bc']
		],
		[['a', ''], ['a']],
		[[''], []],
		[[null], ['null']],
		[['x\u001f'], ['x', '']],
		[['abc'], ['abd']]
	])('tells %j from %j', (a, b) => {
		expect(dependencyKey(a)).not.toBe(dependencyKey(b));
	});

	it('differs for different lists of strings (no collision in random lists)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.string({ unit: 'binary' }), { maxLength: 6 }),
				fc.array(fc.string({ unit: 'binary' }), { maxLength: 6 }),
				(a, b) => {
					fc.pre(JSON.stringify(a) !== JSON.stringify(b));
					expect(dependencyKey(a)).not.toBe(dependencyKey(b));
				}
			),
			{ numRuns: 2000 }
		);
	});
});
