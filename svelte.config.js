import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A static SPA: any web server (or the mirror) can host it; index.html is the fallback.
		adapter: adapter({ fallback: 'index.html', strict: true }),
		version: { name: process.env.WEBOCRACY_BUILD ?? undefined }
	}
};

export default config;
