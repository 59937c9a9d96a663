/**
 * The site's one stylesheet: a readable column, system fonts, light and dark. No web fonts,
 * no images: the CSP allows styles from the site only, and pages must read well printed.
 */
export const STYLESHEET = `:root {
	--paper: #fbf9f4;
	--ink: #1f2328;
	--muted: #5c6369;
	--rule: #ddd8cc;
	--accent: #1d4e5f;
	--note: #fff4d6;
	color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
	:root {
		--paper: #15191c;
		--ink: #e6e3dc;
		--muted: #9aa3a9;
		--rule: #2d353a;
		--accent: #8cc4d6;
		--note: #3a3220;
	}
}
* { box-sizing: border-box; }
html { background: var(--paper); color: var(--ink); }
body {
	margin: 0 auto;
	max-width: 44rem;
	padding: 0 1.25rem 3rem;
	font: 1.0625rem/1.6 Charter, 'Bitstream Charter', 'Sitka Text', Cambria, Georgia, serif;
}
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
header.site {
	display: flex;
	flex-wrap: wrap;
	align-items: baseline;
	justify-content: space-between;
	gap: 0.5rem 1.5rem;
	padding: 1.25rem 0 0.75rem;
	border-bottom: 1px solid var(--rule);
	font-family: system-ui, sans-serif;
}
header.site .brand { color: var(--ink); font-weight: 700; font-size: 1.15rem; text-decoration: none; }
header.site nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-size: 0.95rem; }
header.site nav a { text-decoration: none; }
header.site nav a[aria-current='page'] { color: var(--ink); font-weight: 600; }
main { padding-top: 1.5rem; }
h1, h2, h3 { line-height: 1.25; font-family: system-ui, sans-serif; }
h1 { font-size: 1.9rem; margin: 0 0 0.5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.75rem; }
.byline, .meta, time, footer, .hint { color: var(--muted); font-size: 0.9rem; font-family: system-ui, sans-serif; }
.body { overflow-wrap: break-word; }
.body img { max-width: 100%; height: auto; }
.body pre { overflow-x: auto; padding: 0.75rem; border: 1px solid var(--rule); border-radius: 4px; }
code, pre { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 0.9em; }
blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid var(--rule); color: var(--muted); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--rule); padding: 0.25rem 0.5rem; }
ul.list { list-style: none; padding: 0; }
ul.list > li { padding: 0.6rem 0; border-bottom: 1px solid var(--rule); }
ul.list > li > a { font-weight: 600; }
.excerpt { margin: 0.25rem 0 0; }
ul.tags { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
ul.tags a { font-family: system-ui, sans-serif; font-size: 0.9rem; }
.fingerprint { font-family: ui-monospace, Menlo, Consolas, monospace; letter-spacing: 0.02em; word-spacing: 0.2em; }
aside.provenance {
	margin-top: 2.5rem;
	padding: 1rem 1.25rem;
	border: 1px solid var(--rule);
	border-radius: 6px;
	font-family: system-ui, sans-serif;
	font-size: 0.9rem;
}
aside.provenance h2 { margin-top: 0; font-size: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.note { background: var(--note); padding: 0.6rem 0.9rem; border-radius: 4px; font-family: system-ui, sans-serif; font-size: 0.95rem; }
.featured { border-left: 3px solid var(--accent); padding-left: 1rem; }
nav.pager { display: flex; justify-content: space-between; gap: 1rem; margin-top: 1.5rem; font-family: system-ui, sans-serif; }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--rule); }
@media print {
	header.site nav, nav.pager, footer { display: none; }
	a { color: inherit; }
}
`;
