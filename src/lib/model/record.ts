/**
 * The signed record envelope and how a stored entry becomes a parsed record.
 * A record is immutable; its id is the SHA-256 of its canonical bytes.
 */
import * as v from 'valibot';
import { canonicalText, parseCanonical, utf8 } from './canonical';
import { sha256Hex, HEX64 } from './hash';
import { err, ok, type Result } from './result';
import { check, fingerprint, timestamp } from './schema';
import { citizenBodySchema, CITIZEN, type CitizenBody } from './kinds/citizen';
import { genesisBodySchema, GENESIS, type GenesisBody } from './kinds/genesis';
import { inviteBodySchema, INVITE, type InviteBody } from './kinds/invite';
import { postBodySchema, POST, type PostBody } from './kinds/post';
import { pageBodySchema, PAGE, type PageBody } from './kinds/page';
import { retractionBodySchema, RETRACTION, type RetractionBody } from './kinds/retraction';
import { threadBodySchema, THREAD, type ThreadBody } from './kinds/thread';
import { messageBodySchema, MESSAGE, type MessageBody } from './kinds/message';
import { electionBodySchema, ELECTION, type ElectionBody } from './kinds/election';
import { candidacyBodySchema, CANDIDACY, type CandidacyBody } from './kinds/candidacy';
import { ballotBodySchema, BALLOT, type BallotBody } from './kinds/ballot';
import { resultBodySchema, RESULT, type ResultBody } from './kinds/result';
import { filterBodySchema, FILTER, type FilterBody } from './kinds/filter';
import { featureBodySchema, FEATURE, type FeatureBody } from './kinds/feature';

export const RECORD_VERSION = 1;
/** Peers refuse bigger records, so no record can clog sync (y-webrtc drops > 256 KiB). */
export const MAX_RECORD_BYTES = 256 * 1024;
export const MAX_SIGNATURE_CHARS = 4096;

const bodySchemas = {
	[GENESIS]: genesisBodySchema,
	[CITIZEN]: citizenBodySchema,
	[INVITE]: inviteBodySchema,
	[POST]: postBodySchema,
	[PAGE]: pageBodySchema,
	[RETRACTION]: retractionBodySchema,
	[THREAD]: threadBodySchema,
	[MESSAGE]: messageBodySchema,
	[ELECTION]: electionBodySchema,
	[CANDIDACY]: candidacyBodySchema,
	[BALLOT]: ballotBodySchema,
	[RESULT]: resultBodySchema,
	[FILTER]: filterBodySchema,
	[FEATURE]: featureBodySchema
} as const;

export type Kind = keyof typeof bodySchemas;
export const KINDS = Object.keys(bodySchemas) as Kind[];

type BodyOf = {
	genesis: GenesisBody;
	citizen: CitizenBody;
	invite: InviteBody;
	post: PostBody;
	page: PageBody;
	retraction: RetractionBody;
	thread: ThreadBody;
	message: MessageBody;
	election: ElectionBody;
	candidacy: CandidacyBody;
	ballot: BallotBody;
	result: ResultBody;
	filter: FilterBody;
	feature: FeatureBody;
};

export type RecordOf<K extends Kind> = {
	v: typeof RECORD_VERSION;
	kind: K;
	/** The country id (genesis hash); empty for a genesis, which cannot name its own hash. */
	country: string;
	/** Fingerprint of the signing key. */
	author: string;
	/** Milliseconds since the epoch, by the author's clock: informative, never trusted for rules. */
	at: number;
	body: BodyOf[K];
};
export type AnyRecord = { [K in Kind]: RecordOf<K> }[Kind];

/** What is stored in the Yjs map under the record id. */
export type SignedEntry = { record: string; signature: string };

/** A record that parsed and is canonical; its signature is not yet checked. */
export type ParsedRecord<R extends AnyRecord = AnyRecord> = {
	id: string;
	/** The canonical text: exactly the bytes that were signed. */
	text: string;
	/** Base64 of the binary detached OpenPGP signature. */
	signature: string;
	record: R;
};

const envelopeSchema = v.strictObject({
	v: v.literal(RECORD_VERSION, 'unsupported record version'),
	kind: v.string(),
	country: v.union([v.literal(''), v.pipe(v.string(), v.regex(HEX64))], 'must be a country id'),
	author: fingerprint,
	at: timestamp,
	body: v.unknown()
});

