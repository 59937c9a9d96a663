/**
 * The forum state over a real citizens' area: views follow the stores, drafts follow the
 * document, and form actions report their failures in the words of the form.
 */
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../identity';
import { err, makeThread, ok, parseEntry } from '../model';
import { CitizensArea, openCountryDocs, RecordStore } from '../sync';
import { sign, signedCountry, signer, T0 } from '../sync/fixtures/country';
import { ForumState, humanMessage, PendingAction } from './forum.svelte';

describe('humanMessage', () => {
	it.each([
		['body.title: must not be empty', 'Title: must not be empty.'],
		['body.body: must be at most 200000 characters', 'Text: must be at most 200000 characters.'],
		['body.tags[2]: tags must not repeat', 'Tags: tags must not repeat.'],
		['Unlock your identity first.', 'Unlock your identity first.']
	])('%s', (message, expected) => expect(humanMessage(message)).toBe(expected));
});

describe('PendingAction', () => {
	it('is busy while the action runs, then gives its value', async () => {
		const action = new PendingAction();
		let release!: () => void;
		const running = action.run(
			() => new Promise<ReturnType<typeof ok<string>>>((r) => (release = () => r(ok('id'))))
		);
		expect(action.busy).toBe(true);
		release();
		expect(await running).toBe('id');
		expect(action.busy).toBe(false);
		expect(action.error).toBeNull();
	});

	it('keeps the failure’s message and gives null', async () => {
		const action = new PendingAction();
		expect(await action.run(async () => err('locked', 'Unlock your identity first.'))).toBeNull();
		expect(action.error).toBe('Unlock your identity first.');
		expect(action.busy).toBe(false);
	});
});

describe('ForumState', () => {
	it('follows the citizens’ store and the drafts of the document', async () => {
		const [alice, bob] = await Promise.all([signer('alice'), signer('bob')]);
		const land = await signedCountry({ founder: alice, member: bob });
		const docs = openCountryDocs(land.country, { persist: false });
		const verifier = createVerifier({ useWorkers: false });
		const publicStore = new RecordStore({
			countryId: land.country,
			records: docs.records,
			verifier
		});
		const forum = new ForumState(new CitizensArea(docs, { publicStore, verifier }));
		await publicStore.publish(land.all);

		const thread = await sign(
			bob,
			makeThread({
				country: land.country,
				author: bob.key.fingerprint,
				at: T0 + 100,
				title: 'Agenda',
				body: ''
			})
		);
		const parsed = parseEntry(thread.id, thread.entry);
		if (!parsed.ok) throw new Error(parsed.message);
		const [checked] = await verifier.verifyMany([
			{ parsed: parsed.value, publicKey: bob.key.publicKey }
		]);
		if (!checked?.ok) throw new Error('the thread did not verify');
		const published = await forum.publishVerified(
			{ signed: thread, verified: checked.value },
			publicStore.snapshot.country
		);
		expect(published).toEqual(ok(thread.id));
		expect(forum.threads.map((t) => t.title)).toEqual(['Agenda']);
		expect(forum.thread(thread.id)?.author).toBe(bob.key.fingerprint);

		const id = forum.startDraft(alice.key.fingerprint);
		expect(forum.drafts.map((d) => d.id)).toEqual([id]);
		expect(forum.editDraft(id, 'title', 'Minutes', 7)).toEqual(ok(undefined));
		expect(forum.draft(id)?.title).toBe('Minutes');
		expect(forum.drafts[0]!.title).toBe('Minutes');
		forum.markPublished(id, thread.id);
		expect(forum.draft(id)?.publishedAs).toBe(thread.id);
		forum.removeDraft(id);
		expect(forum.drafts).toEqual([]);
		forum.destroy();
	});
});
