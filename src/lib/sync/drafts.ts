/**
 * Shared drafts in the citizens document: each draft a Y.Map holding a Y.Text title and
 * body that several citizens type into at once, until one of them publishes it as a signed
 * post. A draft is not a record: nobody signs it, any peer of the room can write anything
 * here. So every read is checked and bounded, nothing read from a peer can throw, and only
 * what a citizen publishes (signed, in the public document) counts.
 */
import * as Y from 'yjs';
import { err, HEX64, ok, POST_BODY_MAX, POST_TITLE_MAX, type Result } from '../model';
import { diffText, type TextDelta } from './drafts-text';

export type DraftField = 'title' | 'body';

/** A draft holds what a post may hold: publishing must be possible. */
export const DRAFT_LIMITS: Readonly<Record<DraftField, number>> = {
	title: POST_TITLE_MAX,
	body: POST_BODY_MAX
};
/** How many drafts are listed at most (newest first): a flood of junk keys stays cheap. */
export const DRAFTS_LISTED_MAX = 200;
/** How many map entries are looked at, at most, to list them. */
const DRAFTS_SCANNED_MAX = 5_000;
export const DRAFT_ID = /^[A-Za-z0-9_-]{16,64}$/;
const FINGERPRINT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Origin of this device's typing: watchers report only other people's changes. */
export const DRAFT_ORIGIN = Symbol('webocracy-draft-edit');

export type DraftInfo = {
	id: string;
	/** The title as typed so far (cut to its limit when a peer made it longer). */
	title: string;
	bodyLength: number;
	/** Who started it, as the draft claims (unsigned: a hint, never proof). */
	createdBy: string | null;
	createdAt: number | null;
	/** The post it was published as, as the draft claims: check it in the public view. */
	publishedAs: string | null;
	/** Why it cannot be edited or published, when it cannot. */
	problem: string | null;
};

export type DraftError = 'draft_missing' | 'draft_too_large' | 'draft_malformed';

const keysOf = (event: Y.YEvent<Y.AbstractType<unknown>>): Set<string> =>
	(event as Y.YMapEvent<unknown>).keysChanged;

const safeInteger = (value: unknown): number | null =>
	Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : null;

export class Drafts {
	constructor(private readonly map: Y.Map<unknown>) {}

