/**
 * The exchange workload (issue 6): export and import of a large country with our real state
 * file and import check, in Node (bundled as an SSR module by bench/exchange.bench.js). The
 * signed country is made once by `signCountry` and cached by the bench: signing 10,000
 * records takes about 20 s.
 */
import * as Y from 'yjs';
import { createVerifier, type UnlockedIdentity } from '../../src/lib/identity';
import { makePost, type SignedEntry } from '../../src/lib/model';
import { RECORDS_MAP } from '../../src/lib/sync/docs';
import { entriesOfUpdate, readStateFile, writeStateFile } from '../../src/lib/sync/state-file';
import { verifyEntries } from '../../src/lib/sync/verify-entries';
import { openCountry, signedBy } from '../support/open-country';

export type SignedCountry = {
	country: string;
	name: string;
	genesis: SignedEntry;
	records: { id: string; entry: SignedEntry }[];
	citizens: number;
	signMs: number;
};

export type Timing = { medianMs: number; runs: number };

export type ExchangeResult = {
	records: number;
	citizens: number;
	rawUpdateBytes: number;
	fileBytes: number;
	/** The canonical texts and signatures alone, for scale. */
	entryBytes: number;
	exportMs: Timing;
	exportBaselineMs: Timing;
	readMs: Timing;
	readBaselineMs: Timing;
	entriesMs: Timing;
	entriesBaselineMs: Timing;
	verifyColdMs: number;
	verifyWarmMs: Timing;
	signatureChecksCold: number;
	signatureChecksWarm: number;
	mergeMs: Timing;
};

const T0 = 1_763_900_000_000;
const PARAGRAPH =
	'A citizen writes about the budget, the library hours and the next assembly. ' +
	'Markdown with *emphasis*, a [link](https://example.org) and a list:\n\n- one\n- two\n\n';

/**
 * An open country of `citizens` people (v4 Ed25519 keys from generateIdentity) with
 * `records` records in all: genesis, one admission each, then posts in turn, every fifth
 * one an edit of its author's previous post; bodies of 150 B to 1.5 KB. Every record is
 * signed by its own author: no signature is reused.
 */
export async function signCountry(options: {
	records: number;
	citizens: number;
	onProgress?: (done: number) => void;
}): Promise<SignedCountry> {
	const started = performance.now();
	const name = 'Bench Republic';
	const open = await openCountry({ citizens: options.citizens, name, at: T0 });
	const { people, genesis, country, records } = open;
	let at = open.next;
	const last = new Map<UnlockedIdentity, string>();
	for (let i = 0; records.length < options.records; i++) {
		const by = people[i % people.length]!;
		const replaces = i % 5 === 4 ? last.get(by) : undefined;
		const post = await signedBy(
			by,
			makePost({
				country,
				author: by.key.fingerprint,
				at: at++,
				title: `${replaces ? 'Edited: ' : ''}Post ${i} on the matters of the day`,
				body: `${PARAGRAPH.repeat(1 + (i % 10))}Post number ${i}.`,
				tags: i % 3 ? ['assembly', `week-${i % 52}`] : [],
				replaces
			})
		);
		records.push(post);
		last.set(by, post.id);
		if (records.length % 500 === 0) options.onProgress?.(records.length);
	}
	return {
		country,
		name,
		genesis: genesis.entry,
		records,
		citizens: people.length,
		signMs: performance.now() - started
	};
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

async function timed<T>(runs: number, work: () => Promise<T> | T): Promise<[Timing, T]> {
	const times: number[] = [];
	let result!: T;
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		result = await work();
		times.push(performance.now() - t0);
	}
	return [{ medianMs: median(times), runs }, result];
}

