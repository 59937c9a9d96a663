/**
 * IndexedDB persistence for identities and for the verified-signature cache, on the raw
 * API (two object stores do not need a wrapper library). Every failure is a Result with
 * 'storage_failed': private browsing modes may block IndexedDB entirely, and an entry
 * written by another version of the app may not parse.
 */
import * as v from 'valibot';
import { err, messageOf, ok, type Result } from '../model/result';
import type { IdentityKey } from './keys';
import type { PersistentVerifiedCache } from './verify';

type StorageError = 'storage_failed';

const KEYS_STORE = 'keys';
const VERIFIED_STORE = 'verified';
const DB_VERSION = 1;

/** A lazily opened database; a failed open is retried on the next call. */
function database(name: string, store: string, keyPath?: string) {
	let opening: Promise<Result<IDBDatabase, StorageError>> | null = null;

	function open(): Promise<Result<IDBDatabase, StorageError>> {
		return new Promise((resolve) => {
			if (typeof indexedDB === 'undefined') {
				resolve(err('storage_failed', 'IndexedDB is not available in this browser'));
				return;
			}
			let request: IDBOpenDBRequest;
			try {
				request = indexedDB.open(name, DB_VERSION);
			} catch (error) {
				resolve(err('storage_failed', `IndexedDB refused to open: ${messageOf(error)}`));
				return;
			}
			let settled = false;
			request.onupgradeneeded = () => {
				const db = request.result;
				if (!db.objectStoreNames.contains(store)) {
					db.createObjectStore(store, keyPath ? { keyPath } : undefined);
				}
			};
			request.onsuccess = () => {
				const db = request.result;
				if (settled) {
					db.close();
					return;
				}
				settled = true;
				// Let another tab upgrade the schema instead of blocking it forever.
				db.onversionchange = () => {
					db.close();
					opening = null;
				};
				db.onclose = () => {
					opening = null;
				};
				resolve(ok(db));
			};
			request.onerror = () => {
				settled = true;
				resolve(err('storage_failed', `IndexedDB could not open: ${messageOf(request.error)}`));
			};
			request.onblocked = () => {
				settled = true;
				resolve(err('storage_failed', 'IndexedDB is blocked by another tab of this app'));
			};
		});
	}

	async function get(): Promise<Result<IDBDatabase, StorageError>> {
		opening ??= open();
		const db = await opening;
		if (!db.ok) opening = null;
		return db;
	}

	/** Run `work` in one transaction; the result is what `work` set, once it committed. */
	async function transact<T>(
		mode: IDBTransactionMode,
		work: (objects: IDBObjectStore, settle: (value: T) => void) => void
	): Promise<Result<T, StorageError>> {
		const db = await get();
		if (!db.ok) return db;
		return new Promise((resolve) => {
			let value: { set: false } | { set: true; value: T } = { set: false };
			let tx: IDBTransaction;
			try {
				tx = db.value.transaction(store, mode);
				work(tx.objectStore(store), (result) => {
					value = { set: true, value: result };
				});
			} catch (error) {
				opening = null;
				resolve(err('storage_failed', `IndexedDB failed: ${messageOf(error)}`));
				return;
			}
			tx.oncomplete = () =>
				resolve(value.set ? ok(value.value) : err('storage_failed', 'IndexedDB gave no answer'));
			tx.onabort = () =>
				resolve(err('storage_failed', `IndexedDB aborted: ${messageOf(tx.error)}`));
		});
	}

	return {
		transact,
		close() {
			const current = opening;
			opening = null;
			void current?.then((db) => db.ok && db.value.close());
		}
	};
}

const identitySchema = v.object({
	fingerprint: v.pipe(v.string(), v.regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/)),
	name: v.string(),
	publicKey: v.pipe(v.string(), v.startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----')),
	privateKey: v.pipe(v.string(), v.startsWith('-----BEGIN PGP PRIVATE KEY BLOCK-----')),
	createdAt: v.pipe(v.number(), v.safeInteger()),
	keyVersion: v.picklist([4, 6])
});

function readIdentity(value: unknown): Result<IdentityKey, StorageError> {
	const parsed = v.safeParse(identitySchema, value);
	if (parsed.success) return ok(parsed.output);
	const issue = parsed.issues[0];
	return err(
		'storage_failed',
		`unreadable entry: ${v.getDotPath(issue) ?? 'value'} ${issue.message}`
	);
}

export type IdentityListing = {
	/** Oldest first. */
	keys: IdentityKey[];
	/** Entries that could not be read; the others are still listed. */
	skipped: { fingerprint: string; message: string }[];
};

export type IdentityStore = {
	list(): Promise<Result<IdentityListing, StorageError>>;
	/** null when there is no key with this fingerprint. */
	get(fingerprint: string): Promise<Result<IdentityKey | null, StorageError>>;
	/**
	 * Store a key. The same key again is a no-op (`stored: false`); a different key under
	 * the same fingerprint (say, protected with another passphrase) is `key_conflict`
	 * unless `replace` is set.
	 */
	put(
		key: IdentityKey,
		options?: { replace?: boolean }
	): Promise<Result<{ stored: boolean }, StorageError | 'key_conflict'>>;
	remove(fingerprint: string): Promise<Result<void, StorageError>>;
	close(): void;
};

