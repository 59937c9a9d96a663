/**
 * The countries this device holds: a small local list (never synced), so the landing
 * page can offer them without opening every document. A corrupt list is reported and
 * the readable entries are kept.
 */
import { HEX64 } from '../model';

export type HeldCountry = {
	id: string;
	name: string;
	addedAt: number;
	/** The citizens' secret (encrypts the citizens room); carried in invite links. */
	secret: string;
	/** Signaling servers listed for this country, besides the app's own. */
	signaling: string[];
};

const KEY = 'webocracy:countries';

export type RegistryRead = { countries: HeldCountry[]; problem: string | null };

function isHeld(value: unknown): value is HeldCountry {
	const c = value as HeldCountry;
	return (
		typeof c === 'object' &&
		c !== null &&
		typeof c.id === 'string' &&
		HEX64.test(c.id) &&
		typeof c.name === 'string' &&
		typeof c.addedAt === 'number' &&
		typeof c.secret === 'string' &&
		Array.isArray(c.signaling) &&
		c.signaling.every((s) => typeof s === 'string')
	);
}

export function readHeldCountries(storage: Storage = localStorage): RegistryRead {
	let raw: string | null;
	try {
		raw = storage.getItem(KEY);
	} catch {
		return { countries: [], problem: 'This browser blocks local storage; nothing can be kept.' };
	}
	if (!raw) return { countries: [], problem: null };
	try {
		const list: unknown = JSON.parse(raw);
		if (!Array.isArray(list)) throw new Error('not a list');
		const countries = list.filter(isHeld);
		const problem =
			countries.length === list.length ? null : 'Some saved countries were unreadable and skipped.';
		return { countries, problem };
	} catch {
		return { countries: [], problem: 'The saved list of countries was unreadable.' };
	}
}

export function rememberCountry(country: HeldCountry, storage: Storage = localStorage): void {
	const { countries } = readHeldCountries(storage);
	const others = countries.filter((c) => c.id !== country.id);
	const existing = countries.find((c) => c.id === country.id);
	storage.setItem(
		KEY,
		JSON.stringify([...others, { ...country, addedAt: existing?.addedAt ?? country.addedAt }])
	);
}
