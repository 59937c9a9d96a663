import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	diffHunks,
	diffLines,
	DIFF_MAX_WORK,
	joinLines,
	mergeLines,
	splitLines,
	type DiffHunk,
	type DiffOp
} from './diff';

/** The two texts a diff describes: `same` + `del` lines are a, `same` + `add` lines are b. */
const sides = (ops: DiffOp[]) => ({
	a: joinLines(ops.filter((o) => o.op !== 'add').map((o) => o.text)),
	b: joinLines(ops.filter((o) => o.op !== 'del').map((o) => o.text))
});
const changes = (ops: DiffOp[]) => ops.filter((o) => o.op !== 'same').length;

/** Length of a longest common subsequence of lines (quadratic; for small inputs). */
function lcs(a: string[], b: string[]): number {
	const row = new Array<number>(b.length + 1).fill(0);
	for (const x of a) {
		let diag = 0;
		for (let j = 1; j <= b.length; j++) {
			const up = row[j]!;
			row[j] = x === b[j - 1] ? diag + 1 : Math.max(row[j]!, row[j - 1]!);
			diag = up;
		}
	}
	return row[b.length]!;
}

describe('diffLines', () => {
	/** [name, a, b, expected ops as 'op text' strings] */
	const cases: [name: string, a: string, b: string, ops: string[]][] = [
		['two empty texts', '', '', []],
		['equal texts', 'a\nb', 'a\nb', ['same a', 'same b']],
		['from nothing', '', 'a\nb', ['add a', 'add b']],
		['to nothing', 'a\nb', '', ['del a', 'del b']],
		['a line added in the middle', 'a\nc', 'a\nb\nc', ['same a', 'add b', 'same c']],
		['a line removed at the start', 'a\nb\nc', 'b\nc', ['del a', 'same b', 'same c']],
		['a line changed', 'a\nb\nc', 'a\nB\nc', ['same a', 'del b', 'add B', 'same c']],
		['a trailing newline added', 'a', 'a\n', ['same a', 'add ']],
		['an empty line is a line', '\n', '', ['del ', 'del ']],
		['\\r stays in its line', 'a\r\nb', 'a\nb', ['del a\r', 'add a', 'same b']],
		[
			'lines moved (a shortest script)',
			'a\nb\nc\nd',
			'b\nc\na\nd',
			['del a', 'same b', 'same c', 'add a', 'same d']
		]
	];

	it.each(cases)('%s', (_name, a, b, expected) => {
		const ops = diffLines(a, b);
		expect(ops.map((o) => `${o.op} ${o.text}`)).toEqual(expected);
		expect(sides(ops)).toEqual({ a, b });
	});

	it('splitLines and joinLines are inverses; the empty text has no lines', () => {
		expect(splitLines('')).toEqual([]);
		expect(splitLines('\n')).toEqual(['', '']);
		fc.assert(
			fc.property(fc.string(), (s) => {
				expect(joinLines(splitLines(s))).toBe(s);
			}),
			{ seed: 0xd1ff, numRuns: 300 }
		);
	});

	// Texts over a small alphabet of lines, so that they share lines and differ in places.
	const line = fc.constantFrom('a', 'b', 'c', '', '# title', 'x\r');
	const text = fc.array(line, { maxLength: 25 }).map(joinLines);

	for (const seed of [0xd1ff, 0x11e5]) {
		it(`round-trips: the ops give back a and b (seed ${seed})`, () => {
			fc.assert(
				fc.property(text, text, (a, b) => {
					expect(sides(diffLines(a, b))).toEqual({ a, b });
				}),
				{ seed, numRuns: 500 }
			);
		});

		it(`changes as few lines as possible: |a| + |b| − 2·LCS (seed ${seed})`, () => {
			fc.assert(
				fc.property(text, text, (a, b) => {
					const [la, lb] = [splitLines(a), splitLines(b)];
					expect(changes(diffLines(a, b))).toBe(la.length + lb.length - 2 * lcs(la, lb));
				}),
				{ seed, numRuns: 500 }
			);
		});

		it(`round-trips with a tiny work bound too, falling back to a block replace (seed ${seed})`, () => {
			fc.assert(
				fc.property(text, text, fc.nat(40), (a, b, maxWork) => {
					expect(sides(diffLines(a, b, { maxWork }))).toEqual({ a, b });
				}),
				{ seed, numRuns: 500 }
			);
		});
	}

	it('past the work bound, the differing middle is one block deleted and one added', () => {
		const a = ['same', ...Array.from({ length: 50 }, (_, i) => `old ${i}`), 'end'].join('\n');
		const b = ['same', ...Array.from({ length: 50 }, (_, i) => `new ${i}`), 'end'].join('\n');
		const ops = diffLines(a, b, { maxWork: 100 });
		expect(ops.map((o) => o.op)).toEqual([
			'same',
			...Array(50).fill('del'),
			...Array(50).fill('add'),
			'same'
		]);
		// Within the bound the result is the same here (nothing in common in the middle).
		expect(diffLines(a, b)).toEqual(ops);
	});

	it('a whole rewrite of 100,000 lines returns quickly and round-trips', () => {
		const a = Array.from({ length: 100_000 }, (_, i) => `line ${i}`).join('\n');
		const b = Array.from({ length: 100_000 }, (_, i) => `other ${i % 7} ${i}`).join('\n');
		// CPU time, not wall time: a busy machine slows the clock, not the work.
		const started = process.cpuUsage();
		const ops = diffLines(a, b);
		const used = process.cpuUsage(started);
		expect((used.user + used.system) / 1000).toBeLessThan(3000);
		expect(sides(ops)).toEqual({ a, b });
		expect(changes(ops)).toBe(200_000);
	});

	it('a small edit in a large text is found exactly', () => {
		const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i % 1000}`);
		const edited = [...lines];
		edited.splice(50_000, 1, 'changed');
		edited.splice(70_000, 0, 'inserted');
		const ops = diffLines(joinLines(lines), joinLines(edited));
		expect(ops.filter((o) => o.op !== 'same')).toEqual([
			{ op: 'del', text: 'line 0' },
			{ op: 'add', text: 'changed' },
			{ op: 'add', text: 'inserted' }
		]);
		expect(DIFF_MAX_WORK).toBeGreaterThan(0);
	});
});

describe('diffHunks', () => {
	const lines = (n: number, prefix = 'line') =>
		Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n');
	/** A hunk list as short strings: `@old,new op text…` for lines, `…n` for a skip. */
	const show = (hunks: DiffHunk[]) =>
		hunks.map((h) =>
			h.kind === 'skip'
				? `…${h.count}`
				: `@${h.oldStart},${h.newStart} ${h.ops.map((o) => `${o.op[0]}${o.text}`).join('|')}`
		);

	/** [name, a, b, context, expected] */
	const cases: [name: string, a: string, b: string, context: number, hunks: string[]][] = [
		['no change: all left out', lines(5), lines(5), 1, ['…5']],
		['no lines at all', '', '', 3, []],
		['a new text is all shown', '', 'a\nb', 3, ['@1,1 aa|ab']],
		[
			'one change in the middle keeps its context',
			lines(9),
			lines(9).replace('line 5', 'five'),
			2,
			['…2', '@3,3 sline 3|sline 4|dline 5|afive|sline 6|sline 7', '…2']
		],
		[
			'two changes close together make one stretch',
			lines(6),
			lines(6).replace('line 2', 'two').replace('line 5', 'five'),
			1,
			['@1,1 sline 1|dline 2|atwo|sline 3|sline 4|dline 5|afive|sline 6']
		],
		[
			'line numbers follow insertions and deletions',
			'a\nb\nc\nd\ne\nf\ng\nh',
			'x\ny\na\nb\nc\nd\ne\nf\nh',
			0,
			['@1,1 ax|ay', '…6', '@7,9 dg', '…1']
		],
		['context 0 shows only changes', 'a\nb\nc', 'a\nB\nc', 0, ['…1', '@2,2 db|aB', '…1']]
	];

	it.each(cases)('%s', (_name, a, b, context, expected) => {
		expect(show(diffHunks(diffLines(a, b), context))).toEqual(expected);
	});

	it('keeps every op once, in order: the stretches and skips add up to the diff', () => {
		fc.assert(
			fc.property(
				fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 30 }),
				fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 30 }),
				fc.nat(4),
				(a, b, context) => {
					const ops = diffLines(a.join('\n'), b.join('\n'));
					const hunks = diffHunks(ops, context);
					const kept = hunks.flatMap((h) => (h.kind === 'lines' ? h.ops : []));
					const skipped = hunks.reduce((n, h) => n + (h.kind === 'skip' ? h.count : 0), 0);
					expect(kept.length + skipped).toBe(ops.length);
					expect(kept.filter((o) => o.op !== 'same')).toEqual(ops.filter((o) => o.op !== 'same'));
					expect(hunks.every((h, i) => h.kind === 'lines' || hunks[i + 1]?.kind !== 'skip')).toBe(
						true
					);
				}
			),
			{ seed: 11, numRuns: 300 }
		);
	});
});

describe('mergeLines', () => {
	const L = (...lines: string[]) => lines.join('\n');
	const base = L('one', 'two', 'three', 'four', 'five', 'six');
	const labels = { a: 'version by Ada', b: 'version by Bob' };
	/** [name, a, b, merged text, conflicts] */
	const cases: [name: string, a: string, b: string, merged: string, conflicts: number][] = [
		[
			'changes far apart are both kept',
			base.replace('one', 'ONE'),
			base.replace('six', 'SIX'),
			L('ONE', 'two', 'three', 'four', 'five', 'SIX'),
			0
		],
		[
			'a line added by one and one removed by the other',
			L('zero', base),
			base.replace('\nfive', ''),
			L('zero', 'one', 'two', 'three', 'four', 'six'),
			0
		],
		[
			'the same change on both sides is taken once',
			base.replace('three', '3'),
			base.replace('three', '3'),
			base.replace('three', '3'),
			0
		],
		[
			'the same line changed differently is a conflict with both texts',
			base.replace('three', 'THREE'),
			base.replace('three', '3'),
			L(
				'one',
				'two',
				'<<<<<<< version by Ada',
				'THREE',
				'=======',
				'3',
				'>>>>>>> version by Bob',
				'four',
				'five',
				'six'
			),
			1
		],
		[
			'neighbouring lines changed on both sides are a conflict too',
			base.replace('two', 'TWO'),
			base.replace('three', '3'),
			L(
				'one',
				'<<<<<<< version by Ada',
				'TWO',
				'three',
				'=======',
				'two',
				'3',
				'>>>>>>> version by Bob',
				'four',
				'five',
				'six'
			),
			1
		],
		[
			'two texts with no common base: one conflict holding both',
			'x',
			'y',
			L('<<<<<<< version by Ada', 'x', '=======', 'y', '>>>>>>> version by Bob'),
			1
		]
	];

	it.each(cases)('%s', (_name, a, b, merged, conflicts) => {
		const from = _name.includes('no common base') ? '' : base;
		expect(mergeLines(from, a, b, labels)).toEqual({ text: merged, conflicts });
	});

	const text = fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 12 }).map(joinLines);
	it('an unchanged side takes the other; equal sides merge to themselves', () => {
		fc.assert(
			fc.property(text, text, (o, x) => {
				expect(mergeLines(o, o, x)).toEqual({ text: x, conflicts: 0 });
				expect(mergeLines(o, x, o)).toEqual({ text: x, conflicts: 0 });
				expect(mergeLines(o, x, x)).toEqual({ text: x, conflicts: 0 });
			}),
			{ seed: 17, numRuns: 500 }
		);
	});
});
