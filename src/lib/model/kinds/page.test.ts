import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord, MAX_RECORD_BYTES } from '../record';
import type { ReasonCode } from '../result';
import {
	makePage,
	PAGE_BODY_MAX,
	PAGE_PARENTS_MAX,
	PAGE_SLUG,
	PAGE_SLUG_MAX,
	PAGE_TITLE_MAX,
	slugFromTitle
} from './page';
import { person, REMOVE, withPath } from '../fixtures/records';
import { pageRecord } from '../fixtures/content';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const page = pageRecord(COUNTRY, { by: alice, at: 5, slug: 'about', title: 'About us' });
/** `n` distinct record ids in ascending order. */
const ids = (n: number) => Array.from({ length: n }, (_, i) => sha256Hex(`parent ${i}`)).sort();

describe('page body [R18]', () => {
	/** [name, field to set, value, the path the error names (default: the field)] */
	type Case = [name: string, field: string, value: unknown, path?: string];
	const refused: Case[] = [
		['slug missing', 'body.slug', REMOVE],
		['slug empty', 'body.slug', ''],
		['slug of 65 characters', 'body.slug', 'x'.repeat(PAGE_SLUG_MAX + 1)],
		['slug in capitals', 'body.slug', 'About'],
		['slug with a space', 'body.slug', 'about us'],
		['slug with /', 'body.slug', 'about/us'],
		['slug with _', 'body.slug', 'about_us'],
		['slug with a dot', 'body.slug', 'about.html'],
		['slug starting with -', 'body.slug', '-about'],
		['slug ending with -', 'body.slug', 'about-'],
		['slug with --', 'body.slug', 'about--us'],
		['slug with a non-ASCII letter', 'body.slug', 'économie'],
		['slug a number', 'body.slug', 7],
		['title missing', 'body.title', REMOVE],
		['title empty', 'body.title', ''],
		['title of 201 characters', 'body.title', 'x'.repeat(PAGE_TITLE_MAX + 1)],
		['title with a leading space', 'body.title', ' About'],
		['title over two lines', 'body.title', 'About\nus'],
		['body missing', 'body.body', REMOVE],
		['body of 200,001 characters', 'body.body', 'x'.repeat(PAGE_BODY_MAX + 1)],
		['body null', 'body.body', null],
		['replaces missing', 'body.replaces', REMOVE],
		['replaces null', 'body.replaces', null],
		['replaces a single id (not a list)', 'body.replaces', sha256Hex('x')],
		['replaces a short id', 'body.replaces', ['abc'], 'body.replaces.0'],
		['replaces an uppercase id', 'body.replaces', ['AB'.repeat(32)], 'body.replaces.0'],
		['replaces with a repeated id', 'body.replaces', [ids(1)[0], ids(1)[0]]],
		['replaces out of order', 'body.replaces', ids(2).reverse()],
		['33 parents', 'body.replaces', ids(PAGE_PARENTS_MAX + 1)],
		['an unknown body field', 'body.tags', []]
	];

	it.each(refused)('refuses %s', (_name, field, value, path = field) => {
		const code: ReasonCode = 'schema_invalid';
		expect(checkRecord(withPath(page, field, value))).toMatchObject({ ok: false, code, path });
	});

	const accepted: Case[] = [
		['a slug of 1 character', 'body.slug', 'x'],
		['a slug of 64 characters', 'body.slug', 'x'.repeat(PAGE_SLUG_MAX)],
		['a slug of words and digits', 'body.slug', 'rules-2026-draft'],
		['a slug of digits', 'body.slug', '2026'],
		['a title of 200 characters', 'body.title', 'x'.repeat(PAGE_TITLE_MAX)],
		['a title with markup (rendered inert later)', 'body.title', '<script>x</script>'],
		['an empty body', 'body.body', ''],
		['a body of 200,000 characters', 'body.body', 'x'.repeat(PAGE_BODY_MAX)],
		['no parents (a first revision)', 'body.replaces', []],
		['one parent (an edit or a revert)', 'body.replaces', ids(1)],
		['two parents (a merge)', 'body.replaces', ids(2)],
		['32 parents', 'body.replaces', ids(PAGE_PARENTS_MAX)]
	];

	it.each(accepted)('accepts %s', (_name, field, value) => {
		expect(checkRecord(withPath(page, field, value)).ok).toBe(true);
	});

	it('[R11] a body within 200,000 characters may still make the record too large', () => {
		const heavy = withPath(page, 'body.body', 'é'.repeat(PAGE_BODY_MAX));
		expect(checkRecord(heavy).ok).toBe(true);
		expect(2 * PAGE_BODY_MAX).toBeGreaterThan(MAX_RECORD_BYTES);
		expect(encodeRecord(heavy as typeof page)).toMatchObject({
			ok: false,
			code: 'record_too_large'
		});
	});

	it('[R19] a page names its country', () => {
		expect(checkRecord(withPath(page, 'country', ''))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'country'
		});
	});
});

