/**
 * The feed and the sitemaps under the XSS corpus: a browser opening feed.xml parses it as
 * XML, where an injected element in the XHTML namespace (`<h:script xmlns:h=…>`) would run
 * without ever spelling `<script`. So record text must never become an element or an
 * attribute there: every tag in these files is one the site writes.
 */
import { describe, expect, it } from 'vitest';
import { xssPayloads } from '../render/test-fixtures';
import { payloadCountry } from './fixtures';
import { renderSite } from './plan';

/** The elements an Atom feed, a sitemap index and a sitemap part are made of. */
const ATOM = ['feed', 'title', 'subtitle', 'link', 'updated', 'published', 'id', 'author'];
const ALLOWED = new Set([
	...ATOM,
	...['name', 'uri', 'entry', 'content', 'summary', 'category', 'generator', 'rights'],
	...['sitemapindex', 'sitemap', 'urlset', 'url', 'loc', 'lastmod']
]);

const extra = [
	'<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
	']]><script>alert(1)</script><![CDATA[',
	'<?xml-stylesheet href="data:text/xsl,x"?>',
	'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
	'"/><link rel="alternate" href="javascript:alert(1)"/>'
].map((payload, i) => ({ name: `xml payload ${i}`, payload }));

describe('[site] XML files hold only the site’s own elements', () => {
	it.each([...xssPayloads(), ...extra])('$name', ({ payload }) => {
		const rendered = renderSite(payloadCountry(payload));
		if (!rendered.ok) throw new Error(rendered.message);
		const xml = rendered.value.filter((f) => f.path.endsWith('.xml'));
		expect(xml.map((f) => f.path)).toContain('feed.xml');
		for (const file of xml) {
			const text = String(file.content);
			// One declaration, at the start; no other processing instruction, DTD or CDATA.
			expect(text.startsWith('<?xml ')).toBe(true);
			expect(text.slice(1)).not.toMatch(/<[?!]/);
			for (const [, name] of text.slice(1).matchAll(/<\/?([^\s/>]+)/g)) {
				expect([file.path, name]).toEqual([file.path, ALLOWED.has(name!) ? name : 'not allowed']);
			}
			// Every link is one the site writes: to its own pages, never a record's URL.
			for (const [, href] of text.matchAll(/\shref="([^"]*)"/g)) {
				expect(href).toMatch(/^https:\/\/fwr\.example\//);
			}
		}
	});
});
