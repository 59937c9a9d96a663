import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openCountryDocs, StorageReadError, StorageWriteError, type CountryDocs } from './docs';

type FakeStore = { add(...args: unknown[]): unknown; transaction: FakeTransaction };
type FakeTransaction = { _abort(name: string): void };

/**
 * fake-indexeddb has no storage quota: make the next `count` adds abort their transaction
 * the way a full disk does (the transaction's error is a QuotaExceededError).
 */
function failNextAdds(count: number): () => void {
	// fake-indexeddb/auto installed its classes as the globals.
	const proto = IDBObjectStore.prototype as unknown as FakeStore;
	const add = proto.add;
	let left = count;
	proto.add = function (this: FakeStore, ...args: unknown[]) {
		const request = add.apply(this, args) as EventTarget;
		if (left > 0) {
			left--;
			const tx = this.transaction;
			// Browsers refuse at commit, after the request itself succeeded.
			request.addEventListener('success', () => tx._abort('QuotaExceededError'));
		}
		return request;
	};
	return () => {
		proto.add = add;
	};
}

let counter = 0;
const open: CountryDocs[] = [];
function docsFor(id: string): CountryDocs {
	const docs = openCountryDocs(id);
	open.push(docs);
	return docs;
}

/** Close the documents and open them again from what IndexedDB holds. */
async function reopen(docs: CountryDocs): Promise<CountryDocs> {
	open.splice(open.indexOf(docs), 1);
	await docs.destroy();
	const again = docsFor(docs.countryId);
	await again.whenLoaded;
	return again;
}

afterEach(async () => {
	await Promise.all(open.splice(0).map((d) => d.destroy()));
});

describe('CountryDocs.flushed', () => {
	it('resolves once a write is committed, and the write is there on the next open', async () => {
		const id = `flush-ok-${counter++}`;
		const docs = docsFor(id);
		await docs.whenLoaded;
		docs.records.set('a', { record: 'x', signature: 'y' });
		await docs.flushed();
		const again = await reopen(docs);
		expect(again.records.get('a')).toEqual({ record: 'x', signature: 'y' });
	});

	it('keeps writes made while the stored state was still loading', async () => {
		const id = `flush-early-${counter++}`;
		const first = docsFor(id);
		first.records.set('stored', { record: 's', signature: 's' });
		await first.flushed();
		const docs = await reopen(first);
		const early = docsFor(`${id}-other`);
		// Written before its load finished, and after.
		early.records.set('early', { record: 'e', signature: 's' });
		await early.whenLoaded;
		docs.records.set('after', { record: 'a', signature: 's' });
		early.records.set('later', { record: 'l', signature: 's' });
		await Promise.all([docs.flushed(), early.flushed()]);
		expect([...(await reopen(docs)).records.keys()].sort()).toEqual(['after', 'stored']);
		expect([...(await reopen(early)).records.keys()].sort()).toEqual(['early', 'later']);
	});

	it('rejects with a quota error when the write and its retry are refused', async () => {
		const id = `flush-full-${counter++}`;
		const docs = docsFor(id);
		await docs.whenLoaded;
		const restore = failNextAdds(2);
		try {
			docs.records.set('a', { record: 'x', signature: 'y' });
			const failure = await docs.flushed().then(
				() => null,
				(error: unknown) => error
			);
			expect(failure).toBeInstanceOf(StorageWriteError);
			expect((failure as StorageWriteError).quota).toBe(true);
			expect((failure as Error).message).toMatch(/storage is full/);
		} finally {
			restore();
		}
		const again = await reopen(docs);
		// Truthfully not saved: the rejection was not a false alarm.
		expect(again.records.get('a')).toBeUndefined();
	});

	it('stores the whole state again when only the first write was lost', async () => {
		const id = `flush-retry-${counter++}`;
		const docs = docsFor(id);
		await docs.whenLoaded;
		docs.records.set('before', { record: 'b', signature: 's' });
		await docs.flushed();
		const restore = failNextAdds(1);
		try {
			docs.records.set('lost', { record: 'l', signature: 's' });
			await expect(docs.flushed()).resolves.toBeUndefined();
		} finally {
			restore();
		}
		const again = await reopen(docs);
		expect([...again.records.keys()].sort()).toEqual(['before', 'lost']);
	});

	it('reports a lost write to the next flush even when later writes succeed', async () => {
		const id = `flush-later-${counter++}`;
		const docs = docsFor(id);
		await docs.whenLoaded;
		const restore = failNextAdds(1);
		docs.records.set('lost', { record: 'l', signature: 's' });
		await new Promise((r) => setTimeout(r, 20));
		restore();
		// The space came back: the next flush writes everything, the lost update included.
		docs.records.set('later', { record: 'k', signature: 's' });
		await docs.flushed();
		const again = await reopen(docs);
		expect([...again.records.keys()].sort()).toEqual(['later', 'lost']);
	});
});

/** Settled within `ms`, or still pending then. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
	return Promise.race([
		promise.then(() => true),
		new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))
	]);
}

describe('CountryDocs.whenLoaded', () => {
	it('settles, saying so, when the browser will not open the database', async () => {
		const rejections: unknown[] = [];
		const onRejection = (reason: unknown) => rejections.push(reason);
		process.on('unhandledRejection', onRejection);
		const indexedDBOpen = indexedDB.open;
		// As a browser refusing storage (private mode, a broken profile): an error event.
		indexedDB.open = function (this: IDBFactory, name: string) {
			const request = indexedDBOpen.call(this, `${name}-refused-${counter++}`);
			Object.defineProperty(request, 'onsuccess', { set() {}, get: () => null });
			setTimeout(() => {
				const error = new DOMException('refused', 'UnknownError');
				request.onerror?.({ target: { error } } as unknown as Event);
			}, 0);
			return request;
		};
		let docs: CountryDocs;
		try {
			docs = docsFor(`refused-${counter++}`);
		} finally {
			indexedDB.open = indexedDBOpen;
		}
		try {
			expect(await settledWithin(docs.whenLoaded, 1000)).toBe(true);
			expect(docs.loadProblem).toBeInstanceOf(StorageReadError);
			expect(docs.loadProblem?.rows).toBeNull();
			expect(docs.loadProblem?.message).toMatch(/could not be read \(.*refused\)/);
			docs.records.set('a', 1);
			await expect(docs.flushed()).rejects.toBeInstanceOf(StorageWriteError);
			open.splice(open.indexOf(docs), 1);
			await docs.destroy();
			await new Promise((r) => setTimeout(r, 20));
		} finally {
			process.off('unhandledRejection', onRejection);
		}
		// Only y-indexeddb's own, one per document: its constructor chains on the database
		// promise and handles no failure, out of our reach.
		expect(rejections).toHaveLength(2);
	});

	it('settles when the documents close before the database opened', async () => {
		const docs = openCountryDocs(`closed-early-${counter++}`);
		await docs.destroy();
		expect(await settledWithin(docs.whenLoaded, 1000)).toBe(true);
		expect(docs.loadProblem).toBeNull();
	});
});
