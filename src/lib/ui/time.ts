/**
 * Record times as people read them. A record's `at` is whatever its author's clock (or a
 * vandal) wrote: any safe integer, while a Date holds only ±8.64e15 ms around the epoch.
 * Past that `new Date(at)` is Invalid Date, which prints "Invalid Date" and makes
 * `toISOString()` throw; these helpers say what happened instead.
 */

/** The Date for `at`, or null when `at` is not a time a Date can hold. */
export function dateOf(at: number): Date | null {
	const date = new Date(at);
	return Number.isNaN(date.getTime()) ? null : date;
}

export { isoTime } from '../model/time';

/** How a time out of Date's range reads: the raw number, so nothing is hidden. */
export const outOfRange = (at: number): string => `time out of range (at = ${String(at)})`;

export type TimeStyle = 'datetime' | 'date' | 'time' | 'clock';

/**
 * `at` in the reader's locale: date and time (default), the date, the time of day, or the
 * hours and minutes alone (`clock`).
 */
export function formatTime(at: number, style: TimeStyle = 'datetime'): string {
	const date = dateOf(at);
	if (!date) return outOfRange(at);
	switch (style) {
		case 'date':
			return date.toLocaleDateString();
		case 'time':
			return date.toLocaleTimeString();
		case 'clock':
			return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
		default:
			return date.toLocaleString();
	}
}

/** A moment of this device's recent past: its time of day if today, else with the date. */
export function formatRecent(at: number, now = Date.now()): string {
	const date = dateOf(at);
	const today = dateOf(now);
	if (!date || !today) return outOfRange(at);
	return date.toDateString() === today.toDateString()
		? formatTime(at, 'clock')
		: `${formatTime(at, 'date')} ${formatTime(at, 'clock')}`;
}
