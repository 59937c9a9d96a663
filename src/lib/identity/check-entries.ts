/**
 * Parse and verify stored entries in one step, where the checking runs (a worker, or inline):
 * the page hands over the entries as they sit in the map and gets back each one's parsed
 * record and verdict, so parsing a large sync costs the page nothing. Loaded on demand, like
 * verify-core.ts.
 */
import { signingKeyFor } from '../model/country';
import { finishEntry, readEntry, type ParsedRecord, type ReadEntry } from '../model/record';
import type { Result } from '../model/result';
import { handleRequest, type VerifyCore } from './verify-core';
import type {
	EntryBatchResult,
	EntryJob,
	EntryOutcome,
	VerifyJob,
	WireEntryJob,
	EntryWorkerResponse,
	WorkerRequest,
	WorkerResponse
} from './verify-protocol';

const NO_KEYS: ReadonlyMap<string, string> = new Map();

/** Record text hashed at once, at most (one larger record goes alone). */
const HASH_BUDGET_BYTES = 4 * 1024 * 1024;

/**
 * Parse each entry as parseEntry does (its checks, its errors), then verify those that name
 * the job's author and are signed with that author's key (not genesis or citizen records,
 * which carry a key of their own: the caller judges which key they need). Never throws.
 */
export async function checkEntries(
	core: VerifyCore,
	entries: readonly EntryJob[]
): Promise<EntryBatchResult> {
	const outcomes: EntryOutcome[] = [];
	const jobs: VerifyJob[] = [];
	/** For each job, the entry it came from. */
	const from: number[] = [];
	const parsedEntries = await parseAll(core, entries);
	entries.forEach((entry, i) => {
		const { author, publicKey } = (entry ?? {}) as Partial<EntryJob>;
		const parsed = parsedEntries[i]!;
		if (!parsed.ok) {
			outcomes.push({ parsed, outcome: null });
			return;
		}
		outcomes.push({ parsed: { ok: true, record: parsed.value.record }, outcome: null });
		// A record carrying its own key is checked with that; any other with the one given.
		const signer =
			typeof publicKey === 'string' ? (signingKeyFor(parsed.value, NO_KEYS) ?? publicKey) : null;
		if (parsed.value.record.author !== author || signer !== publicKey) return;
		from.push(i);
		jobs.push({
			id: parsed.value.id,
			text: parsed.value.text,
			signature: parsed.value.signature,
			publicKey,
			author,
			checkSignature: entry.checkSignature !== false,
			facts: entry.facts
		});
	});
	// Each id was matched to its text's hash above: the core need not hash it again.
	const result = await core.verifyDetailed(jobs, { idsChecked: true });
	result.outcomes.forEach((outcome, j) => {
		(outcomes[from[j]!] as EntryOutcome).outcome = outcome;
	});
	return {
		outcomes,
		fast: result.fast.map((j) => from[j]!),
		facts: result.facts.map(([j, facts]) => [from[j]!, facts])
	};
}

/**
 * parseEntry of each entry, with the ids hashed by the core's backend (in a browser worker
 * noble's JS SHA-256 of a record cost about as much as the rest of parsing it): many at once,
 * but only HASH_BUDGET_BYTES of text in flight, and its bytes let go once hashed.
 */
async function parseAll(
	core: VerifyCore,
	entries: readonly EntryJob[]
): Promise<Result<ParsedRecord>[]> {
	const parsed: Result<ParsedRecord>[] = [];
	let group: { index: number; id: string; read: ReadEntry; hash: Promise<string> }[] = [];
	let groupBytes = 0;
	const finishGroup = async () => {
		const hashes = await Promise.all(group.map((g) => g.hash));
		group.forEach((g, k) => (parsed[g.index] = finishEntry(g.id, g.read, hashes[k]!)));
		group = [];
		groupBytes = 0;
	};
	for (const [index, entry] of entries.entries()) {
		const { id, record, signature } = (entry ?? {}) as Partial<EntryJob>;
		const read = readEntry({ record, signature });
		if (!read.ok) {
			parsed[index] = read;
			continue;
		}
		const size = read.value.bytes.byteLength;
		if (group.length && groupBytes + size > HASH_BUDGET_BYTES) await finishGroup();
		const hash = core.sha256Hex(read.value.bytes);
		group.push({ index, id: typeof id === 'string' ? id : '', read: read.value, hash });
		groupBytes += size;
	}
	await finishGroup();
	return parsed;
}

/** A worker's answer to any request: `entries` are parsed here, plain jobs go to the core. */
export function handleAnyRequest(
	core: VerifyCore,
	request: unknown
): Promise<WorkerResponse | EntryWorkerResponse> {
	const data = request as Partial<WorkerRequest> | null;
	return Array.isArray(data?.entries)
		? handleEntryRequest(core, data as WorkerRequest)
		: handleRequest(core, request);
}

/** A worker's answer to an `entries` request. */
export async function handleEntryRequest(
	core: VerifyCore,
	request: WorkerRequest
): Promise<EntryWorkerResponse> {
	const { seq, keys, entries } = request;
	if (typeof seq !== 'number' || !Array.isArray(keys) || !Array.isArray(entries)) {
		return { seq: typeof seq === 'number' ? seq : -1, error: 'malformed request' };
	}
	const start = performance.now();
	const unpacked = entries.map((entry) => {
		const { key, ...rest } = (entry ?? {}) as Partial<WireEntryJob>;
		const publicKey = Number.isInteger(key) ? keys[key as number] : undefined;
		return { ...rest, publicKey } as EntryJob;
	});
	const result = await checkEntries(core, unpacked);
	return { seq, ...result, ms: performance.now() - start };
}
