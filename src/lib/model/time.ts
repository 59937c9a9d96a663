/** Record times as text: a record's `at` is any safe integer, a Date holds only ±8.64e15 ms. */

/** The years 0000–9999 in milliseconds since the epoch: where the ISO form has four digits. */
const YEAR_0 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;
const DAY_MS = 86_400_000;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * For a `<time datetime>` attribute: ISO 8601 in UTC, or null out of range. The same text as
 * `new Date(at).toISOString()`, computed with integer arithmetic for whole milliseconds in
 * years 0000–9999 (for the static site, Date's conversion was a tenth of the non-Markdown
 * rendering); Date for the rest.
 */
export function isoTime(at: number): string | null {
	if (!Number.isInteger(at) || at < YEAR_0 || at >= YEAR_10000) {
		const date = new Date(at);
		return Number.isNaN(date.getTime()) ? null : date.toISOString();
	}
	const days = Math.floor(at / DAY_MS);
	const ms = at - days * DAY_MS;
	// The proleptic Gregorian calendar in 400-year eras starting on March 1st, 0000 (day
	// -719,468 from the epoch), so that a leap day is the last day of its year.
	const fromEra0 = days + 719_468;
	const era = Math.floor(fromEra0 / 146_097);
	const dayOfEra = fromEra0 - era * 146_097;
	const yearOfEra = Math.floor(
		(dayOfEra -
			Math.floor(dayOfEra / 1460) +
			Math.floor(dayOfEra / 36_524) -
			Math.floor(dayOfEra / 146_096)) /
			365
	);
	const dayOfYear =
		dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const marchMonth = Math.floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - Math.floor((153 * marchMonth + 2) / 5) + 1;
	const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	const seconds = Math.floor(ms / 1000);
	const millis = ms - seconds * 1000;
	return (
		`${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}` +
		`T${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}` +
		`.${String(millis).padStart(3, '0')}Z`
	);
}
