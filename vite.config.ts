import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

/** The colours of src/app.css: `--accent` for the title bar, `--paper` for the splash. */
const ACCENT = '#1d4e5f';
const PAPER = '#fbf9f4';

export default defineConfig({
	plugins: [
		sveltekit(),
		// The service worker precaches the app shell and every built asset under revisioned
		// URLs, so the app starts with no network at all. It caches nothing at run time: the
		// signaling endpoint and /health always go to the network (STACK.md, gotcha 5).
		SvelteKitPWA({
			strategies: 'generateSW',
			// src/lib/state/pwa.svelte.ts registers it with workbox-window and asks the person
			// before a new version takes over.
			registerType: 'prompt',
			injectRegister: false,
			kit: { spa: true, adapterFallback: 'index.html' },
			manifest: {
				id: '/',
				name: 'Webocracy',
				short_name: 'Webocracy',
				description:
					'Found and run a self-governed community on the web that no server controls. Works offline.',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				theme_color: ACCENT,
				background_color: PAPER,
				// Made from static/icon.svg by scripts/make-icons.js.
				icons: [
					{ src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
					{ src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
					{
						src: '/icon-maskable-512.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				]
			},
			workbox: {
				navigateFallback: '/index.html',
				// Navigations to the server's own endpoints are never answered with the app.
				navigateFallbackDenylist: [/^\/signal(?:$|[/?])/, /^\/health(?:$|[/?])/],
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff,woff2}'],
				// Set (even empty), it keeps the plugin from adding a glob for prerendered pages,
				// which this SPA has none of (workbox would warn on every build).
				modifyURLPrefix: {},
				// The first visit is controlled at once, so it works offline without a reload.
				// A new version still waits for the person's word (skipWaiting stays off).
				clientsClaim: true,
				cleanupOutdatedCaches: true,
				// The verify worker with openpgp is the largest file; it must work offline too.
				maximumFileSizeToCacheInBytes: 4 * 1024 * 1024
			}
		})
	],
	worker: { format: 'es' },
	test: {
		include: [
			'src/**/*.test.ts',
			'tests/unit/**/*.test.ts',
			'signaling-server/**/*.test.ts',
			'mirror/**/*.test.ts'
		],
		environment: 'node',
		// The machine has two cores; keep the pool small so timings stay honest.
		maxWorkers: 2,
		testTimeout: 20_000
	}
});
