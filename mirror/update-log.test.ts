import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOG_MAGIC, LogFormatError, parseLog, UpdateLog } from './update-log';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'update-log-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

const bytes = (...values: number[]) => Uint8Array.from(values);

/** A log file holding these updates, written through UpdateLog itself. */
async function logOf(path: string, updates: Uint8Array[]): Promise<Uint8Array> {
	const { log } = await UpdateLog.open(path);
	await Promise.all(updates.map((u) => log.append(u)));
	await log.close();
	return new Uint8Array(await readFile(path));
}

describe('UpdateLog', () => {
	it('stores updates and reads them back in order after reopening', async () => {
		const path = join(dir, 'log');
		const updates = [bytes(1, 2, 3), bytes(), bytes(9), new Uint8Array(70_000).fill(7)];
		await logOf(path, updates);
		const { log, read } = await UpdateLog.open(path);
		expect(read.updates).toEqual(updates);
		expect(read.tornBytes).toBe(0);
		expect(log.stats.entries).toBe(4);
		await log.close();
	});

	it('a new log starts with its magic, durably, before any update', async () => {
		const path = join(dir, 'log');
		const { log } = await UpdateLog.open(path);
		await log.close();
		expect(new Uint8Array(await readFile(path))).toEqual(LOG_MAGIC);
	});

	it('a torn last entry, cut at any byte, is ignored and cut off; appends follow whole entries', async () => {
		const path = join(dir, 'log');
		const whole = await logOf(path, [bytes(1, 2, 3), bytes(4, 5, 6, 7)]);
		const firstEnd = LOG_MAGIC.length + 8 + 3;
		for (let cut = firstEnd; cut < whole.length; cut++) {
			await writeFile(path, whole.subarray(0, cut));
			const { log, read } = await UpdateLog.open(path);
			expect(read.updates, `cut at ${cut}`).toEqual([bytes(1, 2, 3)]);
			expect(read.tornBytes).toBe(cut - firstEnd);
			await log.append(bytes(8));
			await log.close();
			expect(parseLog(new Uint8Array(await readFile(path))).updates).toEqual([
				bytes(1, 2, 3),
				bytes(8)
			]);
		}
	});

	it('a flipped byte in an entry fails its CRC: that entry and everything after it are dropped', async () => {
		const path = join(dir, 'log');
		const whole = await logOf(path, [bytes(1, 2, 3), bytes(4, 5, 6), bytes(7)]);
		const damaged = whole.slice();
		damaged[LOG_MAGIC.length + 8 + 3 + 8 + 1]! ^= 0x40; // inside the second update
		const read = parseLog(damaged);
		expect(read.updates).toEqual([bytes(1, 2, 3)]);
		expect(read.validBytes).toBe(LOG_MAGIC.length + 8 + 3);
	});

	it('a log whose creation was cut inside its magic opens as empty', async () => {
		const path = join(dir, 'log');
		await writeFile(path, LOG_MAGIC.subarray(0, 3));
		const { log, read } = await UpdateLog.open(path);
		expect(read.updates).toEqual([]);
		await log.close();
		expect(new Uint8Array(await readFile(path))).toEqual(LOG_MAGIC);
	});

	it('refuses a file that is not a log, and leaves it alone', async () => {
		const path = join(dir, 'log');
		await writeFile(path, 'my thesis, do not overwrite');
		await expect(UpdateLog.open(path)).rejects.toBeInstanceOf(LogFormatError);
		expect(await readFile(path, 'utf8')).toBe('my thesis, do not overwrite');
	});

	it('compaction replaces the log with one entry that rebuilds the same document', async () => {
		const path = join(dir, 'log');
		const doc = new Y.Doc();
		const { log } = await UpdateLog.open(path);
		doc.on('update', (u: Uint8Array) => void log.append(u));
		for (let i = 0; i < 50; i++) doc.getMap('records').set(`id${i}`, { n: i });
		await log.flushed();
		expect(log.stats.entries).toBe(50);
		await log.compact(() => Y.encodeStateAsUpdate(doc));
		expect(log.stats.entries).toBe(1);
		doc.getMap('records').set('after', { n: -1 }); // appended to the compacted file
		await log.close();

		const { log: again, read } = await UpdateLog.open(path);
		expect(read.updates).toHaveLength(2);
		const rebuilt = new Y.Doc();
		for (const u of read.updates) Y.applyUpdate(rebuilt, u);
		expect(rebuilt.getMap('records').toJSON()).toEqual(doc.getMap('records').toJSON());
		await again.close();
		// No temporary file is left behind.
		expect(await readdir(dir)).toEqual(['log']);
	});
});
