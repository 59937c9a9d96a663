/**
 * The diagnostics page's reading of a store snapshot. A record without a verdict is either
 * still being checked (a large load is checked in chunks, and the snapshot shows the
 * records read so far) or waiting for its author's key, which no record here carries yet:
 * the store says which (`reason`).
 */
import type { CountryState, DiagnosticEntry } from '$lib/state';
import { formatTime, isoTime } from '$lib/ui/time';

export type Shown = 'valid' | 'invalid' | 'checking' | 'waiting';
export type Line = {
	entry: DiagnosticEntry;
	shown: Shown;
	message: string | null;
	/** The record's time as read, and for `<time datetime>` (null: beyond a Date's range). */
	time: { text: string; iso: string | null } | null;
};

const timeOf = (at: number | null): Line['time'] =>
	at === null ? null : { text: formatTime(at), iso: isoTime(at) };

export const CHECKING_MESSAGE = 'not checked yet: this device is still checking what it holds';

/**
 * `loading`: the store has not settled since it opened, or the snapshot is `partial`. Then a
 * pending record whose key is here is only waiting its turn. Once settled, every record
 * whose key is here has a verdict, so whatever is still pending waits for a key.
 */
export function diagnosticLines(
	snapshot: Pick<CountryState['snapshot'], 'diagnostics'> &
		Partial<Pick<CountryState['snapshot'], 'held'>>,
	loading: boolean
): { lines: Line[]; counts: Record<Shown, number>; unread: number } {
	const counts: Record<Shown, number> = { valid: 0, invalid: 0, checking: 0, waiting: 0 };
	const lines = snapshot.diagnostics.map((entry): Line => {
		if (entry.status !== 'pending') {
			counts[entry.status] += 1;
			return {
				entry,
				shown: entry.status,
				message: entry.status === 'invalid' ? entry.message : null,
				time: timeOf(entry.at)
			};
		}
		const shown: Shown = loading && entry.reason === 'checking' ? 'checking' : 'waiting';
		counts[shown] += 1;
		const message = shown === 'checking' ? CHECKING_MESSAGE : entry.message;
		return { entry, shown, message, time: timeOf(entry.at) };
	});
	// Held but not read yet (a large load reads in chunks): no line says so, the count does.
	const unread = Math.max(0, (snapshot.held ?? 0) - snapshot.diagnostics.length);
	return { lines, counts, unread };
}
