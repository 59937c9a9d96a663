/** Stable reason codes for everything that can make a record or an input unusable. */
export type ReasonCode =
	| 'entry_malformed'
	| 'record_too_large'
	| 'record_malformed'
	| 'record_not_canonical'
	| 'version_unsupported'
	| 'kind_unknown'
	| 'schema_invalid'
	| 'signature_invalid'
	| 'key_mismatch'
	| 'author_unknown'
	| 'country_mismatch'
	| 'genesis_missing'
	| 'genesis_conflict'
	| 'founder_mismatch'
	| 'admission_denied'
	| 'invite_invalid'
	| 'invite_used'
	| 'citizen_duplicate'
	| 'replaces_unknown'
	| 'edit_forbidden'
	| 'revision_foreign'
	| 'thread_unknown'
	| 'reply_unknown'
	| 'election_invalid'
	| 'election_past'
	| 'election_unknown'
	| 'candidacy_closed'
	| 'ballot_outside_window'
	| 'ballot_not_candidate'
	| 'ballot_duplicate'
	| 'result_forbidden'
	| 'result_incomplete'
	| 'result_mismatch'
	| 'not_leader'
	| 'kind_misplaced';

export type Ok<T> = { ok: true; value: T };
export type Err<C extends string = ReasonCode> = {
	ok: false;
	code: C;
	/** Where in the input the problem is, e.g. `body.constitution.seats`. */
	path: string;
	message: string;
};
export type Result<T, C extends string = ReasonCode> = Ok<T> | Err<C>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export const err = <C extends string>(code: C, message: string, path = ''): Err<C> => ({
	ok: false,
	code,
	path,
	message
});

/** What a thrown value says, for a message a person may read: never "undefined" or empty. */
export const messageOf = (error: unknown): string =>
	error instanceof Error
		? error.message || error.name
		: error === undefined || error === null
			? 'unknown error'
			: String(error);
