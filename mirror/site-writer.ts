/**
 * Writes a planned site (src/lib/site) into a directory that a web server may be serving
 * while it changes: every file is written to a temporary file in its own directory, flushed
 * to disk and renamed over the old one, so a reader sees the old file or the new one, never
 * half of one. Only files whose dependency key changed are rendered, only files whose bytes
 * changed are written, and files that left the site are removed.
 *
 * The keys of what was written are kept in memory and beside the site: a snapshot
 * (`.webocracy-site.json`) and a journal appended to on every pass
 * (`.webocracy-site.<generation>.journal`), so a pass costs two small appends, not a
 * rewrite of 30,000 keys. Before a pass touches a file it journals that file's key as
 * unknown; after, its new key. A crash therefore leaves only files marked unknown, which the
 * next pass renders and compares with the disk. When the journal grows past the snapshot's
 * size, the snapshot is written anew under the next generation and the old journal deleted.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { paths, sitemapParts, type PlannedFile, type SitePlan } from '../src/lib/site/index';

export const MANIFEST_NAME = '.webocracy-site.json';
const MANIFEST_FORMAT = 2;
const journalName = (generation: number) => `.webocracy-site.${generation}.journal`;
const JOURNAL = /^\.webocracy-site\.(\d+)\.journal$/;
/** Journal lines past which the snapshot is rewritten (or the site's size, if larger). */
const JOURNAL_COMPACT_MIN = 2000;
/** Temporary files are dot files (static servers do not serve those) with this suffix. */
const TEMP_SUFFIX = '.webocracy-tmp';
/** Files written at once: enough to overlap fsyncs, few enough to keep descriptors bounded. */
const PARALLEL = 16;

export type SiteWriteReport = {
	/** Files in the plan. */
	files: number;
	/** Files rendered because their key was new or changed. */
	rendered: number;
	/** Rendered files whose bytes differed from the disk, and were written. */
	written: number;
	/** Files removed because they left the site (and temporary files left by a crash). */
	removed: number;
	/** Paths written, sorted (for logs and tests). */
	writtenPaths: string[];
	removedPaths: string[];
	/** Time spent rendering (the plan's thunks), and the whole pass, in ms. */
	renderMs: number;
	passMs: number;
};

export type SiteWriterOptions = {
	/** The site's directory; created when missing. */
	outDir: string;
	/**
	 * fsync every file before its rename and each changed directory after (default true).
	 * Off only for throwaway output (tests, a one-off render to a temp directory).
	 */
	durable?: boolean;
	/** Journal lines after which the snapshot is rewritten (default: 2,000 or the file count). */
	compactAfter?: number;
};

export type SiteWriter = {
	/** Bring the directory to exactly `plan`'s files. Passes run one at a time. */
	write(plan: SitePlan): Promise<SiteWriteReport>;
	readonly outDir: string;
};

/** Directories the site may produce files in (posts, blogs, tags, …), from its path helpers. */
const SITE_DIRS: ReadonlySet<string> = new Set(
	Object.values(paths as Record<string, unknown>)
		.filter((p): p is (x: string) => string => typeof p === 'function')
		.map((p) => p('x').split('/')[0]!)
);

/** Root files the site may produce: a pass removes them when they leave the plan. */
const ROOT_FILES: ReadonlySet<string> = new Set(
	Object.values(paths as Record<string, unknown>).filter((p): p is string => typeof p === 'string')
);

/** A plan path is relative, with `/` separators and no `.`/`..` or empty segments. */
function isSafePath(path: string): boolean {
	const segments = path.split('/');
	const bad =
		path.length === 0 ||
		path.includes('\\') ||
		/[\0\t\n\r]/.test(path) ||
		segments.some((s) => s === '' || s === '.' || s === '..' || s.endsWith(TEMP_SUFFIX));
	return !bad;
}

function checkPath(path: string): void {
	if (!isSafePath(path)) throw new Error(`site-writer: refusing unsafe path "${path}"`);
}

