import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../model';
import { readHeldCountries, rememberCountry, type HeldCountry } from './local-registry';

const KEY = 'webocracy:countries';

/** The Storage interface over a Map; `blocked` makes every call throw as a browser may. */
class MemoryStorage implements Storage {
	readonly items = new Map<string, string>();
	blocked = false;
	[name: string]: unknown;

	get length(): number {
		return this.items.size;
	}
	key(index: number): string | null {
		return [...this.items.keys()][index] ?? null;
	}
	getItem(key: string): string | null {
		this.check();
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string): void {
		this.check();
		this.items.set(key, String(value));
	}
	removeItem(key: string): void {
		this.items.delete(key);
	}
	clear(): void {
		this.items.clear();
	}
	private check() {
		if (this.blocked) throw new DOMException('The operation is insecure.', 'SecurityError');
	}
}

const held = (label: string, extra: Partial<HeldCountry> = {}): HeldCountry => ({
	id: sha256Hex(label),
	name: `Land ${label}`,
	addedAt: 1000,
	secret: `secret-${label}-0123456789`,
	signaling: ['wss://signal.example.org'],
	...extra
});

const storageWith = (raw: string) => {
	const storage = new MemoryStorage();
	storage.items.set(KEY, raw);
	return storage;
};

describe('readHeldCountries', () => {
	it('an empty storage holds no countries and no problem', () => {
		expect(readHeldCountries(new MemoryStorage())).toEqual({ countries: [], problem: null });
	});

	it('reads back what rememberCountry wrote, in the order remembered', () => {
		const storage = new MemoryStorage();
		rememberCountry(held('a'), storage);
		rememberCountry(held('b'), storage);
		expect(readHeldCountries(storage)).toEqual({
			countries: [held('a'), held('b')],
			problem: null
		});
	});

	it.each([
		['corrupt JSON', '[{"id":'],
		['an object, not a list', JSON.stringify({ countries: [held('a')] })],
		['a string', JSON.stringify('a')],
		['null', 'null'],
		['a number', '42']
	])('%s is reported as unreadable and gives no countries', (_name, raw) => {
		expect(readHeldCountries(storageWith(raw))).toEqual({
			countries: [],
			problem: 'The saved list of countries was unreadable.'
		});
	});

	it('an empty string reads as nothing stored', () => {
		expect(readHeldCountries(storageWith(''))).toEqual({ countries: [], problem: null });
	});

	it('keeps the readable entries of a list and reports that some were skipped', () => {
		const { id: _id, ...noId } = held('x');
		const bad: unknown[] = [
			null,
			'a string',
			7,
			[held('y')],
			noId,
			held('x', { id: 'not-a-country-id' }),
			held('x', { id: sha256Hex('x').toUpperCase() }),
			held('x', { name: 5 as unknown as string }),
			held('x', { addedAt: '1000' as unknown as number }),
			held('x', { secret: 5 as unknown as string }),
			held('x', { signaling: 'wss://a' as unknown as string[] }),
			held('x', { signaling: [1] as unknown as string[] })
		];
		// A country imported from a public-only file has no secret: that is readable.
		const noSecret = held('c', { secret: null });
		const raw = JSON.stringify([held('a'), ...bad, held('b'), noSecret]);
		expect(readHeldCountries(storageWith(raw))).toEqual({
			countries: [held('a'), held('b'), noSecret],
			problem: 'Some saved countries were unreadable and skipped.'
		});
	});

	it('lists a country stored twice once (the first entry) and reports it', () => {
		const raw = JSON.stringify([held('a'), held('b'), held('a', { name: 'Again' })]);
		expect(readHeldCountries(storageWith(raw))).toEqual({
			countries: [held('a'), held('b')],
			problem: 'Some saved countries were unreadable and skipped.'
		});
	});

	it('a storage that throws is reported, not thrown', () => {
		const storage = new MemoryStorage();
		storage.blocked = true;
		expect(readHeldCountries(storage)).toEqual({
			countries: [],
			problem: 'This browser blocks local storage; nothing can be kept.'
		});
	});

	describe('with the default storage', () => {
		const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
		afterEach(() => {
			if (descriptor) Object.defineProperty(globalThis, 'localStorage', descriptor);
			else delete (globalThis as { localStorage?: Storage }).localStorage;
		});

		it('reads localStorage when given no storage', () => {
			const storage = new MemoryStorage();
			rememberCountry(held('a'), storage);
			Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
			expect(readHeldCountries().countries).toEqual([held('a')]);
		});

		it('a browser where even reading localStorage throws is reported, not thrown', () => {
			Object.defineProperty(globalThis, 'localStorage', {
				configurable: true,
				get() {
					throw new DOMException('Access is denied for this document.', 'SecurityError');
				}
			});
			expect(readHeldCountries()).toEqual({
				countries: [],
				problem: 'This browser blocks local storage; nothing can be kept.'
			});
		});
	});
});

describe('rememberCountry', () => {
	it('adds a new country with the addedAt it is given', () => {
		const storage = new MemoryStorage();
		rememberCountry(held('a', { addedAt: 5 }), storage);
		expect(JSON.parse(storage.items.get(KEY)!)).toEqual([held('a', { addedAt: 5 })]);
	});

	it('updates a country already held, keeping its addedAt and its place in the list', () => {
		const storage = new MemoryStorage();
		rememberCountry(held('a', { addedAt: 1 }), storage);
		rememberCountry(held('b', { addedAt: 2 }), storage);
		const update = held('a', { addedAt: 99, name: 'Renamed', signaling: [] });
		rememberCountry(update, storage);
		expect(readHeldCountries(storage).countries).toEqual([
			{ ...update, addedAt: 1 },
			held('b', { addedAt: 2 })
		]);
	});

	it('writes back only the readable entries of a partly unreadable list', () => {
		const storage = storageWith(JSON.stringify([held('a'), { junk: true }]));
		rememberCountry(held('b'), storage);
		expect(readHeldCountries(storage)).toEqual({
			countries: [held('a'), held('b')],
			problem: null
		});
	});

	it('starts a new list over an unreadable one', () => {
		const storage = storageWith('{not json');
		rememberCountry(held('a'), storage);
		expect(readHeldCountries(storage)).toEqual({ countries: [held('a')], problem: null });
	});

	it('throws when the browser refuses to store (the caller decides what to say)', () => {
		const storage = new MemoryStorage();
		storage.blocked = true;
		expect(() => rememberCountry(held('a'), storage)).toThrow(DOMException);
	});
});
