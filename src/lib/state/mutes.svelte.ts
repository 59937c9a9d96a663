/**
 * Personal filters of one country on this device: the citizens this person muted. Kept in
 * local storage under the country's id and the identity's fingerprint (two people sharing a
 * browser each keep their own), never published: no record, no peer, no mirror ever sees it.
 * Other tabs of the app follow a change at once (the `storage` event).
 */
import { on } from 'svelte/events';
import { createSubscriber } from 'svelte/reactivity';
import type { BlogPost, CountryView, ForumThread } from '../model';
import { parseMuted, splitMuted, withMuted, withoutMuted } from '../model/mutes';
import type { CountryState } from './country.svelte';
import type { ForumState } from './forum.svelte';
import { postsIn } from './posts';

const KEY_PREFIX = 'webocracy/muted/';

export class MutedAuthors {
	readonly key: string;
	/** Why the last change could not be kept on this device, if it could not. */
	problem = $state<string | null>(null);
	#list = $state.raw<readonly string[]>([]);
	#cache: { list: readonly string[]; set: ReadonlySet<string> } | null = null;
	readonly #subscribe: () => void;

	/** The key lists had before they were per identity: adopted once, by the first identity. */
	readonly #legacyKey: string | null;

	/** `identity`: the active identity's fingerprint; null (nobody yet) keeps a device list. */
	constructor(countryId: string, identity: string | null = null) {
		const deviceKey = `${KEY_PREFIX}${countryId}`;
		this.key = identity ? `${deviceKey}/${identity}` : deviceKey;
		this.#legacyKey = identity ? deviceKey : null;
		this.adoptLegacy();
		this.#list = this.read();
		this.#subscribe = createSubscriber((update) => {
			if (typeof window === 'undefined') return;
			return on(window, 'storage', (event) => {
				// `key` is null when another tab cleared all of this origin's storage.
				if (event.key !== this.key && event.key !== null) return;
				this.#list = this.read();
				update();
			});
		});
	}

	/** Muted citizens' fingerprints, in the order they were muted. */
	get list(): readonly string[] {
		this.#subscribe();
		return this.#list;
	}

	/** The same, as a set for filtering (one object per change of the list). */
	get muted(): ReadonlySet<string> {
		const list = this.list;
		if (this.#cache?.list !== list) {
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- reason: a snapshot of `list`, replaced whole and never mutated
			this.#cache = { list, set: new Set(list) };
		}
		return this.#cache.set;
	}

	has(fingerprint: string): boolean {
		return this.muted.has(fingerprint);
	}

	mute(fingerprint: string): void {
		this.change((list) => withMuted(list, fingerprint));
	}

	unmute(fingerprint: string): void {
		this.change((list) => withoutMuted(list, fingerprint));
	}

	/**
	 * A list saved before lists were per identity (or before this person had one) becomes
	 * this identity's when it has none, and leaves the shared key: nothing saved is lost, and
	 * no second identity inherits it.
	 */
	private adoptLegacy(): void {
		if (!this.#legacyKey) return;
		try {
			if (localStorage.getItem(this.key) !== null) return;
			const legacy = localStorage.getItem(this.#legacyKey);
			if (legacy === null) return;
			localStorage.setItem(this.key, legacy);
			localStorage.removeItem(this.#legacyKey);
		} catch {
			// Storage blocked or full: the old list stays where it is, for a later visit.
		}
	}

	private read(): readonly string[] {
		return this.stored() ?? [];
	}

	/** What storage holds now, or null when storage is blocked (a private window, a setting). */
	private stored(): readonly string[] | null {
		try {
			return parseMuted(localStorage.getItem(this.key));
		} catch {
			return null;
		}
	}

	/**
	 * Apply `edit` to the stored list (another tab may have changed it since this one last
	 * looked) and keep the result. It takes effect at once in this tab; `problem` says so when
	 * the device would forget it on reload.
	 */
	private change(edit: (list: readonly string[]) => readonly string[]): void {
		const before = this.stored() ?? this.#list;
		const list = edit(before);
		this.#list = list;
		if (list === before) return;
		try {
			if (list.length) localStorage.setItem(this.key, JSON.stringify(list));
			else localStorage.removeItem(this.key);
			this.problem = null;
		} catch {
			this.problem =
				'This device did not let Webocracy save your muted list: the change holds until you ' +
				'reload or close the app.';
		}
	}
}

/**
 * One list per open country and identity, shared by its pages (a WeakMap: it goes with the
 * country).
 */
const lists = new WeakMap<CountryState, Map<string, MutedAuthors>>();

/** The muted list of `identity` (the active fingerprint, or null) in `country`. */
export function mutesOf(country: CountryState, identity: string | null): MutedAuthors {
	let byIdentity = lists.get(country);
	if (!byIdentity) {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- reason: a cache of state objects, never read by views
		byIdentity = new Map();
		lists.set(country, byIdentity);
	}
	let mutes = byIdentity.get(identity ?? '');
	if (!mutes) {
		mutes = new MutedAuthors(country.id, identity);
		byIdentity.set(identity ?? '', mutes);
	}
	return mutes;
}

/**
 * The posts this person sees: the country's (postsIn: not retracted, not banned) not by
 * citizens they muted, and how many their mutes hide (so an empty list can say why).
 */
export const postsSeenIn = (
	country: CountryState,
	mutes: MutedAuthors
): { shown: readonly BlogPost[]; hidden: number } => splitMuted(postsIn(country), mutes.muted);

/** The posts this person sees (see postsSeenIn). */
export const visiblePostsIn = (country: CountryState, mutes: MutedAuthors): readonly BlogPost[] =>
	postsSeenIn(country, mutes).shown;

/** A thread as one person sees it: `messages` and `lastAt` count only the replies shown. */
export type SeenThread = ForumThread & {
	/** Replies left out because their authors are muted by this person. */
	hiddenMessages: number;
};

type Reply = { author: string; at: number };

/** Each thread's replies (author and time), in one pass over the valid records. */
function repliesByThread(view: CountryView): ReadonlyMap<string, readonly Reply[]> {
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- reason: built here and returned whole, never mutated after
	const byThread = new Map<string, Reply[]>();
	for (const { record } of view.valid.values()) {
		if (record.kind !== 'message') continue;
		const list = byThread.get(record.body.thread);
		const reply = { author: record.author, at: record.at };
		if (list) list.push(reply);
		else byThread.set(record.body.thread, [reply]);
	}
	return byThread;
}

/**
 * `threads` with their reply counts and last activity as a person who muted `muted` sees
 * them, so the list agrees with the thread page (which leaves those replies out).
 */
export function threadsSeen(
	threads: readonly ForumThread[],
	replies: ReadonlyMap<string, readonly Reply[]>,
	muted: ReadonlySet<string>
): SeenThread[] {
	return threads.map((thread) => {
		if (!muted.size) return { ...thread, hiddenMessages: 0 };
		let shown = 0;
		let lastAt = thread.at;
		for (const reply of replies.get(thread.id) ?? []) {
			if (muted.has(reply.author)) continue;
			shown += 1;
			lastAt = Math.max(lastAt, reply.at);
		}
		return { ...thread, messages: shown, lastAt, hiddenMessages: thread.messages - shown };
	});
}

const NO_REPLIES: ReadonlyMap<string, readonly Reply[]> = new Map();

/** One index of replies per view of the citizens' area (views are replaced whole). */
const repliesOf = new WeakMap<CountryView, ReadonlyMap<string, readonly Reply[]>>();

/** The citizens' area's threads as this person sees them (see threadsSeen). */
export function threadsSeenIn(forum: ForumState, mutes: MutedAuthors): SeenThread[] {
	const muted = mutes.muted;
	if (!muted.size) return threadsSeen(forum.threads, NO_REPLIES, muted);
	const view = forum.snapshot.country;
	let replies = repliesOf.get(view);
	if (!replies) {
		replies = repliesByThread(view);
		repliesOf.set(view, replies);
	}
	return threadsSeen(forum.threads, replies, muted);
}
