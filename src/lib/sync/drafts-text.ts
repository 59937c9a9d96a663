/**
 * Binding a text field to a shared text: what one keystroke changed, as the smallest edit,
 * and where a caret moves when someone else's edit arrives. Pure (no Yjs, no DOM), so
 * concurrent typing merges character by character instead of one side's whole value winning.
 */

/** Replace `remove` UTF-16 units at `index` with `insert`. */
export type TextChange = { index: number; remove: number; insert: string };

/** A change to a shared text as Yjs describes it (Y.YTextEvent.delta). */
export type TextDelta = readonly { insert?: unknown; retain?: number; delete?: number }[];

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The single edit that turns `before` into `after`, or null when they are equal. `caret` is
 * where the caret stands in `after` (the end of what was typed): it decides where an edit
 * goes when the text alone cannot tell (typing "a" inside "aa"). The edit never cuts a
 * surrogate pair in two, so both sides stay well-formed UTF-16.
 */
export function diffText(before: string, after: string, caret?: number): TextChange | null {
	if (before === after) return null;
	const tailLimit = Math.min(
		before.length,
		after.length,
		caret === undefined ? Infinity : Math.max(0, after.length - caret)
	);
	let suffix = 0;
	while (
		suffix < tailLimit &&
		before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
	) {
		suffix++;
	}
	const headLimit = Math.min(before.length - suffix, after.length - suffix);
	let prefix = 0;
	while (prefix < headLimit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
	if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
	if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
	return {
		index: prefix,
		remove: before.length - suffix - prefix,
		insert: after.slice(prefix, after.length - suffix)
	};
}

/** `text` with `change` applied. */
export const applyChange = (text: string, change: TextChange): string =>
	text.slice(0, change.index) + change.insert + text.slice(change.index + change.remove);

/**
 * Where a position in the text before `delta` stands after it. Text inserted exactly at the
 * position goes after it (a caret stays where its owner left it); deleted text around it
 * pulls it to the start of the deletion.
 */
export function mapIndex(index: number, delta: TextDelta): number {
	let at = 0; // position in the old text
	let result = index;
	for (const op of delta) {
		if (at >= index) break;
		if (op.retain !== undefined) at += op.retain;
		else if (op.delete !== undefined) {
			result -= Math.min(op.delete, index - at);
			at += op.delete;
		} else if (op.insert !== undefined) {
			result += typeof op.insert === 'string' ? op.insert.length : 1;
		}
	}
	return Math.max(0, result);
}
