import { describe, expect, it } from 'vitest';
import { PAGE_BODY_MAX, PAGE_TITLE_MAX } from '../model';
import { pageDraftProblems, type PageProblems } from './pages';

describe('pageDraftProblems', () => {
	const fine = { title: 'About our country', body: '# Welcome', slug: 'about' };
	/** [name, the draft's changes, the problems expected (field → words in the message)] */
	const cases: [name: string, draft: Partial<typeof fine>, expected: PageProblems][] = [
		['a complete draft', {}, {}],
		['an empty body (allowed)', { body: '' }, {}],
		['an empty title', { title: '' }, { title: 'Give the page a title' }],
		['a title of spaces', { title: ' \u00a0 ' }, { title: 'Give the page a title' }],
		[
			'a title over the limit',
			{ title: 'x'.repeat(PAGE_TITLE_MAX + 1) },
			{ title: '201 characters long; at most 200' }
		],
		['a title over two lines', { title: 'About\nus' }, { title: 'one line' }],
		['a title with a C1 control', { title: 'About\u0085us' }, { title: 'one line' }],
		[
			'a body over the limit',
			{ body: 'x'.repeat(PAGE_BODY_MAX + 1) },
			{ body: '200,001 characters long; at most 200,000' }
		],
		['an empty address', { slug: '  ' }, { slug: 'Give the page an address' }],
		['an address with a space', { slug: 'about us' }, { slug: 'letters a–z and digits' }],
		['an address with an accent', { slug: 'économie' }, { slug: 'letters a–z and digits' }],
		['an address too long', { slug: 'x'.repeat(65) }, { slug: 'at most 64' }],
		['an address in capitals (lowercased, fine)', { slug: 'About' }, {}],
		[
			'several problems at once',
			{ title: '', slug: 'a b' },
			{ title: 'Give the page a title', slug: 'letters a–z and digits' }
		]
	];

	it.each(cases)('%s', (_name, change, expected) => {
		const problems = pageDraftProblems({ ...fine, ...change });
		expect(Object.keys(problems).sort()).toEqual(Object.keys(expected).sort());
		for (const [field, words] of Object.entries(expected)) {
			expect(problems[field as keyof PageProblems]).toContain(words);
		}
	});

	it('does not ask for an address when editing (no slug given)', () => {
		expect(pageDraftProblems({ title: 'About', body: '' })).toEqual({});
	});
});
