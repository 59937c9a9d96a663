/**
 * The first page's JavaScript stays small (issue 8): reads the build the end-to-end
 * runner made. Heavy modules — openpgp above all — load on demand, never up front.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FIRST_PAGE_BUDGET_GZIP, firstPage, scriptsContaining } from '../../scripts/first-page.js';

const build = join(import.meta.dirname, '../../build');

// Gzipped bytes of the entry, the root layout, the landing page and all they import statically.
test('the first page loads at most the budgeted JavaScript', () => {
	const page = firstPage(build);
	const table = page.scripts.map((s) => `  ${s.file}  ${(s.gzip / 1024).toFixed(1)} KiB`);
	console.log(
		`first page JS: ${(page.gzip / 1024).toFixed(1)} KiB gzipped ` +
			`(${(page.bytes / 1024).toFixed(0)} KiB raw) in ${page.scripts.length} files\n${table.join('\n')}`
	);
	// The graph really was followed: the entries import the framework and the layout's code.
	expect(page.entries.length).toBeGreaterThanOrEqual(4);
	expect(page.scripts.length).toBeGreaterThan(page.entries.length);
	expect(page.gzip).toBeLessThanOrEqual(FIRST_PAGE_BUDGET_GZIP);
});

test('openpgp is not in the first page; it loads on demand', () => {
	const openpgp = scriptsContaining(build, 'OpenPGP.js');
	// The needle still finds openpgp's code in the build (else this test would prove nothing).
	expect(openpgp.length).toBeGreaterThan(0);
	const first = new Set(firstPage(build).scripts.map((s) => s.file));
	expect(openpgp.filter((file) => first.has(file))).toEqual([]);
});
