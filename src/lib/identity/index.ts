/** Identity: OpenPGP keys, signing, and the only door from ParsedRecord to Verified. */
export {
	changePassphrase,
	checkDisplayName,
	checkNewPassphrase,
	fingerprintOf,
	generateIdentity,
	IdentityLockedError,
	importIdentity,
	MAX_IMPORT_CHARS,
	PASSPHRASE_MIN,
	signRecord,
	unlockIdentity,
	type GenerateProgress,
	type GenerateStep,
	type IdentityErrorCode,
	type IdentityKey,
	type SignRecordError,
	type UnlockedIdentity
} from './keys';
export {
	createVerifier,
	verifiedCacheKey,
	type PersistentVerifiedCache,
	type Verifier,
	type VerifierOptions,
	type VerifierStats,
	type VerifyItem
} from './verify';
export {
	createIdentityStore,
	createVerifiedCacheStore,
	type IdentityListing,
	type IdentityStore,
	type VerifiedCacheStore
} from './store';
