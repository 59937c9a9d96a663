/**
 * Exit codes of the `webocracy` command (docs/cli.md lists them). Every failure a person can
 * cause or meet is a CliError with one of these and a sentence saying what to do.
 */
export const EXIT = {
	ok: 0,
	/** Something no input explains: a bug. The message carries the cause. */
	failure: 1,
	/** Arguments: unknown option, missing value, no passphrase source. */
	usage: 2,
	/** An input cannot be used: a missing, truncated or tampered file, a damaged invite link, a data directory of another country, an output that exists. */
	input: 3,
	/** Records: `verify` found invalid ones; `post` was refused by the country's rules. */
	invalid: 4,
	/** The key: wrong passphrase, a weak new one, not a usable private key. */
	key: 5,
	/** No signaling server could be reached. */
	network: 6,
	/** Writing failed: disk full, read-only, permission denied, I/O error. */
	storage: 7
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
	constructor(
		readonly exit: ExitCode,
		message: string
	) {
		super(message);
		this.name = 'CliError';
	}
}

const STORAGE_CODES: Record<string, string> = {
	ENOSPC: 'the disk is full',
	EDQUOT: 'the disk quota is used up',
	EROFS: 'the file system is read-only',
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	EIO: 'an I/O error',
	EISDIR: 'it is a directory',
	ENOTDIR: 'a part of the path is not a directory',
	ENOENT: 'its directory does not exist'
};

/** A write that failed, as a CliError that names the file and the cause in words. */
export function storageError(path: string, error: unknown): CliError {
	const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
	const cause = STORAGE_CODES[code] ?? String((error as Error)?.message ?? error);
	return new CliError(
		EXIT.storage,
		`Could not write ${path}: ${cause}${code ? ` (${code})` : ''}.`
	);
}
