/** `genesis`: founds a country. Self-signed by the founder; its id is the country id. */
import * as v from 'valibot';
import { armoredPublicKey, lineText, recordId } from '../schema';

export const GENESIS = 'genesis' as const;

export const ADMISSION = ['open', 'invite'] as const;
export type Admission = (typeof ADMISSION)[number];

export const COUNTRY_NAME_MAX = 80;

export const constitutionSchema = v.strictObject({
	/** `open`: anyone may become a citizen; `invite`: only with a citizen's one-time code. */
	admission: v.picklist(ADMISSION, 'must be "open" or "invite"'),
	seats: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(99)),
	termDays: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(3650))
});
export type Constitution = v.InferOutput<typeof constitutionSchema>;

export const genesisBodySchema = v.strictObject({
	name: lineText(1, COUNTRY_NAME_MAX),
	constitution: constitutionSchema,
	founderKey: armoredPublicKey,
	/** A seceding country names where it came from (the export issue fills this in). */
	parent: v.nullable(
		v.strictObject({
			country: recordId,
			/** recordSetDigest of the parent's valid records the new country starts from. */
			recordSet: recordId,
			records: v.pipe(v.number(), v.safeInteger(), v.minValue(1))
		})
	)
});
export type GenesisBody = v.InferOutput<typeof genesisBodySchema>;

/** A new genesis record (unsigned). Text is normalised; validation happens on encoding. */
export function makeGenesis(input: {
	author: string;
	at: number;
	name: string;
	constitution: Constitution;
	founderKey: string;
	parent?: GenesisBody['parent'];
}) {
	return {
		v: 1 as const,
		kind: GENESIS,
		country: '',
		author: input.author,
		at: input.at,
		body: {
			name: input.name.normalize('NFC').trim(),
			constitution: input.constitution,
			founderKey: input.founderKey,
			parent: input.parent ?? null
		}
	};
}
