import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	worker: { format: 'es' },
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'signaling-server/**/*.test.ts'],
		environment: 'node',
		// The machine has two cores; keep the pool small so timings stay honest.
		maxWorkers: 2,
		testTimeout: 20_000
	}
});
