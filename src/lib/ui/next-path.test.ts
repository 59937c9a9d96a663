import { describe, expect, it } from 'vitest';
import { nextPath } from './next-path';

const here = new URL('https://webocracy.example/identity?next=x#unlock');

describe('nextPath', () => {
	it.each([
		['/c/abc/forum', '/c/abc/forum'],
		['/c/abc/search?q=tea', '/c/abc/search?q=tea'],
		['/join#join=abc', '/join#join=abc'],
		['//evil.example/x', null],
		['/\\evil.example/x', null],
		['https://evil.example/', null],
		['javascript:alert(1)', null],
		['c/abc', null],
		['', null],
		[null, null]
	])('%s → %s', (target, expected) => {
		expect(nextPath(target, here)).toBe(expected);
	});
});
