/**
 * The mirror's durable copy: an append-only log of Yjs updates.
 *
 * File: the magic `WBCYLOG1`, then entries `[length u32 BE][CRC-32 u32 BE][update bytes]`.
 * An entry counts as stored once its bytes are written and fdatasync'd. A crash or full disk
 * can leave a torn last entry (cut short, or bytes that fail their CRC): reading stops at the
 * first such entry, and opening truncates the file there, so later appends follow whole
 * entries only. Compaction writes the whole document as one entry to a new file, fsyncs it
 * and renames it over the log: at every moment the log on disk is the old one or the new one.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { syncDirectory } from './files';

export const LOG_MAGIC = new TextEncoder().encode('WBCYLOG1');
const ENTRY_HEADER = 8;
/** One update above this is not ours: the largest state file inflates to 1 GiB. */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

export type LogRead = {
	updates: Uint8Array[];
	/** Bytes of whole, checked entries (with the magic): where the next entry goes. */
	validBytes: number;
	/** Bytes after the last whole entry: a torn write, ignored. */
	tornBytes: number;
};

export class LogFormatError extends Error {}

/** Parse a log file's bytes. Pure; never throws on a torn tail, only on a file that is not a log. */
export function parseLog(bytes: Uint8Array): LogRead {
	if (bytes.length < LOG_MAGIC.length) {
		// A log whose creation was cut short before its magic was whole: treat as empty.
		if (LOG_MAGIC.subarray(0, bytes.length).every((b, i) => b === bytes[i])) {
			return { updates: [], validBytes: 0, tornBytes: bytes.length };
		}
		throw new LogFormatError('not a webocracy mirror log');
	}
	if (!LOG_MAGIC.every((b, i) => b === bytes[i])) {
		throw new LogFormatError('not a webocracy mirror log');
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const updates: Uint8Array[] = [];
	let offset = LOG_MAGIC.length;
	while (offset + ENTRY_HEADER <= bytes.length) {
		const length = view.getUint32(offset);
		const checksum = view.getUint32(offset + 4);
		const start = offset + ENTRY_HEADER;
		if (length > MAX_ENTRY_BYTES || start + length > bytes.length) break;
		const update = bytes.subarray(start, start + length);
		if (crc32(update) !== checksum) break;
		updates.push(update);
		offset = start + length;
	}
	return { updates, validBytes: offset, tornBytes: bytes.length - offset };
}

function encodeEntries(updates: readonly Uint8Array[]): Uint8Array {
	const size = updates.reduce((n, u) => n + ENTRY_HEADER + u.length, 0);
	const out = new Uint8Array(size);
	const view = new DataView(out.buffer);
	let offset = 0;
	for (const update of updates) {
		view.setUint32(offset, update.length);
		view.setUint32(offset + 4, crc32(update));
		out.set(update, offset + ENTRY_HEADER);
		offset += ENTRY_HEADER + update.length;
	}
	return out;
}

/** Where an I/O failure happened, for the message that ends the mirror. */
export class LogWriteError extends Error {
	constructor(
		readonly path: string,
		readonly cause: unknown
	) {
		super(`could not write ${path}: ${(cause as Error)?.message ?? cause}`);
	}
}

export type UpdateLogStats = { entries: number; bytes: number; storedAt: number | null };

export class UpdateLog {
	private pending: Uint8Array[] = [];
	private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
	private chain: Promise<void> = Promise.resolve();
	private scheduled = false;
	private failed: unknown = null;
	private entries: number;
	private bytes: number;
	private storedAt: number | null = null;

	private constructor(
		readonly path: string,
		private handle: FileHandle,
		read: LogRead
	) {
		this.entries = read.updates.length;
		this.bytes = read.validBytes;
	}

	/**
	 * Open (or create) the log at `path`: read every whole entry, cut a torn tail off, and be
	 * ready to append. Throws LogFormatError for a file that is not a log.
	 */
	static async open(path: string): Promise<{ log: UpdateLog; read: LogRead }> {
		const handle = await open(path, 'a+');
		try {
			const bytes = new Uint8Array(await handle.readFile());
			const read = parseLog(bytes);
			if (read.validBytes === 0) {
				await handle.truncate(0);
				await handle.write(LOG_MAGIC, 0, LOG_MAGIC.length, 0);
				read.validBytes = LOG_MAGIC.length;
				await handle.sync();
				await syncDirectory(dirname(path));
			} else if (read.tornBytes > 0) {
				await handle.truncate(read.validBytes);
				await handle.sync();
			}
			return { log: new UpdateLog(path, handle, read), read };
		} catch (error) {
			await handle.close();
			throw error;
		}
	}

	get stats(): UpdateLogStats {
		return { entries: this.entries, bytes: this.bytes, storedAt: this.storedAt };
	}

	/**
	 * Append an update; resolves once it is on disk (written and fdatasync'd). Updates that
	 * arrive together are written and synced together.
	 */
	append(update: Uint8Array): Promise<void> {
		if (this.failed) return Promise.reject(this.failed);
		this.pending.push(update);
		const stored = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
		this.schedule();
		return stored;
	}

	/** Resolves when everything appended so far is on disk. */
	flushed(): Promise<void> {
		return this.chain.then(() =>
			this.pending.length || this.scheduled ? this.flushed() : undefined
		);
	}

	/**
	 * Replace the log with one entry holding `state` (the whole document), atomically. Updates
	 * appended meanwhile are written after it, to the new file.
	 */
	compact(state: () => Uint8Array): Promise<void> {
		const run = this.chain.then(async () => {
			if (this.failed) throw this.failed;
			const snapshot = state();
			const temporary = join(dirname(this.path), `.${basename(this.path)}.compact`);
			let handle: FileHandle | null = null;
			try {
				handle = await open(temporary, 'w');
				const entry = encodeEntries([snapshot]);
				const bytes = new Uint8Array(LOG_MAGIC.length + entry.length);
				bytes.set(LOG_MAGIC);
				bytes.set(entry, LOG_MAGIC.length);
				await handle.writeFile(bytes);
				await handle.sync();
				await rename(temporary, this.path);
				await syncDirectory(dirname(this.path));
				const old = this.handle;
				// The renamed file is the log now; keep appending to it through its open handle.
				this.handle = handle;
				handle = null;
				await old.close();
				this.entries = 1;
				this.bytes = bytes.length;
			} catch (error) {
				await handle?.close().catch(() => {});
				await rm(temporary, { force: true }).catch(() => {});
				this.fail(new LogWriteError(this.path, error));
				throw this.failed;
			}
		});
		this.chain = run.catch(() => {});
		return run;
	}

	async close(): Promise<void> {
		await this.flushed().catch(() => {});
		await this.handle.close().catch(() => {});
	}

	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		this.chain = this.chain.then(async () => {
			this.scheduled = false;
			const updates = this.pending;
			const waiting = this.waiting;
			this.pending = [];
			this.waiting = [];
			if (!updates.length) return;
			try {
				if (this.failed) throw this.failed;
				const bytes = encodeEntries(updates);
				let written = 0;
				while (written < bytes.length) {
					const { bytesWritten } = await this.handle.write(bytes, written);
					written += bytesWritten;
				}
				await this.handle.datasync();
				this.entries += updates.length;
				this.bytes += bytes.length;
				this.storedAt = Date.now();
				for (const w of waiting) w.resolve();
			} catch (error) {
				this.fail(error instanceof LogWriteError ? error : new LogWriteError(this.path, error));
				for (const w of waiting) w.reject(this.failed);
			}
		});
	}

	/** After a failed write the file may end in a torn entry: refuse every later write. */
	private fail(error: unknown): void {
		this.failed ??= error;
	}
}
