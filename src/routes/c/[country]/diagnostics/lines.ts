/**
 * The diagnostics page's reading of a store snapshot. A record without a verdict is either
 * still being checked (a large load is checked in chunks, and the snapshot shows the
 * records read so far) or waiting for its author's key, which no record here carries yet.
 * The snapshot says only "pending" for both; this tells them apart with what it does show.
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
 * pending record whose key is known (the self-keyed genesis and citizen records carry their
 * own; a citizen's, the founder's, or that of anyone with a valid record is known) is only
 * waiting its turn. Once settled, every key-holding record has a verdict, so whatever is
 * still pending waits for a key.
 */
export function diagnosticLines(
	snapshot: Pick<CountryState['snapshot'], 'country' | 'diagnostics'> &
		Partial<Pick<CountryState['snapshot'], 'held'>>,
	loading: boolean
): { lines: Line[]; counts: Record<Shown, number>; unread: number } {
	const counts: Record<Shown, number> = { valid: 0, invalid: 0, checking: 0, waiting: 0 };
	let keyed: Set<string> | null = null;
	const keyKnown = (entry: DiagnosticEntry) => {
		if (entry.kind === 'genesis' || entry.kind === 'citizen') return true;
		keyed ??= new Set([
			...snapshot.country.citizenByKey.keys(),
			...(snapshot.country.founder ? [snapshot.country.founder] : []),
			...snapshot.diagnostics.filter((d) => d.status === 'valid').map((d) => d.author)
		]);
		return keyed.has(entry.author);
	};
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
		// The store says why when it can; a snapshot that does not is read from what it shows.
		const checking = entry.reason ? entry.reason === 'checking' : keyKnown(entry);
		const shown: Shown = loading && checking ? 'checking' : 'waiting';
		counts[shown] += 1;
		const message = shown === 'checking' ? CHECKING_MESSAGE : entry.message;
		return { entry, shown, message, time: timeOf(entry.at) };
	});
	// Held but not read yet (a large load reads in chunks): no line says so, the count does.
	const unread = Math.max(0, (snapshot.held ?? 0) - snapshot.diagnostics.length);
	return { lines, counts, unread };
}
