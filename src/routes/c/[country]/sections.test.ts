import { describe, expect, it } from 'vitest';
import { countrySections, currentSection } from './sections';

const base = '/c/abc';
const sections = countrySections(base);
const label = (path: string) =>
	sections.find((s) => s.href === currentSection(sections, path))?.label;

describe('the current tab of a country page', () => {
	it.each([
		['/c/abc', 'Front page'],
		['/c/abc/blogs', 'Blogs'],
		['/c/abc/blogs/F1', 'Blogs'],
		['/c/abc/posts/p1', 'Blogs'],
		['/c/abc/posts/p1/edit', 'Blogs'],
		['/c/abc/pages/rules/history', 'Pages'],
		['/c/abc/forum/drafts/d1', 'Citizens’ area'],
		['/c/abc/search', 'Search'],
		['/c/abc/government', 'Government'],
		['/c/abc/country', 'Country'],
		['/c/abc/diagnostics', 'Diagnostics'],
		['/c/abc/write', undefined],
		['/c/abc/tags/news', undefined],
		['/c/abc/blogsx', undefined],
		['/c/abcd', undefined]
	])('%s: %s', (path, expected) => {
		expect(label(path)).toBe(expected);
	});
});
