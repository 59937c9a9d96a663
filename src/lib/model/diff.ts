/**
 * A line diff for page and post history: Myers' O(ND) algorithm on the lines between the
 * common prefix and suffix, with a bound on the work so a huge or wholly rewritten text
 * cannot hang the page: past the bound, the differing middle is shown as one block deleted
 * and one block added. Either way the result is exact: the `same` and `del` lines are `a`,
 * the `same` and `add` lines are `b`.
 */

export type DiffOp = { op: 'same' | 'add' | 'del'; text: string };

/**
 * How many comparison steps Myers may take (its cost is about D² + (N + M)·D for D
 * differing lines among N + M). 1,000,000 steps take milliseconds and at most ~8 MB.
 */
export const DIFF_MAX_WORK = 1_000_000;

/** A text's lines, split at `\n` (a `\r` stays in its line); the empty text has none. */
export const splitLines = (text: string): string[] => (text === '' ? [] : text.split('\n'));
/** The inverse of `splitLines`. */
export const joinLines = (lines: readonly string[]): string => lines.join('\n');

/** The lines of `a` and `b` in order, each marked same, deleted (only in a) or added (only in b). */
export function diffLines(a: string, b: string, options: { maxWork?: number } = {}): DiffOp[] {
	const la = splitLines(a);
	const lb = splitLines(b);
	let start = 0;
	while (start < la.length && start < lb.length && la[start] === lb[start]) start++;
	let endA = la.length;
	let endB = lb.length;
	while (endA > start && endB > start && la[endA - 1] === lb[endB - 1]) {
		endA--;
		endB--;
	}
	const ops: DiffOp[] = la.slice(0, start).map((text) => ({ op: 'same', text }));
	const midA = la.slice(start, endA);
	const midB = lb.slice(start, endB);
	const middle =
		midA.length && midB.length ? myers(midA, midB, options.maxWork ?? DIFF_MAX_WORK) : null;
	if (middle) ops.push(...middle);
	else {
		for (const text of midA) ops.push({ op: 'del', text });
		for (const text of midB) ops.push({ op: 'add', text });
	}
	for (const text of la.slice(endA)) ops.push({ op: 'same', text });
	return ops;
}

/** A shortest edit script from `a` to `b`, or null when it would take more than `maxWork`. */
function myers(a: readonly string[], b: readonly string[], maxWork: number): DiffOp[] | null {
	// Compare small integers rather than strings.
	const ids = new Map<string, number>();
	const intern = (line: string) => {
		let id = ids.get(line);
		if (id === undefined) ids.set(line, (id = ids.size));
		return id;
	};
	const x0 = Int32Array.from(a, intern);
	const y0 = Int32Array.from(b, intern);
	const n = x0.length;
	const m = y0.length;
	const max = n + m;
	// v[k + max]: the furthest x reached on diagonal k = x - y.
	const v = new Int32Array(2 * max + 2);
	// trace[d]: v before round d, for diagonals -d-1 … d+1 (all that backtracking reads).
	const trace: Int32Array[] = [];
	let work = 0;
	let found = -1;
	for (let d = 0; d <= max && found < 0; d++) {
		trace.push(v.slice(max - d - 1 < 0 ? 0 : max - d - 1, max + d + 2));
		work += 2 * d + 3;
		for (let k = -d; k <= d; k += 2) {
			let x =
				k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!)
					? v[max + k + 1]!
					: v[max + k - 1]! + 1;
			let y = x - k;
			while (x < n && y < m && x0[x] === y0[y]) {
				x++;
				y++;
				work++;
			}
			v[max + k] = x;
			if (x >= n && y >= m) {
				found = d;
				break;
			}
		}
		if (work > maxWork) return null;
	}
	// Walk back from (n, m) through the rounds, emitting operations in reverse.
	const reversed: DiffOp[] = [];
	let x = n;
	let y = m;
	for (let d = found; d >= 0; d--) {
		const snapshot = trace[d]!;
		const base = max - d - 1 < 0 ? -max : -d - 1; // diagonal of snapshot[0]
		const at = (k: number) => snapshot[k - base]!;
		const k = x - y;
		const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
		const prevX = d === 0 ? 0 : at(prevK);
		const prevY = d === 0 ? 0 : prevX - prevK;
		while (x > prevX && y > prevY) {
			reversed.push({ op: 'same', text: a[x - 1]! });
			x--;
			y--;
		}
		if (d === 0) break;
		if (x === prevX) reversed.push({ op: 'add', text: b[y - 1]! });
		else reversed.push({ op: 'del', text: a[x - 1]! });
		x = prevX;
		y = prevY;
	}
	return reversed.reverse();
}

/** A stretch of a diff to show: changed lines with some context, or unchanged lines left out. */
export type DiffHunk =
	| { kind: 'lines'; ops: DiffOp[]; oldStart: number; newStart: number }
	| { kind: 'skip'; count: number };

