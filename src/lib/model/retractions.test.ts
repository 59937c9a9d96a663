/** Retractions in deriveCountry: R9, R28 (docs/records.md). */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash';
import type { RecordOf } from './record';
import type { Verified } from './verified';
import { person, verified, type Person } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import { openCountry, pageRecord, retractionRecord, verdict } from './fixtures/content';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const mallory = person('mallory');

type Post = Verified<RecordOf<'post'>>;

const c = openCountry(founder, [alice, bob]);
const elsewhere = openCountry(mallory, [alice]);
const post = (by: Person, at: number, replaces: { id: string } | null = null): Post =>
	verified(postRecord(c.id, { by, at, title: `post ${at}`, replaces: replaces?.id ?? null }));
const retract = (by: Person, at: number, target: { id: string }) =>
	verified(retractionRecord(c.id, { by, at, post: target }));

describe('[R28] only a post’s author retracts it', () => {
	const first = post(alice, 10);
	const edit = post(alice, 11, first);

	it('[R28] the author retracts their post: the retraction is valid, the post stays valid', () => {
		const retraction = retract(alice, 20, first);
		const view = c.derive(first, retraction);
		expect([verdict(view, retraction), verdict(view, first)]).toEqual(['valid', 'valid']);
	});

	it('[R28] naming any revision of the post is enough', () => {
		const retraction = retract(alice, 20, edit);
		expect(verdict(c.derive(first, edit, retraction), retraction)).toBe('valid');
	});

	it('[R28] a retraction dated before the post is still valid (time is no rule)', () => {
		const retraction = retract(alice, 1, first);
		expect(verdict(c.derive(first, retraction), retraction)).toBe('valid');
	});

	it('[R28] another citizen’s retraction is rejected edit_forbidden', () => {
		const retraction = retract(bob, 20, first);
		expect(verdict(c.derive(first, retraction), retraction)).toBe('edit_forbidden');
	});

	it('[R28] the founder cannot retract a citizen’s post either', () => {
		const retraction = retract(founder, 20, edit);
		expect(verdict(c.derive(first, edit, retraction), retraction)).toBe('edit_forbidden');
	});

	it('[R9] comes first: a non-citizen’s retraction is author_unknown', () => {
		const retraction = retract(mallory, 20, first);
		expect(verdict(c.derive(first, retraction), retraction)).toBe('author_unknown');
	});

	it('[R28] retracting someone else’s invalid post is edit_forbidden', () => {
		const hijack = post(bob, 12, first);
		const retraction = retract(alice, 20, hijack);
		const view = c.derive(first, hijack, retraction);
		expect(verdict(view, hijack)).toBe('edit_forbidden');
		expect(verdict(view, retraction)).toBe('edit_forbidden');
	});

	/** [name, what the retraction names, the records besides it] */
	const unknown: [name: string, target: () => { id: string }, present: () => Verified[]][] = [
		['a post that is not here', () => ({ id: sha256Hex('nothing') }), () => []],
		['a page', () => aPage, () => [aPage]],
		['a citizen record', () => c.citizens[1]!, () => []],
		['an invalid post of their own', () => orphan, () => [orphan]],
		['their post in another country', () => foreign, () => [foreign]]
	];
	const aPage = verified(pageRecord(c.id, { by: alice, at: 9 }));
	const orphan = post(alice, 9, { id: sha256Hex('lost') });
	const foreign = verified(postRecord(elsewhere.id, { by: alice, at: 9 }));

	it.each(unknown)(
		'[R28] a retraction of %s is rejected replaces_unknown',
		(_n, target, present) => {
			const retraction = retract(alice, 20, target());
			expect(verdict(c.derive(...present(), retraction), retraction)).toBe('replaces_unknown');
		}
	);

	it('[R28] a retraction that arrived first becomes valid when its post arrives', () => {
		const retraction = retract(alice, 20, edit);
		expect(verdict(c.derive(retraction, edit), retraction)).toBe('replaces_unknown');
		expect(verdict(c.derive(retraction, edit, first), retraction)).toBe('valid');
	});

	it('[R28] retracting twice is harmless: both retractions are valid', () => {
		const once = retract(alice, 20, first);
		const twice = retract(alice, 21, edit);
		const view = c.derive(first, edit, once, twice);
		expect([verdict(view, once), verdict(view, twice)]).toEqual(['valid', 'valid']);
	});
});
