import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../identity';
import { makePost, makeRetraction, type Verified } from '../model';
import { openCountryDocs } from './docs';
import { FRAME_NEWEST, frameOf, readFrame, writeFrame } from './frame';
import { RecordStore } from './record-store';
import { sign, signedCountry, signer, T0, type Signed } from './fixtures/country';

let land: Awaited<ReturnType<typeof signedCountry>>;
let posts: Signed[];
let retraction: Signed;
let valid: Map<string, Verified>;

beforeAll(async () => {
	const [alice, bob] = await Promise.all([signer('alice'), signer('bob')]);
	land = await signedCountry({ founder: alice, member: bob });
	posts = await Promise.all(
		Array.from({ length: FRAME_NEWEST + 20 }, (_, i) =>
			sign(
				alice,
				makePost({
					country: land.country,
					author: alice.key.fingerprint,
					at: T0 + 100 + i,
					title: `Post ${i}`,
					body: `Body ${i}`
				})
			)
		)
	);
	retraction = await sign(
		alice,
		makeRetraction({
			country: land.country,
			author: alice.key.fingerprint,
			at: T0 + 50,
			post: posts[0]!.id
		})
	);
	// The valid set as a store derives it, to take frames from.
	const doc = openCountryDocs(land.country, { persist: false });
	doc.records.doc!.transact(() => {
		for (const { id, entry } of [...land.all, ...posts, retraction]) doc.records.set(id, entry);
	});
	const store = new RecordStore({
		countryId: land.country,
		records: doc.records,
		verifier: createVerifier({ useWorkers: false })
	});
	await store.settled();
	valid = new Map(store.snapshot.country.valid);
	store.destroy();
}, 60_000);

describe('frameOf', () => {
	it('keeps genesis, citizens and invites, and only the newest posts and retractions', () => {
		const ids = new Set(frameOf(valid).map((e) => e.id));
		const frame = [land.genesis, land.founding, land.invite, land.joining];
		for (const { id } of frame) expect(ids.has(id)).toBe(true);
		const newest = posts.slice(-FRAME_NEWEST);
		for (const { id } of newest) expect(ids.has(id)).toBe(true);
		// Older posts, and a retraction older than every kept post, are left out.
		expect(ids.has(posts[0]!.id)).toBe(false);
		expect(ids.has(land.posts[0]!.id)).toBe(false);
		expect(ids.has(retraction.id)).toBe(false);
		expect(ids.size).toBe(frame.length + FRAME_NEWEST);
	});

	it('stores entries exactly as signed', () => {
		const byId = new Map([...land.all, ...posts].map((s) => [s.id, s.entry]));
		for (const { id, entry } of frameOf(valid)) expect(entry).toEqual(byId.get(id));
	});
});

describe('readFrame / writeFrame', () => {
	it('reads back what was written, and nothing for a country without a frame', async () => {
		const frame = frameOf(valid);
		await writeFrame(land.country, frame);
		expect(await readFrame(land.country)).toEqual(frame);
		expect(await readFrame('0'.repeat(64))).toEqual([]);
	});

	it('drops malformed rows of a stored value instead of failing', async () => {
		const id = 'f'.repeat(64);
		await writeFrame(id, frameOf(valid).slice(0, 2));
		// Someone else's value under the frame's key: only well-formed triples come back.
		await new Promise<void>((resolve, reject) => {
			const request = indexedDB.open(`webocracy/${id}/frame`, 1);
			request.onsuccess = () => {
				const db = request.result;
				const tx = db.transaction('frame', 'readwrite');
				tx.objectStore('frame').put(
					{ entries: [['a', 'b', 'c'], ['a', 1, 'c'], 'junk', null, ['x', 'y']] },
					'latest'
				);
				tx.oncomplete = () => (db.close(), resolve());
				tx.onerror = () => reject(tx.error);
			};
		});
		expect(await readFrame(id)).toEqual([{ id: 'a', entry: { record: 'b', signature: 'c' } }]);
	});

	it('keeps a frame even where the database was made without its store', async () => {
		const id = 'e'.repeat(64);
		await new Promise<void>((resolve) => {
			const request = indexedDB.open(`webocracy/${id}/frame`);
			request.onsuccess = () => (request.result.close(), resolve());
		});
		const frame = frameOf(valid).slice(0, 3);
		await writeFrame(id, frame);
		expect(await readFrame(id)).toEqual(frame);
	});
});
