import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect } from './test-support/client.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));

describe('main.js', () => {
	it('logs its URL, binds 127.0.0.1 by default, serves health and stops cleanly on SIGTERM', async () => {
		const child = spawn(process.execPath, [main], {
			env: { ...process.env, PORT: '0', HOST: '' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
		try {
			const url = await new Promise<string>((resolve, reject) => {
				child.stdout.on('data', () => {
					const match = /listening on (ws:\/\/\S+)/.exec(out);
					if (match?.[1]) resolve(match[1]);
				});
				child.on('exit', () => reject(new Error(`exited early: ${out}`)));
			});
			expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
			const health = await fetch(url.replace('ws:', 'http:') + 'health').then((r) => r.json());
			expect(health).toMatchObject({ ok: true, connections: 0 });

			const a = await connect(url);
			await a.barrier();
			child.kill('SIGTERM');
			expect((await a.closed).code).toBe(1001);
			expect(await exited).toBe(0);
			expect(out).toMatch(/SIGTERM, closing/);
		} finally {
			child.kill('SIGKILL');
		}
	});

	it('refuses an invalid PORT', async () => {
		const child = spawn(process.execPath, [main], {
			env: { ...process.env, PORT: 'eighty' },
			stdio: 'ignore'
		});
		expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
	});
});
