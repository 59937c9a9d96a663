/**
 * Counts as people read them: "1 ballot", "3 ballots", "0 ballots", never "ballot(s)". The
 * app speaks English, where only exactly one takes the singular.
 */

/** The word that goes with `n`: `plural(n, 'was', 'were')`, `plural(n, 'reply', 'replies')`. */
export function plural(n: number, one: string, many = `${one}s`): string {
	return n === 1 ? one : many;
}

/**
 * `n` and its noun: `count(1, 'seat')` is "1 seat", `count(2, 'entry', 'entries')` "2 entries".
 * Digits grouped the English way ("1,000"), whatever the browser's locale: the text is English.
 */
export function count(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en')} ${plural(n, one, many)}`;
}
