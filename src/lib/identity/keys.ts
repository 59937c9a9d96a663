/**
 * A person's OpenPGP identity: make one, bring one from elsewhere, unlock it for the
 * session, sign records with it. Keys are stored and exported passphrase-protected only.
 *
 * New keys are v4 Ed25519 (openpgp's EdDSALegacy) because GnuPG 2.2 cannot use v6 keys;
 * v6 keys made elsewhere are accepted. See STACK.md, gotcha 8.
 */
import * as v from 'valibot';
import type { PrivateKey, PublicKey } from 'openpgp';
import { DISPLAY_NAME_MAX } from '../model/kinds/citizen';
import { cleanText, encodeRecord, type AnyRecord, type SignedEntry } from '../model/record';
import { err, messageOf, ok, type ReasonCode, type Result } from '../model/result';
import { lineText } from '../model/schema';
import { armorChecksumMatches } from './armor';
import { bytesToBase64 } from './base64';
import { KEY_CONFIG, loadOpenpgp, type OpenPGPModule } from './openpgp';

export type IdentityKey = {
	/** Lowercase hex: 40 digits for v4 keys, 64 for v6. Records name it as `author`. */
	fingerprint: string;
	name: string;
	/** Armored public key: what citizen and genesis records carry. */
	publicKey: string;
	/** Armored private key, always passphrase-protected. */
	privateKey: string;
	/** Key creation time, milliseconds since the epoch. */
	createdAt: number;
	keyVersion: 4 | 6;
};

export type IdentityErrorCode =
	| 'passphrase_wrong'
	| 'passphrase_weak'
	| 'name_invalid'
	| 'key_unreadable'
	| 'key_not_private'
	/** The key has no passphrase: import it again with `newPassphrase`. */
	| 'key_unprotected'
	| 'key_unsupported'
	/** Another key is stored under this fingerprint (store.put). */
	| 'key_conflict'
	| 'storage_failed'
	/** openpgp could not be loaded (offline before the chunk was cached, blocked script). */
	| 'library_unavailable'
	/** The crypto library failed in a way no input explains. */
	| 'crypto_failed';

export type SignRecordError = ReasonCode | 'identity_locked' | 'sign_failed';

export const PASSPHRASE_MIN = 8;
/** Armored private keys are about 1 KB (Ed25519) to 7 KB (RSA-4096); anything far bigger is not one key. */
export const MAX_IMPORT_CHARS = 64 * 1024;

const nameSchema = lineText(1, DISPLAY_NAME_MAX);
/** `<` and `>` would turn part of the name into an e-mail address in the OpenPGP user ID. */
const USER_ID_SYNTAX = /[<>]/;

/** The display name as it will be stored (NFC, trimmed), or why it cannot be used. */
export function checkDisplayName(name: string): Result<string, 'name_invalid'> {
	if (typeof name !== 'string') return err('name_invalid', 'the name must be text', 'name');
	const cleaned = cleanText(name);
	const checked = v.safeParse(nameSchema, cleaned);
	if (!checked.success) {
		return err('name_invalid', `the name ${checked.issues[0].message}`, 'name');
	}
	if (USER_ID_SYNTAX.test(cleaned)) {
		return err('name_invalid', 'the name must not contain < or >', 'name');
	}
	return ok(cleaned);
}

/** A passphrase for a key we protect: at least PASSPHRASE_MIN characters (code points). */
export function checkNewPassphrase(passphrase: string): Result<string, 'passphrase_weak'> {
	if (typeof passphrase !== 'string' || [...passphrase].length < PASSPHRASE_MIN) {
		return err(
			'passphrase_weak',
			`The passphrase is too short: use at least ${PASSPHRASE_MIN} characters.`,
			'passphrase'
		);
	}
	return ok(passphrase);
}

async function library(): Promise<Result<OpenPGPModule, 'library_unavailable'>> {
	try {
		return ok(await loadOpenpgp());
	} catch (error) {
		return err('library_unavailable', `the OpenPGP library could not load: ${messageOf(error)}`);
	}
}

/** A display name for a key made elsewhere: its primary user's name, else its e-mail. */
async function nameOf(key: PublicKey): Promise<string> {
	let user = key.users.find((u) => u.userID)?.userID ?? null;
	try {
		user = (await key.getPrimaryUser()).user.userID ?? user;
	} catch {
		// No valid self-certified user now (expired, odd tool): the first user ID still names it.
	}
	// openpgp fills `name` only for "Name <email>" user IDs; a bare "Carol" stays in `userID`.
	const bare = user?.userID.replace(/\s*<[^>]*>\s*$/, '') ?? '';
	const raw = cleanText(user?.name || bare || user?.email || '');
	// Keep it usable as a citizen name: one line (C0/C1 controls become spaces), bounded.
	const isControl = (c: string) => {
		const code = c.codePointAt(0) ?? 0;
		return code < 0x20 || (code >= 0x7f && code <= 0x9f);
	};
	return [...raw]
		.map((c) => (isControl(c) ? ' ' : c))
		.slice(0, DISPLAY_NAME_MAX)
		.join('')
		.trim();
}

