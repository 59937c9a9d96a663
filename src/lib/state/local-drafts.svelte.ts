/**
 * Unsent drafts kept on this device only, so what someone is writing survives a reload, a
 * closed tab or a crash. They go to this browser's localStorage and never into a shared
 * document: an unpublished text is nobody else's business. localStorage because it is
 * synchronous: the last keystrokes are still written while the page is being hidden. Each
 * identity on the device keeps its own: one person's unsent text is never offered to another
 * to publish under their name.
 */

import type { PostDraft } from '../model/post-draft';

const PREFIX = 'webocracy:draft:';
/** Typing is saved this long after the last keystroke (and at once when the page hides). */
const SAVE_DELAY_MS = 400;
/** Larger than any field a record accepts; a stored value beyond it is not ours. */
const TEXT_MAX = 1_000_000;
/** A page revision names the versions it joins; a few in practice. */
const PARENTS_MAX = 64;

type Stored = { v: 1; savedAt: number; value: unknown };

export type KeptDraft<T> = { value: T; savedAt: number };

/**
 * What is kept of a page being written or edited: `slug` for a new page, `parents` (the
 * versions the edit replaces, fixed when it started) for an edit.
 */
export type PageDraftFields = { title: string; body: string; slug?: string; parents?: string[] };

const isText = (value: unknown): value is string =>
	typeof value === 'string' && value.length <= TEXT_MAX;

const record = (value: unknown): Record<string, unknown> | null =>
	typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: null;

/** A kept post draft as stored, or null when it is not one (another version, damage). */
export function parsePostDraft(value: unknown): PostDraft | null {
	const fields = record(value);
	if (!fields || !isText(fields.title) || !isText(fields.body) || !isText(fields.tags)) return null;
	return { title: fields.title, body: fields.body, tags: fields.tags };
}

/** A kept page draft as stored, or null when it is not one. */
export function parsePageDraft(value: unknown): PageDraftFields | null {
	const fields = record(value);
	if (!fields || !isText(fields.title) || !isText(fields.body)) return null;
	const out: PageDraftFields = { title: fields.title, body: fields.body };
	if (fields.slug !== undefined) {
		if (!isText(fields.slug)) return null;
		out.slug = fields.slug;
	}
	if (fields.parents !== undefined) {
		const parents = fields.parents;
		if (!Array.isArray(parents) || parents.length > PARENTS_MAX || !parents.every(isText)) {
			return null;
		}
		out.parents = [...parents];
	}
	return out;
}

/** Where drafts go: localStorage, or nothing where the browser blocks it (reading throws). */
function defaultStorage(): Storage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

/**
 * One editor's kept draft: `restore()` when it opens, `update()` as the person types,
 * `discard()` on publish or when they throw it away. `attach()` (from an effect) saves what
 * is pending when the page hides and when the editor closes.
 */
export class LocalDraft<T> {
	readonly key: string;
	/** Where drafts were kept before they were per identity: adopted once, then removed. */
	private readonly legacyKey: string | null;
	/** The kept draft the editor opened with, until discarded. */
	restored = $state.raw<KeptDraft<T> | null>(null);
	/** The latest save failed (storage full or blocked): the text is only in this tab. */
	failed = $state(false);
	private readonly pristine: string;
	/** What storage holds for this editor, as JSON of the value (the pristine text: nothing). */
	private written: string;
	private readonly parse: (value: unknown) => T | null;
	private readonly storage: Storage | null;
	private readonly delayMs: number;
	private pending: T | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(options: {
		/** The country the text is for. */
		country: string;
		/** Who is writing (the active identity's fingerprint); null: nobody has one yet. */
		author: string | null;
		/** What is being written, e.g. `post:new`, `post:<id>`, `page:<slug>`. */
		target: string;
		/** What the editor starts from: a draft equal to it holds nothing to keep. */
		pristine: T;
		parse: (value: unknown) => T | null;
		storage?: Storage | null;
		delayMs?: number;
	}) {
		const legacy = `${PREFIX}${options.country}:${options.target}`;
		this.key = options.author
			? `${PREFIX}${options.country}:${options.author}:${options.target}`
			: legacy;
		this.legacyKey = options.author ? legacy : null;
		this.pristine = JSON.stringify(options.pristine);
		this.written = this.pristine;
		this.parse = options.parse;
		this.storage = options.storage === undefined ? defaultStorage() : options.storage;
		this.delayMs = options.delayMs ?? SAVE_DELAY_MS;
	}

	/** The draft kept for this editor, if there is one that differs from where it starts. */
	restore(): KeptDraft<T> | null {
		let kept: KeptDraft<T> | null = null;
		try {
			const text = this.keptText();
			const stored = text ? (JSON.parse(text) as Partial<Stored> | null) : null;
			const value = stored?.v === 1 ? this.parse(stored.value) : null;
			const savedAt = stored?.savedAt;
			if (value !== null && typeof savedAt === 'number' && Number.isFinite(savedAt)) {
				kept = JSON.stringify(value) === this.pristine ? null : { value, savedAt };
			}
		} catch {
			// Unreadable (damaged, or storage blocked): there is nothing to restore.
		}
		this.restored = kept;
		if (kept) this.written = JSON.stringify(kept.value);
		return kept;
	}

	/**
	 * A draft kept before drafts were per identity becomes the first writer's who opens this
	 * editor, and leaves the shared key: nothing typed is lost, and no one else is offered it.
	 */
	private keptText(): string | null {
		const own = this.storage?.getItem(this.key) ?? null;
		if (own !== null || !this.storage || !this.legacyKey) return own;
		const legacy = this.storage.getItem(this.legacyKey);
		if (legacy === null) return null;
		try {
			this.storage.setItem(this.key, legacy);
			this.storage.removeItem(this.legacyKey);
		} catch {
			// Storage full: the draft is still restored from where it is.
		}
		return legacy;
	}

	/** The editor's text changed: keep it shortly (at once when the page hides). */
	update(value: T): void {
		this.pending = value;
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = setTimeout(() => this.flush(), this.delayMs);
	}

	/** Write what is pending now. */
	flush(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		const value = this.pending;
		if (value === null) return;
		this.pending = null;
		const text = JSON.stringify(value);
		// Unchanged since the last write: keep the time it was really written.
		if (text === this.written) return;
		try {
			if (!this.storage) throw new Error('no storage');
			if (text === this.pristine) this.storage.removeItem(this.key);
			else {
				const stored: Stored = { v: 1, savedAt: Date.now(), value };
				this.storage.setItem(this.key, JSON.stringify(stored));
			}
			this.written = text;
			this.failed = false;
		} catch {
			// Quota exceeded or storage blocked: say so; the text is still in the form.
			this.failed = true;
		}
	}

	/** Forget the kept draft (published, or thrown away), and anything pending. */
	discard(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		this.pending = null;
		this.restored = null;
		this.written = this.pristine;
		try {
			this.storage?.removeItem(this.key);
		} catch {
			// Blocked storage kept nothing to remove.
		}
	}

	/** Save on page hide and when the editor goes away; returns the teardown for `$effect`. */
	attach(): () => void {
		const hide = () => this.flush();
		const visibility = () => {
			if (document.visibilityState === 'hidden') this.flush();
		};
		addEventListener('pagehide', hide);
		document.addEventListener('visibilitychange', visibility);
		return () => {
			removeEventListener('pagehide', hide);
			document.removeEventListener('visibilitychange', visibility);
			this.flush();
		};
	}
}
