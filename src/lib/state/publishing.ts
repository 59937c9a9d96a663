/**
 * Sign a record, check it against the country as this device sees it, and only then
 * publish it: a record that every peer would reject never enters the shared document.
 */
import { signRecord } from '../identity';
import {
	deriveCountry,
	err,
	ok,
	parseEntry,
	type AnyRecord,
	type Result,
	type SignedEntry,
	type Verified
} from '../model';
import type { AppState } from './app.svelte';
import type { CountryState } from './country.svelte';

export async function publishChecked(
	app: AppState,
	country: CountryState,
	record: AnyRecord
): Promise<Result<string, string>> {
	const checked = await signVerified(app, record);
	if (!checked.ok) return checked;
	const { signed, verified } = checked.value;
	const preview = deriveCountry(country.id, [...country.view.valid.values(), verified]);
	const rejection = preview.rejected.find((r) => r.id === signed.id);
	if (rejection) return err(rejection.code, rejection.message);
	const [verdict] = await country.publish([signed]);
	if (verdict?.status === 'invalid') return err(verdict.code, verdict.message);
	return ok(signed.id);
}

/** Sign a record with the unlocked identity and verify the signature as any peer would. */
export async function signVerified(
	app: AppState,
	record: AnyRecord
): Promise<Result<{ signed: { id: string; entry: SignedEntry }; verified: Verified }, string>> {
	const unlocked = app.identity.unlocked;
	if (!unlocked) return err('locked', 'Unlock your identity first.');
	const signed = await signRecord(unlocked, record);
	if (!signed.ok) return signed;
	const parsed = parseEntry(signed.value.id, signed.value.entry);
	if (!parsed.ok) return parsed;
	const [verified] = await app.verifier.verifyMany([
		{ parsed: parsed.value, publicKey: unlocked.key.publicKey }
	]);
	if (!verified?.ok) return verified ?? err('signature_invalid', 'Could not verify the signature.');
	return ok({ signed: signed.value, verified: verified.value });
}
