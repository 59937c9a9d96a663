/**
 * The country's tabs and which one a page belongs to. The front page is the country's root,
 * so every path starts with it: it is current on itself only. A post lives in its author's
 * blog, so its pages (reading, editing) are under Blogs. Pages no tab lists (writing a new
 * post, a tag) have no current tab rather than a wrong one.
 */
export type Section = { href: string; label: string; also?: readonly string[] };

export function countrySections(base: string): Section[] {
	return [
		{ href: base, label: 'Front page' },
		{ href: `${base}/blogs`, label: 'Blogs', also: [`${base}/posts`] },
		{ href: `${base}/pages`, label: 'Pages' },
		{ href: `${base}/forum`, label: 'Citizens’ area' },
		{ href: `${base}/search`, label: 'Search' },
		{ href: `${base}/government`, label: 'Government' },
		{ href: `${base}/country`, label: 'Country' },
		{ href: `${base}/diagnostics`, label: 'Diagnostics' }
	];
}

const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The href of the tab `path` is in, or null when none holds it. */
export function currentSection(sections: readonly Section[], path: string): string | null {
	const [front, ...rest] = sections;
	if (front && path === front.href) return front.href;
	const found = rest.find((s) => [s.href, ...(s.also ?? [])].some((p) => within(path, p)));
	return found?.href ?? null;
}
