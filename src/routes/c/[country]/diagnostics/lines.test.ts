import { describe, expect, it } from 'vitest';
import type { DiagnosticEntry } from '$lib/state';
import { CHECKING_MESSAGE, diagnosticLines } from './lines';

const WAITING = 'the author’s key is not here yet';
/** A pending entry says why, as the store does: `checking` when its key is here. */
const entry = (
	id: string,
	kind: string,
	author: string,
	status: DiagnosticEntry['status'],
	reason: 'checking' | 'no_key' = 'checking'
) =>
	(status === 'invalid'
		? { id, kind, author, at: 1, status, code: 'signature_invalid', message: 'bad signature' }
		: status === 'pending'
			? { id, kind, author, at: 1, status, reason, message: WAITING }
			: { id, kind, author, at: 1, status }) as DiagnosticEntry;

const diagnostics = [
	entry('1', 'genesis', 'F', 'valid'),
	entry('2', 'post', 'V', 'valid'),
	entry('3', 'post', 'X', 'invalid'),
	entry('4', 'post', 'F', 'pending'), // the founder's key is here
	entry('5', 'post', 'C', 'pending'), // a citizen's
	entry('6', 'post', 'V', 'pending'), // V has a valid record
	entry('7', 'citizen', 'N', 'pending'), // carries its own key
	entry('8', 'post', 'U', 'pending', 'no_key') // nobody here holds U's key
];

describe('diagnosticLines', () => {
	it('while loading, a pending record whose key is known is still being checked', () => {
		const { lines, counts } = diagnosticLines({ diagnostics }, true);
		expect(lines.map((l) => l.shown)).toEqual([
			'valid',
			'valid',
			'invalid',
			'checking',
			'checking',
			'checking',
			'checking',
			'waiting'
		]);
		expect(counts).toEqual({ valid: 2, invalid: 1, checking: 4, waiting: 1 });
		expect(lines[3]!.message).toBe(CHECKING_MESSAGE);
		expect(lines[7]!.message).toBe(WAITING);
		expect(lines[2]!.message).toBe('bad signature');
		expect(lines[0]!.message).toBeNull();
	});

	it('once settled, whatever is still pending waits for its key', () => {
		const { counts, lines } = diagnosticLines({ diagnostics }, false);
		expect(counts).toEqual({ valid: 2, invalid: 1, checking: 0, waiting: 5 });
		expect(lines.filter((l) => l.shown === 'waiting').every((l) => l.message === WAITING)).toBe(
			true
		);
	});

	it('takes the store’s reason when it gives one, and counts what is held but not read yet', () => {
		const said = [
			{ ...entry('4', 'post', 'F', 'pending'), reason: 'no_key' }, // key known, yet no_key
			{ ...entry('8', 'post', 'U', 'pending'), reason: 'checking' } // unknown, yet checking
		] as DiagnosticEntry[];
		const { lines, unread } = diagnosticLines({ diagnostics: said, held: 5 }, true);
		expect(lines.map((l) => l.shown)).toEqual(['waiting', 'checking']);
		expect(unread).toBe(3);
		expect(diagnosticLines({ diagnostics: said, held: 1 }, true).unread).toBe(0);
	});

	it('nothing held: all zero', () => {
		expect(diagnosticLines({ diagnostics: [] }, true).counts).toEqual({
			valid: 0,
			invalid: 0,
			checking: 0,
			waiting: 0
		});
	});

	it('times: as read, with an ISO form for <time>, and out of range said as such', () => {
		const far = { ...entry('9', 'post', 'U', 'pending'), at: Number.MAX_SAFE_INTEGER };
		const none = { ...entry('10', '?', '', 'invalid'), at: null };
		const [near, beyond, missing] = diagnosticLines(
			{ diagnostics: [entry('1', 'genesis', 'F', 'valid'), far, none] },
			false
		).lines;
		expect(near!.time).toEqual({
			text: new Date(1).toLocaleString(),
			iso: '1970-01-01T00:00:00.001Z'
		});
		expect(beyond!.time).toEqual({ text: 'time out of range (at = 9007199254740991)', iso: null });
		expect(missing!.time).toBeNull();
	});
});
