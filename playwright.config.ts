import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'tests/e2e',
	// Two cores: one test at a time keeps browser timings honest.
	workers: 1,
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				// mDNS names do not resolve inside the test namespace (STACK.md, gotcha 2).
				'--disable-features=WebRtcHideLocalIpsWithMdns'
			]
		}
	},
	webServer: {
		command: `node scripts/start.js`,
		env: { PORT: String(port), HOST: '127.0.0.1' },
		url: `http://127.0.0.1:${port}/`,
		reuseExistingServer: false,
		stdout: 'pipe'
	}
});
