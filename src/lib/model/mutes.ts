/**
 * Personal filters: the citizens a person muted, for themself alone. A mute is a setting of
 * one device, never a record: nobody else learns of it and no rule depends on it. These
 * functions read the stored list back and apply a muted set to what the views show; keeping
 * the list is the state layer's (src/lib/state/mutes.svelte.ts).
 */
import type { ContentSource } from './content';
import type { Verified } from './verified';

/** At most this many muted citizens are kept: a list read back from storage is capped. */
export const MUTED_MAX = 10_000;

const FINGERPRINT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** An OpenPGP v4 or v6 fingerprint, lowercase hex, as records name authors. */
export const isFingerprint = (value: unknown): value is string =>
	typeof value === 'string' && FINGERPRINT.test(value);

/**
 * The muted list from its stored JSON text: its fingerprints in order, each once, at most
 * MUTED_MAX. Anything else (not JSON, not a list, entries that are not fingerprints) is
 * skipped, never thrown: storage is another program's to corrupt.
 */
export function parseMuted(text: string | null): string[] {
	if (!text) return [];
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return [];
	}
	if (!Array.isArray(value)) return [];
	const seen = new Set<string>();
	for (const entry of value) {
		if (seen.size >= MUTED_MAX) break;
		if (isFingerprint(entry)) seen.add(entry);
	}
	return [...seen];
}

/** `list` with `fingerprint` muted, last; the same list when it is there already, full or not a fingerprint. */
export function withMuted(list: readonly string[], fingerprint: string): readonly string[] {
	if (!isFingerprint(fingerprint) || list.includes(fingerprint) || list.length >= MUTED_MAX) {
		return list;
	}
	return [...list, fingerprint];
}

/** `list` without `fingerprint`; the same list when it was not muted. */
export function withoutMuted(list: readonly string[], fingerprint: string): readonly string[] {
	return list.includes(fingerprint) ? list.filter((f) => f !== fingerprint) : list;
}

/**
 * What a view shows once `muted` authors are taken out of `items` (posts, threads,
 * messages), and how many went. With nobody muted, `shown` is `items` itself, so derived
 * views keep their identity.
 */
export function splitMuted<T extends { author: string }>(
	items: readonly T[],
	muted: ReadonlySet<string>
): { shown: readonly T[]; hidden: number } {
	if (!muted.size) return { shown: items, hidden: 0 };
	const shown = items.filter((item) => !muted.has(item.author));
	return { shown, hidden: items.length - shown.length };
}

/**
 * The valid records of the given `kinds` written by any of `authors`, as `kind:id`: what a
 * search leaves out. Posts are named by every revision, so a post's own id (its first
 * revision's) is among them.
 */
export function authoredKeys(
	records: Iterable<Verified>,
	authors: ReadonlySet<string>,
	kinds: ReadonlySet<string>
): Set<string> {
	const keys = new Set<string>();
	if (!authors.size) return keys;
	for (const { id, record } of records) {
		if (kinds.has(record.kind) && authors.has(record.author)) keys.add(`${record.kind}:${id}`);
	}
	return keys;
}

const POSTS: ReadonlySet<string> = new Set(['post']);
const CITIZENS_AREA: ReadonlySet<string> = new Set(['thread', 'message']);

/**
 * What a search leaves out, as its entries' ids (`kind:` and the record's id; a post's is
 * its first revision's): the posts of authors the leaders `banned` (the public site's rule,
 * R43), and everything `muted` authors wrote: posts and, when `citizens` is given (the
 * citizens' area, for a citizen), threads and messages.
 */
export function hiddenSearchKeys(
	sources: { public: ContentSource | null; citizens: ContentSource | null },
	banned: ReadonlySet<string>,
	muted: ReadonlySet<string>
): Set<string> {
	const authors = muted.size ? new Set([...banned, ...muted]) : banned;
	const hidden = sources.public
		? authoredKeys(recordsOf(sources.public), authors, POSTS)
		: new Set<string>();
	if (sources.citizens) {
		for (const key of authoredKeys(recordsOf(sources.citizens), muted, CITIZENS_AREA)) {
			hidden.add(key);
		}
	}
	return hidden;
}

const recordsOf = (source: ContentSource): Iterable<Verified> =>
	('valid' in source ? source.valid : source).values();