const toBytes = (content: string | Uint8Array): Uint8Array =>
	typeof content === 'string' ? Buffer.from(content, 'utf8') : content;

async function readIfExists(file: string): Promise<Buffer | null> {
	try {
		return await readFile(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
}

async function fsyncDirectory(dir: string): Promise<void> {
	const handle = await open(dir, constants.O_RDONLY);
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Flush several directories at once (their fsyncs overlap); a failure is not fatal here. */
async function fsyncDirectories(dirs: Iterable<string>): Promise<void> {
	await Promise.all([...dirs].map((dir) => fsyncDirectory(dir).catch(() => undefined)));
}

/**
 * Write `bytes` to `file` atomically: temp file in the same directory, fsync, rename — the
 * rename once `before` (the journal's mark) is done.
 */
async function writeAtomic(
	file: string,
	bytes: Uint8Array,
	durable: boolean,
	before: Promise<void> = Promise.resolve()
): Promise<void> {
	const dir = dirname(file);
	const temp = join(dir, `.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
	const handle = await open(temp, 'w', 0o644);
	try {
		await handle.writeFile(bytes);
		if (durable) await handle.sync();
	} catch (error) {
		await handle.close();
		await rm(temp, { force: true });
		throw error;
	}
	await handle.close();
	try {
		await before;
		await rename(temp, file);
	} catch (error) {
		await rm(temp, { force: true });
		throw error;
	}
}

/** Run `work` over `items` with at most `limit` in flight; the first error rejects. */
async function eachLimited<T>(
	items: readonly T[],
	limit: number,
	work: (item: T) => Promise<void>
) {
	let next = 0;
	const lane = async () => {
		while (next < items.length) await work(items[next++]!);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

type Manifest = { generation: number; files: Map<string, string>; journalLines: number };

/** The snapshot and its journal replayed, or null when there is none (or it is damaged). */
async function loadManifest(outDir: string): Promise<Manifest | null> {
	const bytes = await readIfExists(join(outDir, MANIFEST_NAME));
	if (!bytes) return null;
	let generation: number;
	const files = new Map<string, string>();
	try {
		const parsed = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
		if (
			parsed.format !== MANIFEST_FORMAT ||
			!Number.isSafeInteger(parsed.generation) ||
			typeof parsed.files !== 'object' ||
			!parsed.files
		) {
			return null;
		}
		generation = parsed.generation as number;
		for (const [path, key] of Object.entries(parsed.files as Record<string, unknown>)) {
			// The manifest lives in the served directory: a path in it never leads outside.
			if (typeof key === 'string' && isSafePath(path)) files.set(path, key);
		}
	} catch {
		return null; // a damaged manifest is only a lost cache
	}
	const journal = (await readIfExists(join(outDir, journalName(generation))))?.toString('utf8');
	let journalLines = 0;
	if (journal) {
		const lines = journal.split('\n');
		lines.pop(); // empty after the last newline, or a line a crash cut short: ignored
		for (const line of lines) {
			const [op, path, key] = line.split('\t');
			if (op === '+' && path && key !== undefined && isSafePath(path)) files.set(path, key);
			else if ((op === '-' || op === 'x') && path) files.delete(path);
			journalLines++;
		}
	}
	// A journal of another generation is what a crash during compaction left: stale.
	for (const name of await readdir(outDir)) {
		const match = JOURNAL.exec(name);
		if (match && Number(match[1]) !== generation) await rm(join(outDir, name), { force: true });
	}
	return { generation, files, journalLines };
}

/**
 * Files under the plan's directories (and known root files) that the plan does not have:
 * what a crash or a lost manifest may have left behind. Nothing else in `outDir` is touched.
 */
async function strayFiles(outDir: string, planned: ReadonlySet<string>): Promise<string[]> {
	const stray: string[] = [];
	const dirs = new Set<string>(['', ...SITE_DIRS]);
	for (const path of planned) {
		const slash = path.lastIndexOf('/');
		if (slash > 0) dirs.add(path.slice(0, slash));
	}
	for (const name of ROOT_FILES) if (!planned.has(name)) stray.push(name);
	for (const dir of dirs) {
		let entries;
		try {
			entries = await readdir(join(outDir, ...dir.split('/').filter(Boolean)), {
				withFileTypes: true
			});
		} catch {
			continue;
		}
		for (const entry of entries) {
			if (!entry.isFile()) continue;
			const path = dir ? `${dir}/${entry.name}` : entry.name;
			if (entry.name.endsWith(TEMP_SUFFIX)) stray.push(path);
			else if (dir === '' && JOURNAL.test(entry.name)) stray.push(path);
			else if (dir === '' && sitemapParts.test(entry.name) && !planned.has(path)) stray.push(path);
			else if (dir !== '' && !planned.has(path)) stray.push(path);
		}
	}
	return stray;
}

export function createSiteWriter(options: SiteWriterOptions): SiteWriter {
	const { outDir } = options;
	const durable = options.durable ?? true;
	/**
	 * Keys of the files on disk as this writer knows them; null until loaded. `seen`: the last
	 * pass whose plan had the file, so that finding what left the site needs no set of 30,000
	 * planned paths.
	 */
	let known: Map<string, { key: string; seen: number }> | null = null;
	let passes = 0;
	/** The snapshot's generation on disk (0: none), and lines in its journal. */
	let generation = 0;
	let journalLines = 0;
	let queue: Promise<unknown> = Promise.resolve();
	/** The stamp of the plan the last pass wrote whole, if that pass ended well. */
	let lastStamp: object | null = null;

	/**
	 * Only lines that mark files unknown must reach the disk before the pass goes on; a lost
	 * `+` or `x` line leaves its file marked unknown, which the next pass checks again.
	 */
	async function appendJournal(lines: string[], sync: boolean): Promise<void> {
		if (lines.length === 0) return;
		const handle = await open(join(outDir, journalName(generation)), 'a', 0o644);
		try {
			await handle.writeFile(lines.join(''));
			if (durable && sync) await handle.sync();
		} finally {
			await handle.close();
		}
		journalLines += lines.length;
	}

	/** Write `known` as the next generation's snapshot; then the old journal can go. */
	async function writeSnapshot(): Promise<void> {
		const files: Record<string, string> = {};
		for (const [path, { key }] of known!) files[path] = key;
		const previous = generation;
		const next = previous + 1;
		await writeAtomic(
			join(outDir, MANIFEST_NAME),
			Buffer.from(JSON.stringify({ format: MANIFEST_FORMAT, generation: next, files })),
			durable
		);
		if (durable) await fsyncDirectory(outDir);
		generation = next;
		journalLines = 0;
		if (previous > 0) await rm(join(outDir, journalName(previous)), { force: true });
	}

	async function writePass(plan: SitePlan): Promise<SiteWriteReport> {
		const started = performance.now();
		let renderMs = 0;
		await mkdir(outDir, { recursive: true });
		let sweep = false;
		if (known === null) {
			const loaded = await loadManifest(outDir);
			sweep = loaded === null;
			known = new Map([...(loaded?.files ?? [])].map(([path, key]) => [path, { key, seen: 0 }]));
			generation = loaded?.generation ?? 0;
			journalLines = loaded?.journalLines ?? 0;
		}
		const pass = ++passes;
		const changed: PlannedFile[] = [];
		const removedPaths: string[] = [];
		// A plan made from the one written last says what differs: the other 30,000 keys need
		// no comparing. Otherwise every planned file is looked at.
		const delta = plan.changes && plan.changes.since === lastStamp ? plan.changes : null;
		lastStamp = null; // until this pass ends well
		if (delta) {
			// `seen` is only read by a pass over the whole plan, which sets it for every file.
			for (const file of delta.files) {
				if (known.get(file.path)?.key !== file.key) changed.push(file);
			}
			for (const path of delta.removed) if (known.has(path)) removedPaths.push(path);
		} else {
			for (const file of plan.files) {
				const entry = known.get(file.path);
				if (entry) entry.seen = pass;
				if (entry?.key !== file.key) changed.push(file);
			}
			for (const [path, entry] of known) if (entry.seen !== pass) removedPaths.push(path);
		}
		// Only paths about to be written need checking: the others were written (checked) before.
		for (const f of changed) checkPath(f.path);
		if (sweep) {
			removedPaths.push(...(await strayFiles(outDir, new Set(plan.files.map((f) => f.path)))));
		}

		// Until the pass is over these files may be neither their old nor their new version:
		// the journal says so on disk before any of them is renamed (its flush overlaps with
		// rendering and writing the temporary files).
		const marked =
			generation > 0
				? appendJournal(
						[...changed.map((f) => f.path), ...removedPaths].map((p) => `-\t${p}\n`),
						true
					)
				: Promise.resolve();
		// A failed mark is handled once the files wait on it; meanwhile it must not go unheard.
		marked.catch(() => undefined);
		for (const f of changed) known.delete(f.path);

		const touchedDirs = new Set<string>();
		const madeDirs = new Set<string>();
		const writtenPaths: string[] = [];
		const settled: string[] = [];
		try {
			await eachLimited(changed, PARALLEL, async (file) => {
				const target = join(outDir, ...file.path.split('/'));
				const renderStarted = performance.now();
				const bytes = toBytes(file.render());
				renderMs += performance.now() - renderStarted;
				const dir = dirname(target);
				if (!madeDirs.has(dir)) {
					await mkdir(dir, { recursive: true });
					madeDirs.add(dir);
				}
				const current = await readIfExists(target);
				if (!current || !current.equals(bytes)) {
					await writeAtomic(target, bytes, durable, marked);
					writtenPaths.push(file.path);
					touchedDirs.add(dir);
				}
				known!.set(file.path, { key: file.key, seen: pass });
				settled.push(`+\t${file.path}\t${file.key}\n`);
			});
			await marked; // before any file is removed, too
		} finally {
			// What was written before a failure is settled too, once its renames are on disk
			// (and after the marks, so a replay never reads a file's mark after its key).
			await marked.catch(() => undefined);
			if (durable) await fsyncDirectories(touchedDirs);
			if (generation > 0) await appendJournal(settled, false);
		}

		const removed: string[] = [];
		const emptiedDirs = new Set<string>();
		const removedLines: string[] = [];
		for (const path of new Set(removedPaths)) {
			const target = join(outDir, ...path.split('/'));
			try {
				await unlink(target);
				removed.push(path);
				emptiedDirs.add(dirname(target));
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			}
			known.delete(path);
			removedLines.push(`x\t${path}\n`);
			// Drop a directory the site no longer uses (tags/x.html was its last file).
			const parent = dirname(target);
			if (parent !== outDir && parent.startsWith(outDir + sep)) {
				await rmdir(parent).catch(() => undefined);
			}
		}
		if (durable) await fsyncDirectories(emptiedDirs);
		if (generation > 0) await appendJournal(removedLines, false);
		if (
			generation === 0 ||
			journalLines > (options.compactAfter ?? Math.max(JOURNAL_COMPACT_MIN, known.size))
		) {
			await writeSnapshot();
		}
		lastStamp = plan.stamp ?? null;
		return {
			files: plan.stats.files,
			rendered: changed.length,
			written: writtenPaths.length,
			removed: removed.length,
			writtenPaths: writtenPaths.sort(),
			removedPaths: removed.sort(),
			renderMs,
			passMs: performance.now() - started
		};
	}

	return {
		outDir,
		write(plan) {
			const run = queue.then(() => writePass(plan));
			queue = run.catch(() => undefined);
			return run;
		}
	};
}
