import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { checkRecord, encodeRecord, MAX_RECORD_BYTES } from '../record';
import type { ReasonCode } from '../result';
import { makePost, POST_BODY_MAX, POST_TAGS_MAX, POST_TITLE_MAX } from './post';
import { person, REMOVE, withPath } from '../fixtures/records';
import { postRecord } from '../fixtures/posts';

const COUNTRY = 'ab'.repeat(32);
const alice = person('alice');
const post = postRecord(COUNTRY, { by: alice, at: 5, title: 'Hello', tags: ['news'] });
const tags = (n: number) => Array.from({ length: n }, (_, i) => `tag${i}`);

describe('post body [R18]', () => {
	/** [name, field to set, value, the path the error names (default: the field)] */
	type Case = [name: string, field: string, value: unknown, path?: string];
	const refused: Case[] = [
		['title missing', 'body.title', REMOVE],
		['title empty', 'body.title', ''],
		['title of 201 characters', 'body.title', 'x'.repeat(POST_TITLE_MAX + 1)],
		['title with a leading space', 'body.title', ' Hello'],
		['title with a trailing no-break space', 'body.title', 'Hello\u00a0'],
		['title over two lines', 'body.title', 'Hello\nworld'],
		['title with a C1 control', 'body.title', 'Hello\u0085'],
		['title a number', 'body.title', 7],
		['body missing', 'body.body', REMOVE],
		['body of 200,001 characters', 'body.body', 'x'.repeat(POST_BODY_MAX + 1)],
		['body null', 'body.body', null],
		['tags missing', 'body.tags', REMOVE],
		['tags a string', 'body.tags', 'news'],
		['11 tags', 'body.tags', tags(POST_TAGS_MAX + 1)],
		['a repeated tag', 'body.tags', ['news', 'sport', 'news']],
		['an empty tag', 'body.tags', ['news', ''], 'body.tags.1'],
		['a tag in capitals', 'body.tags', ['News'], 'body.tags.0'],
		['a tag starting with -', 'body.tags', ['-news'], 'body.tags.0'],
		['a tag with a space', 'body.tags', ['good news'], 'body.tags.0'],
		['a tag with _', 'body.tags', ['good_news'], 'body.tags.0'],
		['a tag with #', 'body.tags', ['#news'], 'body.tags.0'],
		['a tag of 33 characters', 'body.tags', ['x'.repeat(33)], 'body.tags.0'],
		['a tag with a combining mark', 'body.tags', ['i\u0307stanbul'], 'body.tags.0'],
		['a tag that is a number', 'body.tags', [2026], 'body.tags.0'],
		['replaces missing', 'body.replaces', REMOVE],
		['replaces not a record id', 'body.replaces', 'abc'],
		['replaces in uppercase hex', 'body.replaces', 'AB'.repeat(32)],
		['replaces an empty string', 'body.replaces', ''],
		['an unknown body field', 'body.draft', true]
	];

	it.each(refused)('refuses %s', (_name, field, value, path = field) => {
		const code: ReasonCode = 'schema_invalid';
		expect(checkRecord(withPath(post, field, value))).toMatchObject({ ok: false, code, path });
	});

	const accepted: Case[] = [
		['a title of 1 character', 'body.title', 'x'],
		['a title of 200 characters', 'body.title', 'x'.repeat(POST_TITLE_MAX)],
		['a title with emoji and markup (rendered inert later)', 'body.title', '<b>Hi</b> 👋'],
		['an empty body', 'body.body', ''],
		['a body of 200,000 characters', 'body.body', 'x'.repeat(POST_BODY_MAX)],
		['a body of several lines with tabs', 'body.body', '# Title\n\n\tcode\r\n'],
		['no tags', 'body.tags', []],
		['10 tags', 'body.tags', tags(POST_TAGS_MAX)],
		['a tag of 32 characters', 'body.tags', ['x'.repeat(32)]],
		['a tag of 1 character', 'body.tags', ['x']],
		['tags of words joined by -', 'body.tags', ['local-news', 'a-b-c']],
		['a tag ending in - (the schema allows it)', 'body.tags', ['news-']],
		['a tag of digits', 'body.tags', ['2026']],
		['lowercase tags in other scripts', 'body.tags', ['économie', 'политика', '政治', 'ß']],
		['replaces a record id', 'body.replaces', sha256Hex('earlier')]
	];

	it.each(accepted)('accepts %s', (_name, field, value) => {
		expect(checkRecord(withPath(post, field, value)).ok).toBe(true);
	});

	it('[R11] a body within 200,000 characters may still make the record too large', () => {
		// Two UTF-8 bytes each: 400,000 bytes, over MAX_RECORD_BYTES.
		const heavy = withPath(post, 'body.body', 'é'.repeat(POST_BODY_MAX));
		expect(checkRecord(heavy).ok).toBe(true);
		expect(2 * POST_BODY_MAX).toBeGreaterThan(MAX_RECORD_BYTES);
		expect(encodeRecord(heavy as typeof post)).toMatchObject({
			ok: false,
			code: 'record_too_large'
		});
	});

	it('[R19] a post names its country', () => {
		expect(checkRecord(withPath(post, 'country', ''))).toMatchObject({
			ok: false,
			code: 'schema_invalid',
			path: 'country'
		});
	});
});

