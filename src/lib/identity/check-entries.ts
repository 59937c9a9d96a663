/**
 * Parse and verify stored entries in one step, where the checking runs (a worker, or inline):
 * the page hands over the entries as they sit in the map and gets back each one's parsed
 * record and verdict, so parsing a large sync costs the page nothing. Loaded on demand, like
 * verify-core.ts.
 */
import { signingKeyFor } from '../model/country';
import { finishEntry, readEntry } from '../model/record';
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
	const reads = entries.map((entry) => {
		const { record, signature } = (entry ?? {}) as Partial<EntryJob>;
		return readEntry({ record, signature });
	});
	// The ids' hashes by the backend, all at once: in a browser worker noble's JS SHA-256 of
	// each record cost about as much as the rest of parsing it.
	const hashes = await Promise.all(
		reads.map((read) => (read.ok ? core.sha256Hex(read.value.bytes) : null))
	);
	entries.forEach((entry, i) => {
		const { id, author, publicKey } = (entry ?? {}) as Partial<EntryJob>;
		const read = reads[i]!;
		const parsed = read.ok
			? finishEntry(typeof id === 'string' ? id : '', read.value, hashes[i]!)
			: read;
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
