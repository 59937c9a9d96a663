/**
 * Whether this device can keep what the person makes. Everything lives in IndexedDB and
 * local storage: a browser that blocks them (private modes, privacy settings), a full disk,
 * or a browser clearing site data under pressure would lose it. This watches for what can
 * be seen from the page and words it for the person; nothing here writes their data.
 */

/** Below this share of the quota left, say so before writes start failing. */
const NEARLY_FULL = 0.9;
const PROBE_DB = 'webocracy/storage-probe';

export type StorageProblem = {
	code: 'blocked' | 'full' | 'nearly_full';
	message: string;
};

export const STORAGE_MESSAGES = {
	blocked:
		'This browser does not let Webocracy store anything on this device (a private window, or ' +
		'a setting that blocks site data). Webocracy keeps your identity and your countries only ' +
		'on this device, so here it can neither make an identity nor open a country. Open it in ' +
		'a normal window, or allow site data for this site.',
	full:
		'This device refused to store more for Webocracy: its storage is full. What was saved ' +
		'before is safe, but your latest change may not have been kept. Free some space, then ' +
		'reload and check it.',
	nearly_full: (used: string, quota: string) =>
		`Storage for Webocracy is almost full (${used} of ${quota}). New changes may soon fail ` +
		'to save: free some space on this device.'
} as const;

export class StorageState {
	problem = $state.raw<StorageProblem | null>(null);
	/** The browser promised not to clear this app's data under storage pressure. */
	persisted = $state<boolean | null>(null);

	private readonly stops: Array<() => void> = [];
	private asked = false;

	/** Probe IndexedDB, read the quota, and listen for quota errors nobody else caught. */
	async start(): Promise<void> {
		if (typeof window === 'undefined') return;
		const onRejection = (event: PromiseRejectionEvent) => this.noticeError(event.reason);
		const onError = (event: ErrorEvent) => this.noticeError(event.error);
		window.addEventListener('unhandledrejection', onRejection);
		window.addEventListener('error', onError);
		this.stops.push(
			() => window.removeEventListener('unhandledrejection', onRejection),
			() => window.removeEventListener('error', onError)
		);
		const probe = await probeIndexedDb();
		if (probe === 'blocked') this.problem = { code: 'blocked', message: STORAGE_MESSAGES.blocked };
		else if (probe === 'full') this.problem = { code: 'full', message: STORAGE_MESSAGES.full };
		else await this.checkQuota();
	}

	/**
	 * Ask the browser to keep this app's data under storage pressure. Chromium decides
	 * silently (installed apps are kept); Firefox asks the person, so call this only once
	 * they have something to lose.
	 */
	async keep(): Promise<void> {
		if (this.asked || !navigator.storage?.persist) return;
		this.asked = true;
		try {
			this.persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
		} catch {
			this.persisted = false;
		}
	}

	async checkQuota(): Promise<void> {
		if (!navigator.storage?.estimate) return;
		try {
			const { usage = 0, quota = 0 } = await navigator.storage.estimate();
			if (quota > 0 && usage / quota >= NEARLY_FULL && this.problem?.code !== 'full') {
				this.problem = {
					code: 'nearly_full',
					message: STORAGE_MESSAGES.nearly_full(formatBytes(usage), formatBytes(quota))
				};
			}
		} catch {
			// No estimate: nothing to say.
		}
	}

	/** A QuotaExceededError that reached the window: some write was refused. */
	noticeError(error: unknown): void {
		if (isQuotaError(error)) this.problem = { code: 'full', message: STORAGE_MESSAGES.full };
	}

	stop(): void {
		for (const stop of this.stops.splice(0)) stop();
	}
}

export function isQuotaError(error: unknown): boolean {
	const name = (error as { name?: unknown } | null)?.name;
	// Old Firefox named it differently.
	return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** Can a database be opened and written here? Private modes and blocked site data say no. */
export function probeIndexedDb(): Promise<'ok' | 'blocked' | 'full'> {
	return new Promise((resolve) => {
		let request: IDBOpenDBRequest;
		try {
			if (typeof indexedDB === 'undefined') return resolve('blocked');
			request = indexedDB.open(PROBE_DB, 1);
		} catch {
			return resolve('blocked'); // SecurityError: storage denied in this context
		}
		request.onupgradeneeded = () => request.result.createObjectStore('probe');
		request.onsuccess = () => {
			const db = request.result;
			const done = (result: 'ok' | 'blocked' | 'full') => {
				db.close();
				resolve(result);
			};
			try {
				const tx = db.transaction('probe', 'readwrite');
				tx.objectStore('probe').put(Date.now(), 'last');
				tx.oncomplete = () => done('ok');
				tx.onabort = () => done(isQuotaError(tx.error) ? 'full' : 'blocked');
			} catch {
				done('blocked');
			}
		};
		request.onerror = () => resolve(isQuotaError(request.error) ? 'full' : 'blocked');
		// Another tab holds an older version open: storage works, it is just busy.
		request.onblocked = () => resolve('ok');
	});
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
	if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
	return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
