/** `message`: a citizen's reply in a thread of the citizens' area, maybe to another message. */
import * as v from 'valibot';
import { recordId } from '../schema';

export const MESSAGE = 'message' as const;
/** Markdown source; the whole record must also fit MAX_RECORD_BYTES. */
export const MESSAGE_BODY_MAX = 200_000;

export const messageBodySchema = v.strictObject({
	/** The id of the thread this message belongs to. */
	thread: recordId,
	/** Markdown; not empty or only whitespace (an empty reply says nothing). */
	body: v.pipe(
		v.string(),
		v.check((s) => s.trim() !== '', 'must not be empty'),
		v.maxLength(MESSAGE_BODY_MAX, `must be at most ${MESSAGE_BODY_MAX} characters`)
	),
	/** The message of the same thread this one answers, or null for a reply to the thread. */
	replyTo: v.nullable(recordId)
});
export type MessageBody = v.InferOutput<typeof messageBodySchema>;

/** A new message record (unsigned): the body in NFC (Markdown keeps its spacing). */
export function makeMessage(input: {
	country: string;
	author: string;
	at: number;
	thread: string;
	body: string;
	replyTo?: string | null;
}) {
	return {
		v: 1 as const,
		kind: MESSAGE,
		country: input.country,
		author: input.author,
		at: input.at,
		body: {
			thread: input.thread,
			body: input.body.normalize('NFC'),
			replyTo: input.replyTo ?? null
		}
	};
}
