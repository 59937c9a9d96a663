/**
 * A state file (`.webocracy`) read and judged with the app's own modules: the state-file
 * reader and its checks, then every record verified and the country's rules applied
 * (verifyEntries), exactly as the app's import preview does.
 */
import { createVerifier, type Verifier } from '../src/lib/identity';
import { nodeCrypto } from '../src/lib/identity/node-crypto';
import type { CountryView, Verified } from '../src/lib/model';
import {
	entriesOfUpdate,
	MAX_FILE_BYTES,
	readStateFile,
	verifyEntries,
	writeStateFile,
	type DiagnosticEntry,
	type StateContent
} from '../src/lib/sync';
import { CliError, EXIT } from './cli/exit';
import { readInput, writeFileAtomic } from './files';

export type World = {
	path: string;
	content: StateContent;
	/** Every entry of the public part, as stored. */
	entries: Map<string, unknown>;
	country: CountryView;
	valid: Verified[];
	invalid: DiagnosticEntry[];
};

/**
 * One verifier per process: inline (no workers in Node), with its memory cache, its hashes
 * and Ed25519 checks by node:crypto.
 */
let shared: Verifier | null = null;
export const nodeVerifier = (): Verifier =>
	(shared ??= createVerifier({ useWorkers: false, crypto: nodeCrypto }));

export async function readWorld(path: string): Promise<World> {
	const bytes = await readInput(path, 'a state file', MAX_FILE_BYTES);
	const file = await readStateFile(bytes);
	if (!file.ok) {
		throw new CliError(EXIT.input, `${path}: ${file.message} (${file.code})`);
	}
	const entries = entriesOfUpdate(file.value.publicUpdate);
	if (!entries.ok) throw new CliError(EXIT.input, `${path}: ${entries.message} (${entries.code})`);
	const verdict = await verifyEntries({
		countryId: file.value.header.country,
		entries: entries.value,
		verifier: nodeVerifier()
	});
	return {
		path,
		content: file.value,
		entries: entries.value,
		country: verdict.country,
		valid: verdict.valid,
		invalid: verdict.invalid
	};
}

/** Write a state file in place of `path`, atomically. */
export async function writeWorld(
	path: string,
	content: Omit<Parameters<typeof writeStateFile>[0], 'exportedAt'>
): Promise<number> {
	const bytes = await writeStateFile(content);
	await writeFileAtomic(path, bytes);
	return bytes.length;
}