/** Standard padded base64 (RFC 4648 §4), as btoa writes it: no line breaks, no url alphabet. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

export function isKind(kind: string): kind is Kind {
	return Object.hasOwn(bodySchemas, kind);
}

/** Check an envelope object (not yet encoded): shape, kind and body schema. */
export function checkRecord(value: unknown): Result<AnyRecord> {
	const envelope = check(envelopeSchema, value);
	if (!envelope.ok) {
		// Only a record that states another version is "unsupported"; one with no `v` is malformed.
		const statesVersion =
			typeof value === 'object' &&
			value !== null &&
			!Array.isArray(value) &&
			Object.hasOwn(value, 'v');
		return envelope.path === 'v' && statesVersion
			? err('version_unsupported', envelope.message, 'v')
			: envelope;
	}
	const { kind } = envelope.value;
	if (!isKind(kind)) return err('kind_unknown', `unknown record kind "${kind}"`, 'kind');
	const body = check(bodySchemas[kind], envelope.value.body, 'body');
	if (!body.ok) return body;
	if ((kind === GENESIS) !== (envelope.value.country === '')) {
		return err(
			'schema_invalid',
			kind === GENESIS ? 'a genesis names no country' : 'the record must name its country',
			'country'
		);
	}
	return ok({ ...envelope.value, body: body.value } as AnyRecord);
}

/** Turn whatever a peer put in the map into a parsed record, or say why not. Never throws. */
export function parseEntry(id: string, entry: unknown): Result<ParsedRecord> {
	const read = readEntry(entry);
	return read.ok ? finishEntry(id, read.value, sha256Hex(read.value.bytes)) : read;
}

/** An entry read up to its id check: what `finishEntry` needs, and the bytes to hash. */
export type ReadEntry = {
	text: string;
	signature: string;
	/** The record text's UTF-8: what its id is the SHA-256 of. */
	bytes: Uint8Array;
	value: unknown;
};

/**
 * parseEntry's first half, for a caller that hashes by other means (a worker's WebCrypto):
 * every check before the id's, in the same order, with the same errors.
 */
export function readEntry(entry: unknown): Result<ReadEntry> {
	if (typeof entry !== 'object' || entry === null) {
		return err('entry_malformed', 'entry is not an object');
	}
	const { record: text, signature } = entry as Partial<Record<keyof SignedEntry, unknown>>;
	if (typeof text !== 'string' || typeof signature !== 'string') {
		return err('entry_malformed', 'entry needs a record text and a signature');
	}
	if (text.length > MAX_RECORD_BYTES) return err('record_too_large', 'record is too large');
	if (signature.length > MAX_SIGNATURE_CHARS || !BASE64.test(signature)) {
		return err('entry_malformed', 'signature is not base64', 'signature');
	}
	const value = parseCanonical(text);
	if (!value.ok) {
		return value.code === 'not_json'
			? err('record_malformed', 'record is not JSON')
			: err('record_not_canonical', `record is not canonical: ${value.message}`, value.path);
	}
	// Byte length matters for the wire limit; text.length is UTF-16 units, a lower bound.
	// The same bytes are then hashed for the id.
	const bytes = utf8(text);
	if (bytes.length > MAX_RECORD_BYTES) return err('record_too_large', 'record is too large');
	return ok({ text, signature, bytes, value: value.value });
}

/** parseEntry's second half: `textHash` is the lowercase hex SHA-256 of `read.bytes`. */
export function finishEntry(id: string, read: ReadEntry, textHash: string): Result<ParsedRecord> {
	if (textHash !== id) return err('record_malformed', 'record does not match its id', 'id');
	const record = checkRecord(read.value);
	if (!record.ok) return record;
	return ok({ id, text: read.text, signature: read.signature, record: record.value });
}

/** Encode a new record (before signing): canonical text and id. */
export function encodeRecord(record: AnyRecord): Result<{ id: string; text: string }> {
	const checked = checkRecord(record);
	if (!checked.ok) return checked;
	const text = canonicalText(record);
	if (!text.ok) return err('record_not_canonical', text.message, text.path);
	if (new TextEncoder().encode(text.value).length > MAX_RECORD_BYTES) {
		return err('record_too_large', 'record is too large');
	}
	return ok({ id: sha256Hex(text.value), text: text.value });
}

/** NFC-normalise and trim user-typed text before it goes into a record. */
export const cleanText = (text: string): string => text.normalize('NFC').trim();
