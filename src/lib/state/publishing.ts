/**
 * Sign records, check them against the country as this device sees it, and only then
 * publish them: a record that every peer would reject never enters the shared document.
 */
import { signRecord } from '../identity';
import {
	err,
	extendCountry,
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
	const published = await publishAllChecked(app, country, [record]);
	return published.ok ? ok(published.value[0]!) : published;
}

/**
 * Several records that are valid only together (the parts of one election result): all are
 * checked with each other, and published together or not at all.
 */
export async function publishAllChecked(
	app: AppState,
	country: CountryState,
	records: readonly AnyRecord[]
): Promise<Result<string[], string>> {
	const signed: { id: string; entry: SignedEntry }[] = [];
	const verified: Verified[] = [];
	for (const record of records) {
		const checked = await signVerified(app, record);
		if (!checked.ok) return checked;
		signed.push(checked.value.signed);
		verified.push(checked.value.verified);
	}
	// The country as it would be with these records: a few new posts extend the view this
	// device holds; anything else derives it again.
	const preview = extendCountry(
		country.view,
		[...country.view.valid.values(), ...verified],
		verified
	);
	const ids = new Set(signed.map((s) => s.id));
	const rejection = preview.rejected.find((r) => ids.has(r.id));
	if (rejection) return err(rejection.code, rejection.message);
	const published = await country.publish(signed);
	if (!published.ok) return published;
	const refused = published.value.find((v) => v.status === 'invalid');
	if (refused?.status === 'invalid') return err(refused.code, refused.message);
	return ok(signed.map((s) => s.id));
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
