/** Files the command line reads and writes: whole, atomically, durably. */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError, EXIT, storageError } from './cli/exit';

/** fsync a directory, so a rename in it survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
	const handle = await open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/**
 * Write a whole file so that a reader, or a crash at any moment, sees either the old file or
 * the new one, never a part: a temporary file in the same directory, fsynced, renamed over
 * the target, then the directory fsynced.
 */
export async function writeFileAtomic(
	path: string,
	data: Uint8Array | string,
	mode = 0o644
): Promise<void> {
	const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
	try {
		const handle = await open(temporary, 'w', mode);
		try {
			await handle.writeFile(data);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(temporary, path);
		await syncDirectory(dirname(path));
	} catch (error) {
		await rm(temporary, { force: true }).catch(() => {});
		throw storageError(path, error);
	}
}

/** Refuse to replace a file unless asked to. */
export async function refuseOverwrite(path: string, force: boolean): Promise<void> {
	if (force) return;
	const exists = await stat(path).then(
		() => true,
		() => false
	);
	if (exists) {
		throw new CliError(EXIT.input, `${path} exists already; pass --force to replace it.`);
	}
}

/** Read a file a person named, or say clearly why not. */
export async function readInput(path: string, what: string, maxBytes: number): Promise<Uint8Array> {
	let size: number;
	try {
		const info = await stat(path);
		if (info.isDirectory()) throw new CliError(EXIT.input, `${path} is a directory, not ${what}.`);
		size = info.size;
	} catch (error) {
		if (error instanceof CliError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		throw new CliError(
			EXIT.input,
			code === 'ENOENT' ? `${path} does not exist.` : `Cannot read ${path} (${code}).`
		);
	}
	if (size > maxBytes) {
		throw new CliError(EXIT.input, `${path} is too large to be ${what} (${size} bytes).`);
	}
	try {
		return new Uint8Array(await readFile(path));
	} catch (error) {
		throw new CliError(
			EXIT.input,
			`Cannot read ${path} (${(error as NodeJS.ErrnoException).code}).`
		);
	}
}