async function through(bytes: Uint8Array, transform: CompressionStream | DecompressionStream) {
	// reason: WebCrypto/Streams typings want an ArrayBuffer-backed view; ours always are.
	const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Export the country (document state → file) and import it back (file → checked records
 * → a fresh document), each beside the plain thing it is built on.
 */
export async function runExchange(options: {
	country: SignedCountry;
	runs: number;
}): Promise<ExchangeResult> {
	const { country, runs } = options;
	const doc = new Y.Doc();
	const map = doc.getMap<unknown>(RECORDS_MAP);
	doc.transact(() => {
		for (const { id, entry } of country.records) map.set(id, entry);
	});
	const write = () =>
		writeStateFile({
			country: country.country,
			name: country.name,
			genesis: country.genesis,
			publicUpdate: Y.encodeStateAsUpdate(doc),
			citizensUpdate: null,
			secret: null,
			signaling: []
		});

	// Ours and the baseline alternate run by run, so drift hits both alike.
	const exportTimes: number[] = [];
	const exportBase: number[] = [];
	const readTimes: number[] = [];
	const readBase: number[] = [];
	let file: Uint8Array = new Uint8Array();
	let rawUpdate: Uint8Array = new Uint8Array();
	for (let i = 0; i < runs; i++) {
		let t0 = performance.now();
		file = await write();
		exportTimes.push(performance.now() - t0);
		t0 = performance.now();
		rawUpdate = Y.encodeStateAsUpdate(doc);
		const gz = await through(rawUpdate, new CompressionStream('gzip'));
		exportBase.push(performance.now() - t0);

		t0 = performance.now();
		const read = await readStateFile(file);
		readTimes.push(performance.now() - t0);
		if (!read.ok) throw new Error(`readStateFile: ${read.code} ${read.message}`);
		t0 = performance.now();
		await through(gz, new DecompressionStream('gzip'));
		readBase.push(performance.now() - t0);
	}
	const read = await readStateFile(file);
	if (!read.ok) throw new Error(`readStateFile: ${read.code}`);
	const update = read.value.publicUpdate;

	const [entriesMs, entries] = await timed(runs, () => {
		const result = entriesOfUpdate(update);
		if (!result.ok) throw new Error(result.message);
		return result.value;
	});
	const [entriesBaselineMs] = await timed(runs, () => {
		const plain = new Y.Doc();
		Y.applyUpdate(plain, update);
		plain.destroy();
	});
	if (entries.size !== country.records.length) {
		throw new Error(`${entries.size} entries read back, ${country.records.length} written`);
	}

	const verifier = createVerifier({ useWorkers: false });
	const check = async () => {
		const verdict = await verifyEntries({ countryId: country.country, entries, verifier });
		if (verdict.invalid.length || verdict.valid.length !== entries.size) {
			throw new Error(`import check: ${verdict.invalid.length} invalid`);
		}
		return verdict;
	};
	const t0 = performance.now();
	const verdict = await check();
	const verifyColdMs = performance.now() - t0;
	const signatureChecksCold = verifier.stats().signatureChecks;
	const [verifyWarmMs] = await timed(runs, check);
	const signatureChecksWarm = verifier.stats().signatureChecks - signatureChecksCold;
	verifier.destroy();

	const [mergeMs] = await timed(runs, () => {
		const target = new Y.Doc();
		const records = target.getMap<unknown>(RECORDS_MAP);
		target.transact(() => {
			for (const r of verdict.valid) {
				records.set(r.id, { record: r.text, signature: r.signature });
			}
		});
		target.destroy();
	});

	return {
		records: country.records.length,
		citizens: country.citizens,
		rawUpdateBytes: rawUpdate.byteLength,
		fileBytes: file.byteLength,
		entryBytes: country.records.reduce(
			(n, { entry }) => n + entry.record.length + entry.signature.length,
			0
		),
		exportMs: { medianMs: median(exportTimes), runs },
		exportBaselineMs: { medianMs: median(exportBase), runs },
		readMs: { medianMs: median(readTimes), runs },
		readBaselineMs: { medianMs: median(readBase), runs },
		entriesMs,
		entriesBaselineMs,
		verifyColdMs,
		verifyWarmMs,
		signatureChecksCold,
		signatureChecksWarm,
		mergeMs
	};
}
