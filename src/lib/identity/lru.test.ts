import { describe, expect, it } from 'vitest';
import { Lru } from './lru';

describe('Lru', () => {
	it('forgets the least recently used entry when full', () => {
		const lru = new Lru<string, number>(2);
		lru.set('a', 1);
		lru.set('b', 2);
		expect(lru.get('a')).toBe(1); // a is now the most recent
		lru.set('c', 3);
		expect([lru.peek('a'), lru.peek('b'), lru.peek('c')]).toEqual([1, undefined, 3]);
		expect(lru.size).toBe(2);
	});

	it('peek does not make an entry recent; set on a known key does', () => {
		const lru = new Lru<string, number>(2);
		lru.set('a', 1);
		lru.set('b', 2);
		lru.peek('a');
		lru.set('c', 3);
		expect(lru.peek('a')).toBeUndefined();
		lru.set('b', 20);
		lru.set('d', 4);
		expect([lru.peek('b'), lru.peek('c'), lru.peek('d')]).toEqual([20, undefined, 4]);
	});

	it('stays within its bound over many keys', () => {
		const lru = new Lru<number, number>(1000);
		for (let i = 0; i < 10_000; i++) lru.set(i, i);
		expect(lru.size).toBe(1000);
		expect(lru.peek(8999)).toBeUndefined();
		expect(lru.peek(9000)).toBe(9000);
	});
});
