/** `thread`: a citizen opens a discussion in the citizens' area (the citizens document). */
import * as v from 'valibot';
import { lineText } from '../schema';

export const THREAD = 'thread' as const;
export const THREAD_TITLE_MAX = 200;
/** Markdown source; the whole record must also fit MAX_RECORD_BYTES. */
export const THREAD_BODY_MAX = 200_000;

export const threadBodySchema = v.strictObject({
	title: lineText(1, THREAD_TITLE_MAX),
	/** The opening message, Markdown; may be empty (the title can say it all). */
	body: v.pipe(
		v.string(),
		v.maxLength(THREAD_BODY_MAX, `must be at most ${THREAD_BODY_MAX} characters`)
	)
});
export type ThreadBody = v.InferOutput<typeof threadBodySchema>;

/** A new thread record (unsigned): title trimmed and NFC, body NFC only. */
export function makeThread(input: {
	country: string;
	author: string;
	at: number;
	title: string;
	body: string;
}) {
	return {
		v: 1 as const,
		kind: THREAD,
		country: input.country,
		author: input.author,
		at: input.at,
		body: { title: input.title.normalize('NFC').trim(), body: input.body.normalize('NFC') }
	};
}
