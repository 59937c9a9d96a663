/**
 * The citizens' area: the record store on the citizens document, judged against the public
 * country. Real Y.Docs, real signatures (identity fixtures), the real verifier, inline.
 */
import * as fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type UnlockedIdentity } from '../identity';
import {
	deriveCountry,
	makeCitizen,
	makeMessage,
	makeThread,
	messagesOf,
	threadsOf,
	type CountryView
} from '../model';
import { messageRecord, openCountry, threadRecord, verdict } from '../model/fixtures/content';
import { person, verified } from '../model/fixtures/records';
import { CitizensArea, deriveCitizensArea } from './citizens';
import { openCountryDocs, type CountryDocs } from './docs';
import { RecordStore } from './record-store';
import { forge, sign, signedCountry, signer, T0, type Signed } from './fixtures/country';

let alice: UnlockedIdentity;
let bob: UnlockedIdentity;
let carol: UnlockedIdentity;
let land: Awaited<ReturnType<typeof signedCountry>>;

beforeAll(async () => {
	[alice, bob, carol] = await Promise.all([signer('alice'), signer('bob'), signer('carol')]);
	land = await signedCountry({ founder: alice, member: bob });
});

type Device = { docs: CountryDocs; publicStore: RecordStore; area: CitizensArea };

/** One device: both documents in memory, the public store, and the citizens' area on top. */
function device(): Device {
	const docs = openCountryDocs(land.country, { persist: false });
	const verifier = createVerifier({ useWorkers: false });
	const publicStore = new RecordStore({ countryId: land.country, records: docs.records, verifier });
	return { docs, publicStore, area: new CitizensArea(docs, { publicStore, verifier }) };
}

/** Write entries straight into a map, as any peer of the room could. */
function write(docs: CountryDocs, part: 'records' | 'citizensRecords', entries: Signed[]) {
	const map = docs[part];
	map.doc!.transact(() => {
		for (const { id, entry } of entries) map.set(id, { ...entry });
	});
}

async function settled(d: Device) {
	await d.publicStore.settled();
	await d.area.store.settled();
	// The public change may have asked the area to judge again.
	await d.area.store.settled();
}

const thread = (by: UnlockedIdentity, title: string, at = T0 + 100) =>
	sign(
		by,
		makeThread({ country: land.country, author: by.key.fingerprint, at, title, body: 'Hi *all*' })
	);
const message = (by: UnlockedIdentity, threadId: string, body: string, at = T0 + 200) =>
	sign(
		by,
		makeMessage({ country: land.country, author: by.key.fingerprint, at, thread: threadId, body })
	);
const statusOf = (d: Device, id: string) => d.area.store.statusOf(id);