async function describe(
	key: PrivateKey,
	armoredPrivate: string,
	name?: string
): Promise<Result<IdentityKey, IdentityErrorCode>> {
	const version = key.keyPacket.version;
	if (version !== 4 && version !== 6) {
		return err('key_unsupported', `OpenPGP v${version} keys are not supported`);
	}
	return ok({
		fingerprint: key.getFingerprint(),
		name: name ?? (await nameOf(key)),
		publicKey: key.toPublic().armor(),
		privateKey: armoredPrivate,
		createdAt: key.getCreationTime().getTime(),
		keyVersion: version
	});
}

/** openpgp reports a wrong passphrase only through its message text. */
function decryptError(error: unknown): Result<never, IdentityErrorCode> {
	const message = messageOf(error);
	return /passphrase/i.test(message)
		? err(
				'passphrase_wrong',
				'That passphrase does not unlock this key. Check it (and Caps Lock) and try again.',
				'passphrase'
			)
		: err('key_unsupported', `the key cannot be unlocked here: ${message}`);
}

async function protect(
	openpgp: OpenPGPModule,
	decrypted: PrivateKey,
	passphrase: string
): Promise<PrivateKey> {
	// v6 keys must be protected with AEAD (RFC 9580); GnuPG 2.2 only reads v4 keys anyway.
	const config = decrypted.keyPacket.version === 6 ? { aeadProtect: true } : KEY_CONFIG;
	return openpgp.encryptKey({ privateKey: decrypted, passphrase, config });
}

export type GenerateStep = 'checking' | 'loading' | 'generating' | 'done';
/** `label` is a short English sentence for a live region; `index` of `total` for a bar. */
export type GenerateProgress = { step: GenerateStep; label: string; index: number; total: number };
const GENERATE_STEPS: Record<GenerateStep, string> = {
	checking: 'Checking the name and passphrase…',
	loading: 'Loading the OpenPGP library…',
	generating: 'Making and protecting your key…',
	done: 'Your key is ready.'
};
const STEP_ORDER = Object.keys(GENERATE_STEPS) as GenerateStep[];

/** Make a new v4 Ed25519 identity, protected with `passphrase`. */
export async function generateIdentity(options: {
	name: string;
	passphrase: string;
	onProgress?: (progress: GenerateProgress) => void;
}): Promise<Result<IdentityKey, IdentityErrorCode>> {
	const report = (step: GenerateStep) => {
		try {
			options.onProgress?.({
				step,
				label: GENERATE_STEPS[step],
				index: STEP_ORDER.indexOf(step),
				total: STEP_ORDER.length
			});
		} catch {
			// A broken progress display must not break key generation.
		}
	};
	report('checking');
	const name = checkDisplayName(options.name);
	if (!name.ok) return name;
	const passphrase = checkNewPassphrase(options.passphrase);
	if (!passphrase.ok) return passphrase;

	report('loading');
	const openpgp = await library();
	if (!openpgp.ok) return openpgp;

	report('generating');
	try {
		const { privateKey } = await openpgp.value.generateKey({
			userIDs: [{ name: name.value }],
			passphrase: passphrase.value,
			format: 'object',
			config: KEY_CONFIG
		});
		const identity = await describe(privateKey, privateKey.armor(), name.value);
		if (identity.ok) report('done');
		return identity;
	} catch (error) {
		return err('crypto_failed', `the key could not be made: ${messageOf(error)}`);
	}
}

/** Read exactly one armored key, or say why not. */
async function readOneKey(
	openpgp: OpenPGPModule,
	armored: unknown
): Promise<Result<PublicKey | PrivateKey, IdentityErrorCode>> {
	if (typeof armored !== 'string' || armored.trim() === '') {
		return err('key_unreadable', 'Paste a key or choose a key file.', 'armored');
	}
	if (armored.length > MAX_IMPORT_CHARS) {
		return err('key_unreadable', 'This is too large to be one OpenPGP key.', 'armored');
	}
	// openpgp reads only the first armored block and would silently drop the rest.
	const blocks = armored.match(/^-----BEGIN PGP /gm)?.length ?? 0;
	if (blocks > 1) {
		return err(
			'key_unsupported',
			`This holds ${blocks} keys or blocks: export one key on its own and import that.`,
			'armored'
		);
	}
	if (armorChecksumMatches(armored) === false) {
		return err(
			'key_unreadable',
			'This key file is damaged: part of it changed on the way. Export the key again and import the new file.',
			'armored'
		);
	}
	let keys: (PublicKey | PrivateKey)[];
	try {
		keys = await openpgp.readKeys({ armoredKeys: armored.trim() });
	} catch {
		return err(
			'key_unreadable',
			'This is not a readable OpenPGP key: it may be cut short, or not a key at all.'
		);
	}
	const [key] = keys;
	if (!key) return err('key_unreadable', 'No key was found in this text.', 'armored');
	if (keys.length > 1) {
		return err('key_unsupported', `This holds ${keys.length} keys: export just one.`, 'armored');
	}
	return ok(key);
}