describe('makePage', () => {
	const base = { country: COUNTRY, author: alice.fingerprint, at: 9 };

	it('makes a first revision (no parents) that encodes', () => {
		const record = makePage({ ...base, slug: 'about', title: 'About', body: 'Hi' });
		expect(record).toEqual({
			v: 1,
			kind: 'page',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { slug: 'about', title: 'About', body: 'Hi', replaces: [] }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});

	it('sorts the parents and drops repeats, so a merge has one encoding', () => {
		const [a, b, c] = ids(3) as [string, string, string];
		const record = makePage({ ...base, slug: 'x', title: 'x', body: '', replaces: [c, a, b, a] });
		expect(record.body.replaces).toEqual([a, b, c]);
		expect(encodeRecord(record).ok).toBe(true);
	});

	it('trims and lowercases the slug, trims the title, keeps the body’s spacing (NFC)', () => {
		const record = makePage({
			...base,
			slug: ' About-Us ',
			title: ' Cafe\u0301 ',
			body: '  e\u0301\n\n    code\n'
		});
		expect(record.body).toMatchObject({
			slug: 'about-us',
			title: 'Café',
			body: '  é\n\n    code\n'
		});
	});

	it.each([
		['a slug with a space', { slug: 'about us' }, 'body.slug'],
		['a slug with a non-ASCII letter', { slug: 'Économie' }, 'body.slug'],
		['a blank title', { title: '   ' }, 'body.title']
	])('leaves %s for the schema to refuse on encoding', (_name, input, path) => {
		const record = makePage({ ...base, slug: 'about', title: 'About', body: '', ...input });
		expect(encodeRecord(record)).toMatchObject({ ok: false, code: 'schema_invalid', path });
	});
});

describe('slugFromTitle', () => {
	/** [title, the address suggested] */
	const cases: [title: string, slug: string][] = [
		['About our country', 'about-our-country'],
		['  Rules 2026: the draft!  ', 'rules-2026-the-draft'],
		['Économie & café', 'economie-cafe'],
		['ﬁne print', 'fine-print'],
		['<script>alert(1)</script>', 'script-alert-1-script'],
		['---', ''],
		['Ελληνικά', ''],
		['中文页面', ''],
		['', ''],
		[`${'word '.repeat(20)}end`, Array(13).fill('word').join('-')],
		['x'.repeat(100), 'x'.repeat(PAGE_SLUG_MAX)]
	];

	it.each(cases)('%j → %j', (title, slug) => {
		expect(slugFromTitle(title)).toBe(slug);
	});

	it('suggests only addresses the schema accepts, or nothing', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (title) => {
				const slug = slugFromTitle(title);
				expect(slug === '' || (PAGE_SLUG.test(slug) && slug.length <= PAGE_SLUG_MAX)).toBe(true);
			}),
			{ seed: 4, numRuns: 500 }
		);
	});
});
