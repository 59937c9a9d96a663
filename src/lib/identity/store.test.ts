import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureKey } from './fixtures';
import type { IdentityKey } from './keys';
import { createIdentityStore, createVerifiedCacheStore } from './store';

/** Store tests need well-formed entries, not real crypto: the store never reads keys. */
const identity = (fingerprint: string, extra: Partial<IdentityKey> = {}): IdentityKey => ({
	fingerprint,
	name: 'Alice',
	publicKey: fixtureKey('alice', 'public'),
	privateKey: fixtureKey('alice', 'private'),
	createdAt: 1_700_000_000_000,
	keyVersion: 4,
	...extra
});
const A = 'a'.repeat(40);
const B = 'b'.repeat(64);

let names = 0;
const freshName = () => `identity-test-${++names}-${Math.random()}`;
const opened: { close(): void }[] = [];
const open = (name = freshName()) => {
	const store = createIdentityStore(name);
	opened.push(store);
	return store;
};
afterEach(() => {
	for (const store of opened.splice(0)) store.close();
});

/** Write a raw value, as another app version or a damaged disk might have. */
function writeRaw(dbName: string, value: unknown, key?: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(dbName, 1);
		request.onerror = () => reject(request.error);
		request.onsuccess = () => {
			const db = request.result;
			const tx = db.transaction('keys', 'readwrite');
			if (key === undefined) tx.objectStore('keys').put(value);
			else tx.objectStore('keys').put(value, key);
			tx.oncomplete = () => {
				db.close();
				resolve();
			};
			tx.onerror = () => reject(tx.error);
		};
	});
}

describe('createIdentityStore', () => {
	it('puts, gets, lists (oldest first) and removes', async () => {
		const store = open();
		expect(await store.list()).toEqual({ ok: true, value: { keys: [], skipped: [] } });
		expect(await store.get(A)).toEqual({ ok: true, value: null });
		const a = identity(A, { createdAt: 2 });
		const b = identity(B, { createdAt: 1, keyVersion: 6, name: 'Carol' });
		expect(await store.put(a)).toEqual({ ok: true, value: { stored: true } });
		expect(await store.put(b)).toEqual({ ok: true, value: { stored: true } });
		expect(await store.get(A)).toEqual({ ok: true, value: a });
		expect(await store.list()).toEqual({ ok: true, value: { keys: [b, a], skipped: [] } });
		expect(await store.remove(A)).toEqual({ ok: true, value: undefined });
		expect(await store.remove(A)).toEqual({ ok: true, value: undefined });
		expect(await store.list()).toEqual({ ok: true, value: { keys: [b], skipped: [] } });
	});

	it('treats storing the same key again as a no-op', async () => {
		const store = open();
		expect(await store.put(identity(A))).toMatchObject({ ok: true, value: { stored: true } });
		expect(await store.put(identity(A))).toMatchObject({ ok: true, value: { stored: false } });
	});

	it('never silently overwrites a different key under the same fingerprint', async () => {
		const store = open();
		await store.put(identity(A));
		const other = identity(A, { privateKey: fixtureKey('bob', 'private') });
		expect(await store.put(other)).toMatchObject({ ok: false, code: 'key_conflict' });
		expect((await store.get(A)).ok && (await store.get(A))).toMatchObject({
			value: { privateKey: fixtureKey('alice', 'private') }
		});
		expect(await store.put(other, { replace: true })).toMatchObject({ ok: true });
		expect(await store.get(A)).toMatchObject({
			value: { privateKey: fixtureKey('bob', 'private') }
		});
	});

	it('survives reopening', async () => {
		const name = freshName();
		const first = open(name);
		await first.put(identity(A));
		first.close();
		expect(await open(name).get(A)).toMatchObject({ ok: true, value: { fingerprint: A } });
	});

	it.each([
		['a non-key value', { fingerprint: A, hello: 'world' }],
		['an unsupported key version', { ...identity(A), keyVersion: 5 }],
		['a damaged private key', { ...identity(A), privateKey: 'x' }]
	])('skips and reports %s; other keys are still listed', async (_, value) => {
		const name = freshName();
		const store = open(name);
		await store.put(identity(B));
		await writeRaw(name, value);
		const listed = await store.list();
		expect(listed).toMatchObject({ ok: true, value: { keys: [{ fingerprint: B }] } });
		if (!listed.ok) return;
		expect(listed.value.skipped).toHaveLength(1);
		expect(listed.value.skipped[0]).toMatchObject({ fingerprint: A });
		expect(await store.get(A)).toMatchObject({ ok: false, code: 'storage_failed' });
	});

	it.each([
		['a malformed fingerprint', identity('ABC')],
		['no private key', { ...identity(A), privateKey: undefined } as unknown as IdentityKey]
	])('refuses to put %s', async (_, key) => {
		expect(await open().put(key)).toMatchObject({ ok: false, code: 'storage_failed' });
	});

	it('reports storage_failed when IndexedDB is unavailable (private mode)', async () => {
		const saved = globalThis.indexedDB;
		// reason: simulating a browser without IndexedDB means removing the global.
		delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
		try {
			const store = createIdentityStore(freshName());
			expect(await store.list()).toMatchObject({ ok: false, code: 'storage_failed' });
			expect(await store.put(identity(A))).toMatchObject({ ok: false, code: 'storage_failed' });
			expect(await store.get(A)).toMatchObject({ ok: false, code: 'storage_failed' });
			expect(await store.remove(A)).toMatchObject({ ok: false, code: 'storage_failed' });
		} finally {
			globalThis.indexedDB = saved;
		}
	});

	it('reports storage_failed when opening throws', async () => {
		const saved = globalThis.indexedDB;
		globalThis.indexedDB = {
			open: () => {
				throw new DOMException('denied', 'SecurityError');
			}
		} as unknown as IDBFactory;
		try {
			expect(await createIdentityStore(freshName()).list()).toMatchObject({
				ok: false,
				code: 'storage_failed',
				message: expect.stringContaining('denied')
			});
		} finally {
			globalThis.indexedDB = saved;
		}
	});
});

