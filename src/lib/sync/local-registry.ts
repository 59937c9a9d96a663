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
	/**
	 * The citizens' secret (encrypts the citizens room); carried in invite links. Null when
	 * this device never learnt it (imported a public-only file): it stays out of that room.
	 */
	secret: string | null;
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
		(typeof c.secret === 'string' || c.secret === null) &&
		Array.isArray(c.signaling) &&
		c.signaling.every((s) => typeof s === 'string')
	);
}

/**
 * The held countries, in the order they were first remembered. Never throws: a browser
 * that blocks storage (where even reading `localStorage` throws) or a list that cannot be
 * read gives a `problem` to show, and whatever entries are readable.
 */
export function readHeldCountries(storage?: Storage): RegistryRead {
	let raw: string | null;
	try {
		raw = (storage ?? localStorage).getItem(KEY);
	} catch {
		return { countries: [], problem: 'This browser blocks local storage; nothing can be kept.' };
	}
	if (!raw) return { countries: [], problem: null };
	try {
		const list: unknown = JSON.parse(raw);
		if (!Array.isArray(list)) throw new Error('not a list');
		// One entry per id (the first): views key their lists by country id.
		const seen = new Set<string>();
		const countries = list.filter((entry): entry is HeldCountry => {
			if (!isHeld(entry) || seen.has(entry.id)) return false;
			seen.add(entry.id);
			return true;
		});
		const problem =
			countries.length === list.length ? null : 'Some saved countries were unreadable and skipped.';
		return { countries, problem };
	} catch {
		return { countries: [], problem: 'The saved list of countries was unreadable.' };
	}
}

/**
 * Add a country, or update one already held in place (its position and `addedAt` stay).
 * Unreadable entries are not written back. Throws if the browser refuses to store.
 */
export function rememberCountry(country: HeldCountry, storage: Storage = localStorage): void {
	const { countries } = readHeldCountries(storage);
	const existing = countries.find((c) => c.id === country.id);
	const next = existing
		? countries.map((c) => (c === existing ? { ...country, addedAt: existing.addedAt } : c))
		: [...countries, country];
	storage.setItem(KEY, JSON.stringify(next));
}