describe('the citizens’ store', () => {
	it('[R44] a citizen’s thread and a reply are valid; threadsOf and messagesOf list them', async () => {
		const d = device();
		write(d.docs, 'records', land.all);
		const opened = await thread(alice, 'Where do we meet?');
		const reply = await message(bob, opened.id, 'At the square.');
		write(d.docs, 'citizensRecords', [opened, reply]);
		await settled(d);

		const view = d.area.store.snapshot.country;
		expect(threadsOf(view)).toMatchObject([
			{ id: opened.id, title: 'Where do we meet?', author: alice.key.fingerprint, messages: 1 }
		]);
		expect(messagesOf(view, opened.id)).toMatchObject([
			{ id: reply.id, author: bob.key.fingerprint }
		]);
		// The area's view holds the area's records only: the public ones are not repeated.
		expect([...view.valid.keys()].sort()).toEqual([opened.id, reply.id].sort());
		expect(view.citizens.map((c) => c.fingerprint)).toEqual([
			alice.key.fingerprint,
			bob.key.fingerprint
		]);
	});

	it('a thread that arrives before its author is a citizen waits, then counts', async () => {
		const d = device();
		const opened = await thread(bob, 'Early bird');
		write(d.docs, 'citizensRecords', [opened]);
		await settled(d);
		expect(statusOf(d, opened.id)).toMatchObject({ status: 'pending' });

		write(d.docs, 'records', land.all);
		await settled(d);
		expect(statusOf(d, opened.id)).toEqual({ status: 'valid' });
	});

	it('[R9] a signed thread by a non-citizen never counts, nor does a citizen record placed here', async () => {
		const d = device();
		write(d.docs, 'records', land.all);
		const claim = await sign(
			carol,
			makeCitizen({
				country: land.country,
				author: carol.key.fingerprint,
				at: T0 + 50,
				name: 'Carol',
				publicKey: carol.key.publicKey,
				admission: { type: 'open' }
			})
		);
		const intruding = await thread(carol, 'Let me in');
		write(d.docs, 'citizensRecords', [claim, intruding]);
		await settled(d);

		expect(statusOf(d, claim.id)).toMatchObject({ status: 'invalid', code: 'kind_misplaced' });
		// Carol's key is known only from the public view, where she is nobody.
		expect(statusOf(d, intruding.id)).toMatchObject({ status: 'pending' });
		expect(threadsOf(d.area.store.snapshot.country)).toEqual([]);
		expect(d.area.store.snapshot.country.citizenByKey.has(carol.key.fingerprint)).toBe(false);
	});

	it('a forged thread (someone else’s name, another key) is rejected', async () => {
		const d = device();
		write(d.docs, 'records', land.all);
		const forged = await forge(
			carol,
			makeThread({
				country: land.country,
				author: alice.key.fingerprint,
				at: T0 + 100,
				title: 'Alice never wrote this',
				body: ''
			})
		);
		write(d.docs, 'citizensRecords', [forged]);
		await settled(d);
		expect(statusOf(d, forged.id)).toMatchObject({ status: 'invalid', code: 'signature_invalid' });
		expect(threadsOf(d.area.store.snapshot.country)).toEqual([]);
	});

	it('[heal] a deleted or overwritten thread is put back from the verified copy', async () => {
		const d = device();
		write(d.docs, 'records', land.all);
		const opened = await thread(alice, 'Keep me');
		const other = await thread(bob, 'Me too', T0 + 101);
		write(d.docs, 'citizensRecords', [opened, other]);
		await settled(d);

		d.docs.citizensRecords.delete(opened.id);
		d.docs.citizensRecords.set(other.id, { record: other.entry.record, signature: 'AAAA' });
		await settled(d);
		expect(d.docs.citizensRecords.get(opened.id)).toEqual(opened.entry);
		expect(d.docs.citizensRecords.get(other.id)).toEqual(other.entry);
		expect(d.area.store.snapshot.healed).toBe(2);
		expect(threadsOf(d.area.store.snapshot.country)).toHaveLength(2);
	});

	it('threads in the public document are not part of the citizens’ area', async () => {
		const d = device();
		const published = await thread(alice, 'Public by mistake');
		write(d.docs, 'records', [...land.all, published]);
		await settled(d);
		expect(threadsOf(d.area.store.snapshot.country)).toEqual([]);
	});

	it('publish() resolves with the verdict once stored', async () => {
		const d = device();
		write(d.docs, 'records', land.all);
		await settled(d);
		const opened = await thread(bob, 'Published here');
		expect(await d.area.publish([opened])).toMatchObject([{ status: 'valid' }]);
		expect(d.docs.records.has(opened.id)).toBe(false);
		expect(d.docs.citizensRecords.has(opened.id)).toBe(true);
	});
});

describe('deriveCitizensArea', () => {
	const [ann, ben, cid] = [person('ann'), person('ben'), person('cid')];
	const land = openCountry(ann, [ben]);
	const public_ = land.derive();
	const t1 = verified(threadRecord(land.id, { by: ann, at: 10 }));
	const t2 = verified(threadRecord(land.id, { by: cid, at: 11 })); // not a citizen
	const m1 = verified(messageRecord(land.id, { by: ben, at: 12, thread: t1 }));
	const m2 = verified(messageRecord(land.id, { by: ann, at: 13, thread: t1, replyTo: m1 }));
	const m3 = verified(messageRecord(land.id, { by: ben, at: 14, thread: t2 })); // R29
	const m4 = verified(messageRecord(land.id, { by: ben, at: 15, thread: t1, replyTo: m3 })); // R30
	const area = [t1, t2, m1, m2, m3, m4];

	it('[R29][R30][R9] judges as the whole country would, for every area record', () => {
		const whole = deriveCountry(land.id, [...public_.valid.values(), ...area]);
		const view = deriveCitizensArea(public_, area);
		for (const r of area) expect(verdict(view, r)).toBe(verdict(whole, r));
		expect(area.map((r) => verdict(view, r))).toEqual([
			'valid',
			'author_unknown',
			'valid',
			'valid',
			'thread_unknown',
			'reply_unknown'
		]);
	});

	it('does not depend on the order or repetition of the records', () => {
		const expected = summary(deriveCitizensArea(public_, area));
		fc.assert(
			fc.property(fc.shuffledSubarray([...area, ...area], { minLength: 12 }), (records) => {
				expect(summary(deriveCitizensArea(public_, records))).toEqual(expected);
			}),
			{ seed: 4242, numRuns: 50 }
		);
	});

	it('[R1] with no public country yet, every area record waits for the genesis', () => {
		const empty = deriveCountry(land.id, []);
		const view = deriveCitizensArea(empty, [t1]);
		expect(verdict(view, t1)).toBe('genesis_missing');
	});
});

const summary = (view: CountryView) => ({
	valid: [...view.valid.keys()].sort(),
	rejected: view.rejected.map((r) => `${r.id} ${r.code}`).sort()
});
