/**
 * The citizens' area as the UI reads it: threads and messages (verified records of the
 * citizens document, judged against the public country) and the shared drafts.
 */
import {
	deriveCitizensArea,
	mapIndex,
	type CitizensArea,
	type DraftError,
	type DraftField,
	type DraftInfo,
	type StoreSnapshot
} from '../sync';
import {
	err,
	makeMessage,
	makePost,
	makeThread,
	messagesOf,
	ok,
	threadsOf,
	type AnyRecord,
	type CountryView,
	type ForumMessage,
	type ForumThread,
	type Result,
	type SignedEntry,
	type Verified
} from '../model';
import type { AppState } from './app.svelte';
import type { CountryState } from './country.svelte';
import { publishChecked, signVerified } from './publishing';
import { randomToken } from './random';

export { DRAFT_ID, DRAFT_LIMITS, type DraftField, type DraftInfo } from '../sync';

export class ForumState {
	snapshot = $state.raw<StoreSnapshot>()!;
	drafts = $state.raw<DraftInfo[]>([]);
	/** Bumped on every change to the drafts, so single-draft reads stay reactive. */
	private draftsVersion = $state(0);
	readonly threads: ForumThread[] = $derived(threadsOf(this.snapshot.country));
	private readonly offDrafts: () => void;

	constructor(private readonly area: CitizensArea) {
		this.snapshot = area.store.snapshot;
		area.store.on('change', (snapshot) => (this.snapshot = snapshot));
		this.drafts = area.drafts.list();
		this.offDrafts = area.drafts.onChange(() => {
			this.drafts = area.drafts.list();
			this.draftsVersion++;
		});
	}

	thread(id: string): ForumThread | null {
		return this.threads.find((t) => t.id === id) ?? null;
	}

	messages(threadId: string): ForumMessage[] {
		return messagesOf(this.snapshot.country, threadId);
	}

	draft(id: string): DraftInfo | null {
		void this.draftsVersion;
		return this.area.drafts.get(id);
	}

	draftText(id: string, field: DraftField): string | null {
		void this.draftsVersion;
		return this.area.drafts.text(id, field);
	}

	/** Bind typing in a field: the new value and where the caret stands in it. */
	editDraft(
		id: string,
		field: DraftField,
		value: string,
		caret?: number
	): Result<void, DraftError> {
		return this.area.drafts.setText(id, field, value, caret);
	}

	/**
	 * Hear other people's typing in a draft's field: the new value, and where a caret or
	 * selection end that stood at `index` before their edit stands now.
	 */
	watchDraft(
		id: string,
		field: DraftField,
		listener: (value: string, moveIndex: (index: number) => number) => void
	): () => void {
		return this.area.drafts.watchText(id, field, (value, delta) =>
			listener(value, (index) => Math.min(value.length, delta ? mapIndex(index, delta) : index))
		);
	}

	startDraft(createdBy: string): string {
		const id = randomToken(18);
		this.area.drafts.create({ id, createdBy, at: Date.now() });
		return id;
	}

	removeDraft(id: string): void {
		this.area.drafts.remove(id);
	}

	markPublished(id: string, postId: string): void {
		this.area.drafts.markPublished(id, postId);
	}

	/**
	 * Check a signed, verified record against the area as this device sees it, then store
	 * it: a record every peer would reject never enters the citizens document.
	 */
	async publishVerified(
		checked: { signed: { id: string; entry: SignedEntry }; verified: Verified },
		publicView: CountryView
	): Promise<Result<string, string>> {
		const { signed, verified } = checked;
		const preview = deriveCitizensArea(publicView, [
			...this.snapshot.country.valid.values(),
			verified
		]);
		const rejection = preview.rejected.find((r) => r.id === signed.id);
		if (rejection) return err(rejection.code, rejection.message);
		const [verdict] = await this.area.publish([signed]);
		if (verdict?.status === 'invalid') return err(verdict.code, verdict.message);
		return ok(signed.id);
	}

