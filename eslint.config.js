import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * Layers import only downwards: routes → ui → state → sync → identity → model.
 * Each entry forbids what a folder must never reach for (see STYLE.md §1).
 */
const layer = (files, patterns) => ({
	files,
	rules: { 'no-restricted-imports': ['error', { patterns }] }
});
const forbid = (group, message) => ({ group, message });

const noSvelte = forbid(['svelte', 'svelte/*', '$app/*', '*.svelte'], 'no Svelte below state');
const noYjs = forbid(
	['yjs', 'y-webrtc', 'y-indexeddb', 'y-protocols/*', '**/sync', '**/sync/*'],
	'only src/lib/sync touches Yjs'
);
const noOpenpgp = forbid(['openpgp', 'openpgp/*'], 'only src/lib/identity imports openpgp');
const noUnsafe = {
	group: ['**/model', '**/model/*', '$lib/model', '$lib/model/*'],
	importNames: ['unsafeAssumeVerified'],
	message: 'only the identity module may brand a record as verified'
};

const sitePure = [
	noSvelte,
	noYjs,
	noOpenpgp,
	noUnsafe,
	forbid(
		['**/identity', '**/identity/*', '**/state/*', '**/ui/*', '$lib/identity/*'],
		'the site renderer is pure: it gets a verified country'
	)
];
const nodeIo = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process'];

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			],
			// Svelte's navigation helpers already resolve paths for this SPA's root base.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	layer(
		['src/lib/model/**/*.ts'],
		[
			noSvelte,
			noYjs,
			noOpenpgp,
			forbid(['**/identity', '**/identity/*', '**/state/*', '**/ui/*'], 'the model is pure')
		]
	),
	layer(
		['src/lib/render/**/*.ts'],
		[noSvelte, noYjs, noOpenpgp, forbid(['$lib/*', '../*'], 'render: markdown-it only')]
	),
	// The site renderer is pure (mirror/site-writer.ts does its I/O); its tests read golden files.
	{
		...layer(['src/lib/site/**/*.ts'], [...sitePure, forbid(nodeIo, 'no I/O: mirror/ writes')]),
		ignores: ['src/lib/site/**/*.test.ts']
	},
	layer(['src/lib/site/**/*.test.ts'], sitePure),
	layer(['src/lib/identity/**/*.ts'], [noSvelte, noYjs]),
	layer(['src/lib/sync/**/*.ts'], [noSvelte, noOpenpgp, noUnsafe]),
	layer(['src/lib/state/**/*.ts'], [noOpenpgp, noUnsafe, forbid(['y-*', 'yjs'], 'use sync')]),
	layer(
		['src/lib/ui/**/*', 'src/routes/**/*'],
		[
			noOpenpgp,
			noUnsafe,
			forbid(['yjs', 'y-*', '**/sync', '**/sync/*', '$lib/sync/*'], 'components get state objects'),
			forbid(['$lib/identity/*', '**/identity/*'], 'components get state objects')
		]
	),
	layer(['signaling-server/**/*'], [forbid(['**/src/lib/**', '$lib/*'], 'stands alone')]),
	{
		ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/']
	}
);