/** Sign and verify a probe, so a key that imports is a key that works for records. */
async function probe(openpgp: OpenPGPModule, decrypted: PrivateKey): Promise<boolean> {
	try {
		const bytes = new TextEncoder().encode('webocracy key check');
		const signature = await openpgp.sign({
			message: await openpgp.createMessage({ binary: bytes }),
			signingKeys: decrypted,
			detached: true,
			format: 'binary'
		});
		const { signatures } = await openpgp.verify({
			message: await openpgp.createMessage({ binary: bytes }),
			signature: await openpgp.readSignature({ binarySignature: signature }),
			verificationKeys: decrypted.toPublic(),
			date: null,
			format: 'binary'
		});
		const [first] = signatures;
		return first ? (await first.verified) === true : false;
	} catch {
		return false;
	}
}

/**
 * Bring in an armored private key made elsewhere (another device, GnuPG, any OpenPGP
 * tool). `passphrase` is its current passphrase and must unlock it. A key with no
 * passphrase is refused with `key_unprotected` unless `newPassphrase` is given, which
 * then protects it; `newPassphrase` also replaces the passphrase of a protected key.
 */
export async function importIdentity(options: {
	armored: string;
	passphrase: string;
	newPassphrase?: string;
}): Promise<Result<IdentityKey, IdentityErrorCode>> {
	const { passphrase, newPassphrase } = options;
	if (newPassphrase !== undefined) {
		const checked = checkNewPassphrase(newPassphrase);
		if (!checked.ok) return { ...checked, path: 'newPassphrase' };
	}
	const openpgp = await library();
	if (!openpgp.ok) return openpgp;
	const read = await readOneKey(openpgp.value, options.armored);
	if (!read.ok) return read;
	const key = read.value;
	if (!key.isPrivate()) {
		return err(
			'key_not_private',
			'This is a public key: import the private key (its first line says PRIVATE KEY).',
			'armored'
		);
	}
	const version = key.keyPacket.version;
	if (version !== 4 && version !== 6) {
		return err('key_unsupported', `OpenPGP v${version} keys are not supported`);
	}

	// Dummy packets (gpg --export-secret-subkeys) hold no secret; judge protection on the rest.
	const secrets = key
		.getKeys()
		.map((k) => k.keyPacket)
		.filter((p) => 'isDummy' in p && !p.isDummy());
	const open = secrets.filter((p) => p.isDecrypted());
	if (secrets.length === 0) {
		return err('key_unsupported', 'this private key holds no secret key material');
	}
	if (open.length > 0 && open.length < secrets.length) {
		return err('key_unsupported', 'this key is only partly passphrase-protected');
	}
	const unprotected = open.length === secrets.length;
	if (unprotected && newPassphrase === undefined) {
		return err(
			'key_unprotected',
			'this key has no passphrase; choose one to protect it',
			'newPassphrase'
		);
	}

	let decrypted: PrivateKey;
	if (unprotected) {
		decrypted = key;
	} else {
		if (typeof passphrase !== 'string' || passphrase === '') {
			return err('passphrase_wrong', 'this key needs its passphrase', 'passphrase');
		}
		try {
			decrypted = await openpgp.value.decryptKey({ privateKey: key, passphrase });
		} catch (error) {
			return decryptError(error);
		}
	}
	try {
		try {
			await decrypted.getSigningKey();
		} catch (error) {
			return err('key_unsupported', `this key cannot sign now: ${messageOf(error)}`);
		}
		if (!(await probe(openpgp.value, decrypted))) {
			return err('key_unsupported', 'this key did not produce a signature that verifies');
		}
		const armoredPrivate =
			newPassphrase === undefined
				? key.armor()
				: (await protect(openpgp.value, decrypted, newPassphrase)).armor();
		return await describe(key, armoredPrivate);
	} catch (error) {
		return err('crypto_failed', `the key could not be imported: ${messageOf(error)}`);
	} finally {
		clearSecrets(decrypted);
	}
}

/** Forget decrypted key material now rather than whenever the garbage collector runs. */
function clearSecrets(key: PrivateKey): void {
	// reason: PrivateKey.clearPrivateParams exists in openpgp 6 but is missing from its typings.
	const clear = (key as unknown as { clearPrivateParams?: () => void }).clearPrivateParams;
	try {
		if (typeof clear === 'function') clear.call(key);
	} catch {
		// Best effort: the reference is dropped either way.
	}
}