export function createIdentityStore(dbName = 'webocracy-identity'): IdentityStore {
	const db = database(dbName, KEYS_STORE, 'fingerprint');

	return {
		async list() {
			return db.transact<IdentityListing>('readonly', (objects, settle) => {
				const listing: IdentityListing = { keys: [], skipped: [] };
				const request = objects.openCursor();
				request.onsuccess = () => {
					const cursor = request.result;
					if (!cursor) {
						listing.keys.sort((a, b) => a.createdAt - b.createdAt);
						settle(listing);
						return;
					}
					const key = readIdentity(cursor.value);
					if (key.ok) listing.keys.push(key.value);
					else
						listing.skipped.push({ fingerprint: String(cursor.primaryKey), message: key.message });
					cursor.continue();
				};
			});
		},

		async get(fingerprint) {
			const found = await db.transact<unknown>('readonly', (objects, settle) => {
				const request = objects.get(fingerprint);
				request.onsuccess = () => settle(request.result);
			});
			if (!found.ok) return found;
			return found.value === undefined ? ok(null) : readIdentity(found.value);
		},

		async put(key, options = {}) {
			const checked = readIdentity(key);
			if (!checked.ok) return err('storage_failed', `not an identity key: ${checked.message}`);
			const value = checked.value;
			const done = await db.transact<Result<{ stored: boolean }, 'key_conflict'>>(
				'readwrite',
				(objects, settle) => {
					const request = objects.get(value.fingerprint);
					request.onsuccess = () => {
						const existing = request.result as Partial<IdentityKey> | undefined;
						if (existing === undefined || options.replace) {
							objects.put(value);
							settle(ok({ stored: true }));
						} else if (
							existing.privateKey === value.privateKey &&
							existing.publicKey === value.publicKey
						) {
							settle(ok({ stored: false }));
						} else {
							settle(
								err(
									'key_conflict',
									'a different copy of this key is already stored; remove it first or replace it'
								)
							);
						}
					};
				}
			);
			return done.ok ? done.value : done;
		},

		async remove(fingerprint) {
			return db.transact<void>('readwrite', (objects, settle) => {
				objects.delete(fingerprint);
				settle(undefined);
			});
		},

		close: db.close
	};
}

export type VerifiedCacheStore = PersistentVerifiedCache & {
	clear(): Promise<Result<void, StorageError>>;
	close(): void;
};

/**
 * Rows written by addMany: one per call, holding every key of the call. One put of an array
 * costs the page a fraction of a put per key (10,000 puts took ~300 ms of main thread). The
 * row's own key starts with `#`, which no cache key (a hex record id first) does.
 */
type BatchRow = { at: number; keys: string[] };
const BATCH_PREFIX = '#';
let batchCounter = 0;

/** The cache keys a stored row holds: its own key (one per row, as rows used to be) or a batch. */
function keysOfRow(key: IDBValidKey, value: unknown): string[] {
	if (typeof key !== 'string') return [];
	if (!key.startsWith(BATCH_PREFIX)) return [key];
	const keys = (value as Partial<BatchRow> | null)?.keys;
	return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
}

/**
 * Keys of positive verification results (see verifiedCacheKey in verify.ts). Methods
 * reject on storage failure; the verifier treats that as a miss.
 */
export function createVerifiedCacheStore(dbName = 'webocracy-verified'): VerifiedCacheStore {
	const db = database(dbName, VERIFIED_STORE);
	const unwrap = <T>(result: Result<T, StorageError>): T => {
		if (!result.ok) throw new Error(result.message);
		return result.value;
	};
	/**
	 * Every stored key, read once when first asked about (a country opening) and kept up to
	 * date by addMany. Each IndexedDB request costs a round trip to the browser's storage
	 * process: 10,000 getKey requests took seconds, one read of every row takes milliseconds.
	 * Keys another tab adds meanwhile are misses here: checked once more.
	 */
	let known: Promise<Set<string>> | null = null;
	const readAll = async (): Promise<Set<string>> => {
		const [keys, values] = unwrap(
			await db.transact<[IDBValidKey[], unknown[]]>('readonly', (objects, settle) => {
				const keys = objects.getAllKeys();
				const values = objects.getAll();
				values.onsuccess = () => settle([keys.result, values.result]);
			})
		);
		const held = new Set<string>();
		keys.forEach((key, i) => {
			for (const k of keysOfRow(key, values[i])) held.add(k);
		});
		return held;
	};

	return {
		async hasMany(keys) {
			if (keys.length === 0) return [];
			known ??= readAll();
			const held = await known.catch((error: unknown) => {
				known = null;
				throw error;
			});
			return keys.map((key) => held.has(key));
		},

		async addMany(keys) {
			// Keys already held are not written again: small batches are checked (and saved)
			// anew in every session, and each tab saves what it checked.
			const held = known ? await known.catch(() => null) : null;
			const fresh = held ? keys.filter((key) => !held.has(key)) : [...keys];
			if (fresh.length === 0) return;
			const at = Date.now();
			const row: BatchRow = { at, keys: fresh };
			const name = `${BATCH_PREFIX}${at.toString(36)}-${(batchCounter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
			// The time is kept so a future version can prune old entries.
			unwrap(
				await db.transact<void>('readwrite', (objects, settle) => {
					objects.put(row, name);
					settle(undefined);
				})
			);
			for (const key of fresh) held?.add(key);
		},

		async clear() {
			known = null;
			return db.transact<void>('readwrite', (objects, settle) => {
				objects.clear();
				settle(undefined);
			});
		},

		close: db.close
	};
}
