/**
 * What the search index holds, derived from the verified content model alone: one document
 * per post (its current revision), per shared page (its current revision), per thread and
 * per message of the citizens' area. Each comes with a `revision` key that changes exactly
 * when what is indexed changes, so the index replaces a document only when it must.
 */
import {
	messagesOf,
	pagesOf,
	postsOf,
	threadsOf,
	type ContentSource,
	type RecordOf,
	type Verified
} from '$lib/model';
import { markdownText } from './text';

export type SearchKind = 'post' | 'page' | 'thread' | 'message';

/** A document as MiniSearch indexes it. */
export type SearchDocument = {
	/** `kind:key`, unique across kinds. */
	id: string;
	title: string;
	/** The body as plain text. */
	text: string;
	/** Tags joined by spaces. */
	tags: string;
	/** The author's display name. */
	author: string;
};

/** What a result shows and where it leads, kept beside the index (the index keeps no text). */
export type SearchEntry = {
	id: string;
	kind: SearchKind;
	/** The post id, page slug or thread id a result opens. */
	target: string;
	/** Shown as the result's title; for a message, its thread's title. */
	title: string;
	author: string;
	/** When what is shown was written. */
	at: number;
	/** Changes whenever the indexed document would: replaces it then, and only then. */
	revision: string;
	/** Makes the indexed document: called when the entry is (re)indexed. */
	document: () => SearchDocument;
};

/** Author fingerprint → display name; an unknown author gets an empty name. */
export type NameOf = (fingerprint: string) => string;

/** What one document is made of, whatever its kind. */
type Shown = {
	kind: SearchKind;
	/** Unique within the kind: post id, page slug, thread or message id. */
	key: string;
	target: string;
	/** The record whose text is indexed: a new one replaces the document. */
	revision: string;
	title: string;
	/** Whether the title is indexed (a message shows its thread's title without it). */
	titleIndexed: boolean;
	/** Markdown. */
	body: string;
	tags: readonly string[];
	author: string;
	at: number;
};

function entryOf(shown: Shown, nameOf: NameOf): SearchEntry {
	const id = `${shown.kind}:${shown.key}`;
	const author = nameOf(shown.author);
	return {
		id,
		kind: shown.kind,
		target: shown.target,
		title: shown.title,
		author,
		at: shown.at,
		revision: `${shown.revision}\n${author}`,
		document: () => ({
			id,
			title: shown.titleIndexed ? shown.title : '',
			text: markdownText(shown.body),
			tags: shown.tags.join(' '),
			author
		})
	};
}

/** Posts, not retracted, each as its current revision. */
export function postEntries(source: ContentSource, nameOf: NameOf): SearchEntry[] {
	return postsOf(source).map(({ id, current }) =>
		entryOf(
			{ kind: 'post', key: id, target: id, revision: current.id, titleIndexed: true, ...current },
			nameOf
		)
	);
}

/**
 * Shared pages, each as its current revision; a page waiting for a merge (several heads) as
 * its newest head, so it stays findable while citizens settle it.
 */
export function pageEntries(source: ContentSource, nameOf: NameOf): SearchEntry[] {
	const out: SearchEntry[] = [];
	for (const page of pagesOf(source).values()) {
		const shown = page.current ?? page.heads[0];
		if (!shown) continue;
		out.push(
			entryOf(
				{
					kind: 'page',
					key: page.slug,
					target: page.slug,
					revision: shown.id,
					titleIndexed: true,
					tags: [],
					...shown
				},
				nameOf
			)
		);
	}
	return out;
}

/**
 * Threads and every message in them. A message's document indexes its own words only (its
 * thread's title is shown, not indexed), so a word of a thread's title finds the thread once,
 * not once per reply.
 */
export function threadEntries(source: ContentSource, nameOf: NameOf): SearchEntry[] {
	// Messages grouped by thread first, so each thread's messages come from messagesOf over
	// its own records: one pass over the records instead of one per thread.
	const byThread = new Map<string, Map<string, Verified>>();
	const valid = 'valid' in source ? source.valid : source;
	for (const entry of valid.values()) {
		if (entry.record.kind !== 'message') continue;
		const thread = (entry as Verified<RecordOf<'message'>>).record.body.thread;
		const group = byThread.get(thread);
		if (group) group.set(entry.id, entry);
		else byThread.set(thread, new Map([[entry.id, entry]]));
	}
	const out: SearchEntry[] = [];
	for (const thread of threadsOf(source)) {
		const common = { target: thread.id, title: thread.title, tags: [] };
		out.push(
			entryOf(
				{
					...thread,
					...common,
					kind: 'thread',
					key: thread.id,
					revision: thread.id,
					titleIndexed: true
				},
				nameOf
			)
		);
		const group = byThread.get(thread.id);
		if (!group) continue;
		for (const message of messagesOf(group, thread.id)) {
			out.push(
				entryOf(
					{
						...message,
						...common,
						kind: 'message',
						key: message.id,
						revision: message.id,
						titleIndexed: false
					},
					nameOf
				)
			);
		}
	}
	return out;
}