	/** The drafts worth showing, newest first; malformed entries are skipped. */
	list(): DraftInfo[] {
		const drafts: DraftInfo[] = [];
		let scanned = 0;
		for (const id of this.map.keys()) {
			if (++scanned > DRAFTS_SCANNED_MAX) break;
			const draft = this.get(id);
			if (draft) drafts.push(draft);
		}
		return drafts
			.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || (a.id < b.id ? -1 : 1))
			.slice(0, DRAFTS_LISTED_MAX);
	}

	/** One draft, or null when there is none under that id or it is not a draft at all. */
	get(id: string): DraftInfo | null {
		const draft = this.draftMap(id);
		if (!draft) return null;
		try {
			const title = draft.get('title');
			const body = draft.get('body');
			const texts = title instanceof Y.Text && body instanceof Y.Text;
			const createdBy = draft.get('createdBy');
			const publishedAs = draft.get('publishedAs');
			const tooLarge =
				texts && (title.length > DRAFT_LIMITS.title || body.length > DRAFT_LIMITS.body);
			return {
				id,
				title: texts ? title.toString().slice(0, DRAFT_LIMITS.title) : '',
				bodyLength: texts ? body.length : 0,
				createdBy: typeof createdBy === 'string' && FINGERPRINT.test(createdBy) ? createdBy : null,
				createdAt: safeInteger(draft.get('createdAt')),
				publishedAs:
					typeof publishedAs === 'string' && HEX64.test(publishedAs) ? publishedAs : null,
				problem: !texts
					? 'this draft is damaged: its title or text is not text'
					: tooLarge
						? 'this draft is over the size of a post: it can be read but not edited or published'
						: null
			};
		} catch {
			return null; // a peer's structure Yjs itself cannot read: not a draft
		}
	}

	/** A field's text, or null when the draft or field is not there or not text. */
	text(id: string, field: DraftField): string | null {
		const text = this.textOf(id, field);
		return text ? text.toString() : null;
	}

	/** Start a draft (the id comes from the caller's random source). */
	create(input: { id: string; createdBy: string; at: number; title?: string; body?: string }) {
		if (!DRAFT_ID.test(input.id)) throw new Error('a draft id must match DRAFT_ID');
		this.transact(() => {
			const draft = new Y.Map<unknown>();
			const title = new Y.Text(input.title?.slice(0, DRAFT_LIMITS.title) ?? '');
			const body = new Y.Text(input.body?.slice(0, DRAFT_LIMITS.body) ?? '');
			draft.set('title', title);
			draft.set('body', body);
			draft.set('createdBy', input.createdBy);
			draft.set('createdAt', input.at);
			draft.set('publishedAs', null);
			this.map.set(input.id, draft);
		});
	}

	/**
	 * Make a field read `value`, by the smallest edit from what it holds now (`caret`: where
	 * the caret stands in `value`), so that others' concurrent typing is kept.
	 */
	setText(id: string, field: DraftField, value: string, caret?: number): Result<void, DraftError> {
		const text = this.textOf(id, field);
		const info = this.get(id);
		if (!text || !info) return err('draft_missing', 'This draft is not here any more.');
		if (info.problem) return err('draft_malformed', `Cannot edit: ${info.problem}.`);
		if (value.length > DRAFT_LIMITS[field]) {
			return err(
				'draft_too_large',
				`The ${field} may be at most ${DRAFT_LIMITS[field].toLocaleString('en')} characters.`
			);
		}
		const change = diffText(text.toString(), value, caret);
		if (!change) return ok(undefined);
		this.transact(() => {
			if (change.remove) text.delete(change.index, change.remove);
			if (change.insert) text.insert(change.index, change.insert);
		});
		return ok(undefined);
	}

	markPublished(id: string, postId: string): void {
		const draft = this.draftMap(id);
		if (draft) this.transact(() => draft.set('publishedAs', postId));
	}

	remove(id: string): void {
		if (this.map.has(id)) this.transact(() => this.map.delete(id));
	}

	/** Call `listener` after any change to the drafts, local or remote. */
	onChange(listener: () => void): () => void {
		const observer = () => listener();
		this.map.observeDeep(observer);
		return () => this.map.unobserveDeep(observer);
	}

	/**
	 * Call `listener` when someone else changes a draft's field: with the delta when the
	 * text was edited, with null when it was replaced or removed (start over from `text`).
	 */
	watchText(
		id: string,
		field: DraftField,
		listener: (value: string, delta: TextDelta | null) => void
	): () => void {
		const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[], tx: Y.Transaction) => {
			if (tx.origin === DRAFT_ORIGIN) return;
			const current = this.textOf(id, field);
			let delta: TextDelta | null = null;
			let touched = false;
			for (const event of events) {
				if (current && event.target === current) {
					touched = true;
					delta = (event as Y.YTextEvent).delta as TextDelta;
				} else if (
					(event.target === this.map && keysOf(event).has(id)) ||
					(event.target === this.draftMap(id) && keysOf(event).has(field))
				) {
					// The draft or its field was replaced or removed: no delta applies.
					touched = true;
					delta = null;
					break;
				}
			}
			if (!touched) return;
			try {
				listener(current?.toString() ?? '', delta);
			} catch {
				// a listener's failure must not break the document's other observers
			}
		};
		this.map.observeDeep(observer);
		return () => this.map.unobserveDeep(observer);
	}

	destroy(): void {
		// Observers are removed by their own unsubscribe functions; nothing else is held.
	}

	private draftMap(id: string): Y.Map<unknown> | null {
		if (!DRAFT_ID.test(id)) return null;
		const value = this.map.get(id);
		return value instanceof Y.Map ? value : null;
	}

	private textOf(id: string, field: DraftField): Y.Text | null {
		const value = this.draftMap(id)?.get(field);
		return value instanceof Y.Text ? value : null;
	}

	private transact(fn: () => void): void {
		if (this.map.doc) this.map.doc.transact(fn, DRAFT_ORIGIN);
		else fn();
	}
}
