/** The person at this device: their stored keys, which one is active, and whether it is unlocked. */
import {
	createIdentityStore,
	generateIdentity,
	importIdentity,
	unlockIdentity,
	type IdentityKey,
	type UnlockedIdentity
} from '../identity';
import { err, ok, type Result } from '../model';

const ACTIVE_KEY = 'webocracy:active-identity';

export class IdentityState {
	keys = $state.raw<IdentityKey[]>([]);
	activeFingerprint = $state<string | null>(null);
	unlocked = $state.raw<UnlockedIdentity | null>(null);
	loading = $state(true);
	/** A problem reading storage, shown to the person; what could be read still works. */
	problem = $state<string | null>(null);
	/** Progress of a long operation (key generation), for a live region. */
	progress = $state<string | null>(null);

	private readonly store = createIdentityStore();

	get active(): IdentityKey | null {
		return this.keys.find((k) => k.fingerprint === this.activeFingerprint) ?? null;
	}

	async load(): Promise<void> {
		this.loading = true;
		const listed = await this.store.list();
		if (listed.ok) {
			this.keys = listed.value.keys;
			const { skipped } = listed.value;
			this.problem = skipped.length
				? `${skipped.length === 1 ? 'One stored key could not be read and was' : `${skipped.length} stored keys could not be read and were`} skipped: ${skipped.map((s) => s.message).join('; ')}`
				: null;
		} else {
			this.problem = listed.message;
		}
		const remembered = safeLocal(() => localStorage.getItem(ACTIVE_KEY));
		this.activeFingerprint =
			this.keys.find((k) => k.fingerprint === remembered)?.fingerprint ??
			this.keys[0]?.fingerprint ??
			null;
		this.loading = false;
	}

	select(fingerprint: string): void {
		if (fingerprint === this.activeFingerprint) return;
		this.lock();
		this.activeFingerprint = fingerprint;
		safeLocal(() => localStorage.setItem(ACTIVE_KEY, fingerprint));
	}

	async create(name: string, passphrase: string): Promise<Result<IdentityKey, string>> {
		this.progress = 'Starting…';
		try {
			const made = await generateIdentity({
				name,
				passphrase,
				onProgress: (progress) => (this.progress = progress.label)
			});
			if (!made.ok) return made;
			return await this.keep(made.value, passphrase);
		} finally {
			this.progress = null;
		}
	}

	async import(armored: string, passphrase: string): Promise<Result<IdentityKey, string>> {
		const imported = await importIdentity({ armored, passphrase });
		if (!imported.ok) return imported;
		return this.keep(imported.value, passphrase);
	}

	async unlock(passphrase: string): Promise<Result<UnlockedIdentity, string>> {
		const key = this.active;
		if (!key) return err('no_identity', 'Create or import an identity first.');
		const unlocked = await unlockIdentity(key, passphrase);
		if (unlocked.ok) this.unlocked = unlocked.value;
		return unlocked;
	}

	lock(): void {
		this.unlocked?.lock();
		this.unlocked = null;
	}

	/** Store a key, make it active and unlock it: the person just proved the passphrase. */
	private async keep(key: IdentityKey, passphrase: string): Promise<Result<IdentityKey, string>> {
		const stored = await this.store.put(key);
		if (!stored.ok) return stored;
		await this.load();
		this.select(key.fingerprint);
		const unlocked = await this.unlock(passphrase);
		if (!unlocked.ok) return unlocked;
		return ok(key);
	}
}

function safeLocal<T>(read: () => T): T | null {
	try {
		return read();
	} catch {
		return null; // storage blocked: the choice is just not remembered
	}
}