describe('createVerifiedCacheStore', () => {
	it('answers which keys it holds, in order, and can be cleared', async () => {
		const cache = createVerifiedCacheStore(freshName());
		expect(await cache.hasMany([])).toEqual([]);
		expect(await cache.hasMany(['x', 'y'])).toEqual([false, false]);
		await cache.addMany(['y', 'z']);
		await cache.addMany([]);
		expect(await cache.hasMany(['x', 'y', 'z', 'y'])).toEqual([false, true, true, true]);
		expect(await cache.clear()).toEqual({ ok: true, value: undefined });
		expect(await cache.hasMany(['y'])).toEqual([false]);
		cache.close();
	});

	it('answers a large batch from one read of every key, and keeps that read current', async () => {
		const name = freshName();
		const cache = createVerifiedCacheStore(name);
		const many = Array.from({ length: 100 }, (_, i) => `k${i}`);
		await cache.addMany(many.filter((_, i) => i % 3 === 0));
		const first = await cache.hasMany(many);
		expect(first).toEqual(many.map((_, i) => i % 3 === 0));
		// Added after the read: still found, by a small batch and by a large one.
		await cache.addMany(['k1', 'late']);
		expect(await cache.hasMany(['k1', 'late', 'k2'])).toEqual([true, true, false]);
		expect((await cache.hasMany(many))[1]).toBe(true);
		// Another handle on the same database reads what this one wrote.
		const other = createVerifiedCacheStore(name);
		expect(await other.hasMany(['late', ...many.slice(2)])).toEqual([
			true,
			...many.slice(2).map((_, i) => (i + 2) % 3 === 0)
		]);
		expect(await cache.clear()).toEqual({ ok: true, value: undefined });
		expect(await cache.hasMany(many)).toEqual(many.map(() => false));
		cache.close();
		other.close();
	});

	it('stores a batch as one row, and still reads rows of one key each (older versions)', async () => {
		const name = freshName();
		const cache = createVerifiedCacheStore(name);
		await cache.addMany(['only']); // creates the database
		// A row as versions before batches wrote them: the key itself, the time as its value.
		const raw = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open(name);
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const rows = () =>
			new Promise<number>((resolve) => {
				const request = raw.transaction('verified').objectStore('verified').count();
				request.onsuccess = () => resolve(request.result);
			});
		await new Promise<void>((resolve) => {
			const tx = raw.transaction('verified', 'readwrite');
			tx.objectStore('verified').put(1_763_900_000_000, 'old key');
			tx.oncomplete = () => resolve();
		});
		const many = Array.from({ length: 500 }, (_, i) => `batch key ${i}`);
		await cache.addMany(many);
		expect(await rows()).toBe(3);
		const fresh = createVerifiedCacheStore(name);
		expect(await fresh.hasMany(['old key', 'only', ...many, 'missing'])).toEqual([
			true,
			true,
			...many.map(() => true),
			false
		]);
		// Keys it already holds are not written again; only the new one makes a row.
		await fresh.addMany([...many.slice(0, 10), 'only']);
		expect(await rows()).toBe(3);
		await fresh.addMany(['only', 'new key']);
		expect(await rows()).toBe(4);
		const later = createVerifiedCacheStore(name);
		expect(await later.hasMany(['new key'])).toEqual([true]);
		later.close();
		raw.close();
		cache.close();
		fresh.close();
	});

	it('rejects (so the verifier counts a miss) when IndexedDB is unavailable', async () => {
		const saved = globalThis.indexedDB;
		delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
		try {
			const cache = createVerifiedCacheStore(freshName());
			await expect(cache.hasMany(['x'])).rejects.toThrow(/IndexedDB/);
			await expect(cache.addMany(['x'])).rejects.toThrow(/IndexedDB/);
		} finally {
			globalThis.indexedDB = saved;
		}
	});
});
