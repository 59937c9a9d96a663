/**
 * A bounded map that forgets the least recently used entry first. A Map keeps insertion
 * order, so a hit moves its entry to the end and the first entry is always the oldest.
 */
export class Lru<K, V> {
	private readonly map = new Map<K, V>();

	constructor(readonly max: number) {}

	get(key: K): V | undefined {
		const value = this.map.get(key);
		if (value !== undefined) {
			this.map.delete(key);
			this.map.set(key, value);
		}
		return value;
	}

	/** Like get, without making the entry recent. */
	peek(key: K): V | undefined {
		return this.map.get(key);
	}

	set(key: K, value: V): void {
		this.map.delete(key);
		if (this.map.size >= this.max) {
			const oldest = this.map.keys().next();
			if (!oldest.done) this.map.delete(oldest.value);
		}
		this.map.set(key, value);
	}

	delete(key: K): void {
		this.map.delete(key);
	}

	clear(): void {
		this.map.clear();
	}

	get size(): number {
		return this.map.size;
	}
}