describe('makePost', () => {
	const base = { country: COUNTRY, author: alice.fingerprint, at: 9 };

	it('makes a new post (replaces null, no tags) that encodes', () => {
		const record = makePost({ ...base, title: 'Hello', body: 'World' });
		expect(record).toEqual({
			v: 1,
			kind: 'post',
			country: COUNTRY,
			author: alice.fingerprint,
			at: 9,
			body: { title: 'Hello', body: 'World', tags: [], replaces: null }
		});
		expect(encodeRecord(record).ok).toBe(true);
	});

	it('keeps the post an edit replaces', () => {
		const replaces = sha256Hex('original');
		expect(makePost({ ...base, title: 'x', body: '', replaces }).body.replaces).toBe(replaces);
	});

	it('trims the title and puts it in NFC', () => {
		const record = makePost({ ...base, title: ' \u00a0Cafe\u0301 \n', body: '' });
		expect(record.body.title).toBe('Café');
	});

	it('puts the body in NFC but keeps its spacing (Markdown cares)', () => {
		const record = makePost({ ...base, title: 'x', body: '  e\u0301\n\n    code\n' });
		expect(record.body.body).toBe('  é\n\n    code\n');
	});

	it('lowercases, trims and NFC-normalises tags, drops empty and repeated ones, keeps order', () => {
		const record = makePost({
			...base,
			title: 'x',
			body: '',
			tags: [' News ', 'sport', 'news', 'NEWS', '', '   ', 'E\u0301conomie', 'économie']
		});
		expect(record.body.tags).toEqual(['news', 'sport', 'économie']);
		expect(encodeRecord(record).ok).toBe(true);
	});

	it.each([
		['a tag with a space', { title: 'x', tags: ['good news'] }, 'body.tags.0'],
		['11 tags', { title: 'x', tags: tags(POST_TAGS_MAX + 1) }, 'body.tags'],
		['a blank title', { title: '   ' }, 'body.title']
	])('leaves %s for the schema to refuse on encoding', (_name, input, path) => {
		const record = makePost({ ...base, body: '', ...input });
		expect(encodeRecord(record)).toMatchObject({ ok: false, code: 'schema_invalid', path });
	});

	it('normalises idempotently: making a post from its own output changes nothing (seeded)', () => {
		const text = fc.string({ unit: 'grapheme-composite', maxLength: 12 });
		fc.assert(
			fc.property(text, fc.array(text, { maxLength: 12 }), text, (title, tagList, body) => {
				const once = makePost({ ...base, title, body, tags: tagList });
				const twice = makePost({ ...base, ...once.body });
				expect(twice).toEqual(once);
				const out = once.body.tags;
				expect(new Set(out).size).toBe(out.length);
				for (const tag of out) {
					expect(tag).not.toBe('');
					expect(tag).toBe(tag.trim());
					expect(tag).toBe(tag.normalize('NFC'));
					expect(tag).toBe(tag.toLowerCase());
				}
				expect(once.body.title).toBe(once.body.title.normalize('NFC').trim());
			}),
			{ seed: 0x5eed, numRuns: 300 }
		);
	});
});
