/**
 * A record whose signature has been checked against its author's key. Only the identity
 * module makes these (after verifying); views are derived from them alone.
 */
import type { AnyRecord, ParsedRecord } from './record';

declare const verifiedBrand: unique symbol;
export type Verified<R extends AnyRecord = AnyRecord> = ParsedRecord<R> & {
	readonly [verifiedBrand]: true;
};

/**
 * Escape hatch: brand a parsed record as verified WITHOUT checking its signature. Lint
 * allows it only in src/lib/identity (after it verified) and in tests.
 */
export const unsafeAssumeVerified = <R extends AnyRecord>(parsed: ParsedRecord<R>): Verified<R> =>
	parsed as Verified<R>;