/**
 * The diff as people read it: every changed line with up to `context` unchanged lines around
 * it; longer unchanged stretches become one `skip` saying how many lines were left out.
 * `oldStart`/`newStart` are 1-based line numbers of a stretch's first line in `a` and `b`.
 */
export function diffHunks(ops: readonly DiffOp[], context = 3): DiffHunk[] {
	// Which ops to show: the changed ones and those within `context` of one.
	const shown = new Uint8Array(ops.length);
	let lastChange = -Infinity;
	ops.forEach((o, i) => {
		if (o.op !== 'same') lastChange = i;
		if (i - lastChange <= context) shown[i] = 1;
	});
	let nextChange = Infinity;
	for (let i = ops.length - 1; i >= 0; i--) {
		if (ops[i]!.op !== 'same') nextChange = i;
		if (nextChange - i <= context) shown[i] = 1;
	}
	const hunks: DiffHunk[] = [];
	let oldLine = 1;
	let newLine = 1;
	for (let i = 0; i < ops.length;) {
		const start = i;
		while (i < ops.length && shown[i] === shown[start]) i++;
		const run = ops.slice(start, i);
		if (shown[start]) hunks.push({ kind: 'lines', ops: run, oldStart: oldLine, newStart: newLine });
		else hunks.push({ kind: 'skip', count: run.length });
		for (const o of run) {
			if (o.op !== 'add') oldLine++;
			if (o.op !== 'del') newLine++;
		}
	}
	return hunks;
}

/** One change one side made to the base: base lines [start, end) became `lines`. */
type Change = { start: number; end: number; lines: string[] };

function changesOf(ops: readonly DiffOp[]): Change[] {
	const changes: Change[] = [];
	let at = 0;
	let open: Change | null = null;
	for (const o of ops) {
		if (o.op === 'same') {
			open = null;
			at++;
			continue;
		}
		if (!open) changes.push((open = { start: at, end: at, lines: [] }));
		if (o.op === 'del') open.end = ++at;
		else open.lines.push(o.text);
	}
	return changes;
}

/** `base` lines [start, end) with the given changes (all inside that range) applied. */
function applyChanges(base: readonly string[], start: number, end: number, changes: Change[]) {
	const out: string[] = [];
	let at = start;
	for (const c of changes) {
		out.push(...base.slice(at, c.start), ...c.lines);
		at = c.end;
	}
	out.push(...base.slice(at, end));
	return out;
}

/** Compared as lists: `['']` (one empty line) and `[]` (none) join to the same text. */
const sameLines = (x: readonly string[], y: readonly string[]) =>
	x.length === y.length && x.every((line, i) => line === y[i]);

export type MergeResult = { text: string; conflicts: number };

/**
 * A three-way line merge: what `a` and `b` each changed from their common `base`, together.
 * Changes to different places are both kept; where both changed the same or neighbouring
 * lines differently, both texts are kept between conflict markers naming `labels`, for a
 * person to settle. Deterministic; with no conflict, the result has every change of both.
 */
export function mergeLines(
	base: string,
	a: string,
	b: string,
	labels: { a: string; b: string } = { a: 'a', b: 'b' }
): MergeResult {
	const lines = splitLines(base);
	const tagged = [
		...changesOf(diffLines(base, a)).map((c) => ({ ...c, side: 'a' as const })),
		...changesOf(diffLines(base, b)).map((c) => ({ ...c, side: 'b' as const }))
	].sort((x, y) => x.start - y.start || x.end - y.end);
	const out: string[] = [];
	let at = 0;
	let conflicts = 0;
	for (let i = 0; i < tagged.length;) {
		// A group: changes whose base ranges overlap or touch, so neither can be taken alone.
		const start = tagged[i]!.start;
		let end = tagged[i]!.end;
		let j = i + 1;
		while (j < tagged.length && tagged[j]!.start <= end) end = Math.max(end, tagged[j++]!.end);
		const group = tagged.slice(i, j);
		i = j;
		out.push(...lines.slice(at, start));
		at = end;
		const fromA = applyChanges(
			lines,
			start,
			end,
			group.filter((c) => c.side === 'a')
		);
		const fromB = applyChanges(
			lines,
			start,
			end,
			group.filter((c) => c.side === 'b')
		);
		const onlyA = group.every((c) => c.side === 'a');
		const onlyB = group.every((c) => c.side === 'b');
		if (onlyA || sameLines(fromA, fromB)) out.push(...fromA);
		else if (onlyB) out.push(...fromB);
		else {
			conflicts++;
			out.push(`<<<<<<< ${labels.a}`, ...fromA, '=======', ...fromB, `>>>>>>> ${labels.b}`);
		}
	}
	out.push(...lines.slice(at));
	return { text: joinLines(out), conflicts };
}
