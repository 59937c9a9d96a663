import { describe, expect, it } from 'vitest';
import { count, plural } from './plural';

describe('counts in words', () => {
	it.each([
		[0, 'ballot', undefined, '0 ballots'],
		[1, 'ballot', undefined, '1 ballot'],
		[2, 'ballot', undefined, '2 ballots'],
		[1, 'reply', 'replies', '1 reply'],
		[3, 'reply', 'replies', '3 replies'],
		[1000, 'record', undefined, '1,000 records']
	])('%s %s', (n, one, many, text) => {
		expect(count(n, one, many)).toBe(text);
	});

	it.each([
		[0, 'were'],
		[1, 'was'],
		[2, 'were']
	])('the verb for %s is "%s"', (n, verb) => {
		expect(plural(n, 'was', 'were')).toBe(verb);
	});
});
