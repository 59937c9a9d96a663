/**
 * Sign records, check them against the country as this device sees it, and only then
 * publish them: a record that every peer would reject never enters the shared document.
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
	const unlocked = app.identity.unlocked;
	if (!unlocked) return err('locked', 'Unlock your identity first.');
	const signed: { id: string; entry: SignedEntry }[] = [];
	const verified: Verified[] = [];
	for (const record of records) {
		const one = await signRecord(unlocked, record);
		if (!one.ok) return one;
		const parsed = parseEntry(one.value.id, one.value.entry);
		if (!parsed.ok) return parsed;
		const [checked] = await app.verifier.verifyMany([
			{ parsed: parsed.value, publicKey: unlocked.key.publicKey }
		]);
		if (!checked?.ok) return checked ?? err('signature_invalid', 'Could not verify the signature.');
		signed.push(one.value);
		verified.push(checked.value);
	}
	const preview = deriveCountry(country.id, [...country.view.valid.values(), ...verified]);
	const ids = new Set(signed.map((s) => s.id));
	const rejection = preview.rejected.find((r) => ids.has(r.id));
	if (rejection) return err(rejection.code, rejection.message);
	const published = await country.publish(signed);
	if (!published.ok) return published;
	const refused = published.value.find((v) => v.status === 'invalid');
	if (refused?.status === 'invalid') return err(refused.code, refused.message);
	return ok(signed.map((s) => s.id));
}