	destroy(): void {
		this.offDrafts();
		this.area.destroy();
	}
}

/** Field names people see, for the schema's messages (`body.title: must not be empty`). */
const FIELD_LABELS: Record<string, string> = {
	'body.title': 'Title',
	'body.body': 'Text',
	'body.tags': 'Tags'
};

/** A record's validation message in the words of the form. */
export function humanMessage(message: string): string {
	const match = /^(body\.[a-z]+)(?:\[\d+\])?: (.*)$/.exec(message);
	if (!match) return message;
	const label = FIELD_LABELS[match[1]!] ?? match[1]!;
	return `${label}: ${match[2]!}.`;
}

const humanized = <T>(result: Result<T, string>): Result<T, string> =>
	result.ok ? result : { ...result, message: humanMessage(result.message) };

function citizenKey(app: AppState, country: CountryState): Result<string, string> {
	const key = app.identity.unlocked?.key;
	if (!key) return err('locked', 'Unlock your identity first.');
	if (!country.view.citizenByKey.has(key.fingerprint)) {
		return err('not_citizen', 'Only citizens of this country can write here.');
	}
	return ok(key.fingerprint);
}

/** Sign a record of the citizens' area as the local citizen and publish it there. */
async function writeInArea(
	app: AppState,
	country: CountryState,
	make: (meta: { country: string; author: string; at: number }) => AnyRecord
): Promise<Result<string, string>> {
	const author = citizenKey(app, country);
	if (!author.ok) return author;
	const record = make({ country: country.id, author: author.value, at: Date.now() });
	const checked = await signVerified(app, record);
	if (!checked.ok) return humanized(checked);
	return humanized(await country.forum.publishVerified(checked.value, country.view));
}

/** Open a thread in the citizens' area; resolves with its id. */
export const openThread = (
	app: AppState,
	country: CountryState,
	input: { title: string; body: string }
) => writeInArea(app, country, (meta) => makeThread({ ...meta, ...input }));

/** Reply in a thread (to the thread, or to one of its messages). */
export async function replyInThread(
	app: AppState,
	country: CountryState,
	input: { thread: string; body: string; replyTo?: string | null }
): Promise<Result<string, string>> {
	if (!input.body.trim()) return err('empty', 'Write something to reply.');
	return writeInArea(app, country, (meta) => makeMessage({ ...meta, ...input }));
}

/** A form's signed action: busy while it runs, its error message when it fails. */
export class PendingAction {
	busy = $state(false);
	error = $state<string | null>(null);

	/** Run `action`; its value when it succeeds, null (and `error` set) when it fails. */
	async run<T>(action: () => Promise<Result<T, string>>): Promise<T | null> {
		this.busy = true;
		this.error = null;
		try {
			const result = await action();
			if (result.ok) return result.value;
			this.error = result.message;
			return null;
		} finally {
			this.busy = false;
		}
	}
}

/**
 * Publish a shared draft as a signed post by the local citizen (in the public document),
 * then mark the draft as published, linking to the post.
 */
export async function publishDraft(
	app: AppState,
	country: CountryState,
	draftId: string,
	tags: string[] = []
): Promise<Result<string, string>> {
	const author = citizenKey(app, country);
	if (!author.ok) return author;
	const { forum } = country;
	const draft = forum.draft(draftId);
	if (!draft) return err('draft_missing', 'This draft is not here any more.');
	if (draft.problem) return err('draft_malformed', `Cannot publish: ${draft.problem}.`);
	if (draft.publishedAs && country.view.valid.has(draft.publishedAs)) {
		return err('draft_published', 'This draft is already published.');
	}
	const record = makePost({
		country: country.id,
		author: author.value,
		at: Date.now(),
		title: forum.draftText(draftId, 'title') ?? '',
		body: forum.draftText(draftId, 'body') ?? '',
		tags
	});
	const published = humanized(await publishChecked(app, country, record));
	if (published.ok) country.forum.markPublished(draftId, published.value);
	return published;
}