async function decryptStored(
	key: IdentityKey,
	passphrase: string
): Promise<Result<{ openpgp: OpenPGPModule; decrypted: PrivateKey }, IdentityErrorCode>> {
	const openpgp = await library();
	if (!openpgp.ok) return openpgp;
	let stored: PrivateKey;
	try {
		stored = await openpgp.value.readPrivateKey({ armoredKey: key.privateKey });
	} catch (error) {
		return err('key_unreadable', `the stored private key is unreadable: ${messageOf(error)}`);
	}
	if (stored.getFingerprint() !== key.fingerprint) {
		return err('key_unreadable', 'the stored private key does not match its fingerprint');
	}
	if (typeof passphrase !== 'string' || passphrase === '') {
		return err('passphrase_wrong', 'enter the passphrase', 'passphrase');
	}
	try {
		const decrypted = await openpgp.value.decryptKey({ privateKey: stored, passphrase });
		return ok({ openpgp: openpgp.value, decrypted });
	} catch (error) {
		return decryptError(error);
	}
}

export class IdentityLockedError extends Error {
	constructor() {
		super('the identity is locked; unlock it with its passphrase');
		this.name = 'IdentityLockedError';
	}
}

export type UnlockedIdentity = {
	readonly key: IdentityKey;
	readonly locked: boolean;
	/**
	 * Base64 of a binary detached OpenPGP signature over the UTF-8 bytes of `text`.
	 * Rejects with IdentityLockedError after lock().
	 */
	signText(text: string): Promise<string>;
	/** Forget the decrypted key. Idempotent. */
	lock(): void;
};

/** Decrypt the stored key for this session. */
export async function unlockIdentity(
	key: IdentityKey,
	passphrase: string
): Promise<Result<UnlockedIdentity, IdentityErrorCode>> {
	const unlocked = await decryptStored(key, passphrase);
	if (!unlocked.ok) return unlocked;
	const { openpgp } = unlocked.value;
	let secret: PrivateKey | null = unlocked.value.decrypted;
	const encoder = new TextEncoder();
	return ok({
		key,
		get locked() {
			return secret === null;
		},
		async signText(text: string): Promise<string> {
			const signingKey = secret;
			if (!signingKey) throw new IdentityLockedError();
			// Binary (not text-mode) signature: the exact bytes, which `gpg --verify` also checks.
			const message = await openpgp.createMessage({ binary: encoder.encode(text) });
			const signature = await openpgp.sign({
				message,
				signingKeys: signingKey,
				detached: true,
				format: 'binary'
			});
			return bytesToBase64(signature);
		},
		lock() {
			if (secret) clearSecrets(secret);
			secret = null;
		}
	});
}

/** Encode, check and sign a new record: what goes into the records map under `id`. */
export async function signRecord(
	unlocked: UnlockedIdentity,
	record: AnyRecord
): Promise<Result<{ id: string; entry: SignedEntry }, SignRecordError>> {
	const encoded = encodeRecord(record);
	if (!encoded.ok) return encoded;
	if (record.author !== unlocked.key.fingerprint) {
		return err('key_mismatch', 'the record names another author than this key', 'author');
	}
	if (unlocked.locked) return err('identity_locked', new IdentityLockedError().message);
	try {
		const signature = await unlocked.signText(encoded.value.text);
		return ok({ id: encoded.value.id, entry: { record: encoded.value.text, signature } });
	} catch (error) {
		return error instanceof IdentityLockedError
			? err('identity_locked', error.message)
			: err('sign_failed', `the record could not be signed: ${messageOf(error)}`);
	}
}

/** Re-protect a stored key with a new passphrase. */
export async function changePassphrase(
	key: IdentityKey,
	current: string,
	next: string
): Promise<Result<IdentityKey, IdentityErrorCode>> {
	const checked = checkNewPassphrase(next);
	if (!checked.ok) return checked;
	const unlocked = await decryptStored(key, current);
	if (!unlocked.ok) return unlocked;
	const { openpgp, decrypted } = unlocked.value;
	try {
		const privateKey = (await protect(openpgp, decrypted, next)).armor();
		return ok({ ...key, privateKey });
	} catch (error) {
		return err('crypto_failed', `the key could not be protected: ${messageOf(error)}`);
	} finally {
		clearSecrets(decrypted);
	}
}

/** Lowercase hex fingerprint of an armored key (public or private). */
export async function fingerprintOf(armored: string): Promise<Result<string, IdentityErrorCode>> {
	const openpgp = await library();
	if (!openpgp.ok) return openpgp;
	const key = await readOneKey(openpgp.value, armored);
	return key.ok ? ok(key.value.getFingerprint()) : key;
}
