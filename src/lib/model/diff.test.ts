import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines, DIFF_MAX_WORK, joinLines, splitLines, type DiffOp } from './diff';

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
