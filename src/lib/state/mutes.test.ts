import { afterEach, describe, expect, it, vi } from 'vitest';
import { MutedAuthors, threadsSeen } from './mutes.svelte';

const country = 'ee'.repeat(32);
const other = 'ff'.repeat(32);
const cy = 'ab'.repeat(20);
const dee = 'cd'.repeat(20);

/** A Storage over a Map, optionally refusing writes as a full or blocked one does. */
function memoryStorage(options: { refuseWrites?: boolean; refuseReads?: boolean } = {}) {
	const items = new Map<string, string>();
	const refuse = () => {
		throw new DOMException('no', 'QuotaExceededError');
	};
	return {
		items,
		getItem: (key: string) => (options.refuseReads ? refuse() : (items.get(key) ?? null)),
		setItem: (key: string, value: string) =>
			options.refuseWrites ? refuse() : void items.set(key, value),
		removeItem: (key: string) => (options.refuseWrites ? refuse() : void items.delete(key))
	};
}

describe('MutedAuthors: personal filters kept on this device', () => {
	afterEach(() => vi.unstubAllGlobals());

	it('mutes and unmutes, and a new instance (a reload) reads the list back', () => {
		const storage = memoryStorage();
		vi.stubGlobal('localStorage', storage);
		const mutes = new MutedAuthors(country);
		mutes.mute(cy);
		mutes.mute(dee);
		mutes.mute(cy);
		expect(mutes.list).toEqual([cy, dee]);
		expect(mutes.has(cy)).toBe(true);
		expect(new MutedAuthors(country).list).toEqual([cy, dee]);
		mutes.unmute(cy);
		expect(new MutedAuthors(country).list).toEqual([dee]);
		mutes.unmute(dee);
		expect(mutes.muted.size).toBe(0);
		expect(storage.items.size).toBe(0);
	});

	it('keeps each country’s list apart', () => {
		vi.stubGlobal('localStorage', memoryStorage());
		new MutedAuthors(country).mute(cy);
		expect(new MutedAuthors(other).list).toEqual([]);
	});

	it('keeps each identity’s list apart on one device', () => {
		vi.stubGlobal('localStorage', memoryStorage());
		new MutedAuthors(country, cy).mute(dee);
		expect(new MutedAuthors(country, dee).list).toEqual([]);
		expect(new MutedAuthors(country, cy).list).toEqual([dee]);
	});

	it('a list saved before lists were per identity goes, once, to the first identity', () => {
		const storage = memoryStorage();
		vi.stubGlobal('localStorage', storage);
		new MutedAuthors(country).mute(dee);
		expect(new MutedAuthors(country, cy).list).toEqual([dee]);
		expect(new MutedAuthors(country, dee).list).toEqual([]);
		expect(new MutedAuthors(country, cy).list).toEqual([dee]);
		expect([...storage.items.keys()]).toEqual([new MutedAuthors(country, cy).key]);
	});

	it('builds on what another tab stored meanwhile', () => {
		vi.stubGlobal('localStorage', memoryStorage());
		const here = new MutedAuthors(country);
		new MutedAuthors(country).mute(cy);
		here.mute(dee);
		expect(new MutedAuthors(country).list).toEqual([cy, dee]);
	});

	it('reads a corrupted entry as nobody muted', () => {
		const storage = memoryStorage();
		storage.items.set(new MutedAuthors(country).key, '{"not":"a list"');
		vi.stubGlobal('localStorage', storage);
		expect(new MutedAuthors(country).list).toEqual([]);
	});

	it('when storage refuses, the mute holds in this tab and says it will not last', () => {
		vi.stubGlobal('localStorage', memoryStorage({ refuseWrites: true }));
		const mutes = new MutedAuthors(country);
		mutes.mute(cy);
		expect(mutes.has(cy)).toBe(true);
		expect(mutes.problem).toMatch(/until you reload/);
	});

	it('when storage is blocked altogether, nobody is muted and muting still works here', () => {
		vi.stubGlobal('localStorage', memoryStorage({ refuseReads: true, refuseWrites: true }));
		const mutes = new MutedAuthors(country);
		expect(mutes.list).toEqual([]);
		mutes.mute(cy);
		mutes.mute(dee);
		expect(mutes.list).toEqual([cy, dee]);
	});
});

describe('threadsSeen: reply counts as a person with mutes sees them', () => {
	const [ada, bob] = ['ad'.repeat(20), 'b0'.repeat(20)];
	const thread = {
		id: 't1',
		author: ada,
		at: 10,
		title: 'Meet',
		body: '',
		messages: 3,
		lastAt: 40
	};
	const replies = new Map([
		[
			't1',
			[
				{ author: ada, at: 20 },
				{ author: bob, at: 30 },
				{ author: bob, at: 40 }
			]
		]
	]);

	it('with nobody muted, every reply counts and none is hidden', () => {
		expect(threadsSeen([thread], replies, new Set())).toEqual([{ ...thread, hiddenMessages: 0 }]);
	});

	it('muted replies count apart, and the last activity is the last reply shown', () => {
		expect(threadsSeen([thread], replies, new Set([bob]))).toEqual([
			{ ...thread, messages: 1, lastAt: 20, hiddenMessages: 2 }
		]);
	});

	it('a thread whose every reply is muted shows when it was opened', () => {
		expect(threadsSeen([{ ...thread, author: bob }], replies, new Set([ada, bob]))).toEqual([
			{ ...thread, author: bob, messages: 0, lastAt: 10, hiddenMessages: 3 }
		]);
	});
});
