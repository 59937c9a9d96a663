/**
 * Interop with the real y-webrtc client: two WebrtcProviders in two Node processes
 * (WebRTC by @roamhq/wrtc) find each other through our server and sync a Y.Doc.
 *
 * It runs in a fresh network namespace with only loopback, so WebRTC can use nothing but
 * 127.0.0.1/::1 (in the host namespace wrtc would also gather this machine's other
 * addresses). That needs root and unshare(1), as CI has; elsewhere it is skipped, and
 * interop-reference.test.ts still covers the wire protocol.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const orchestrator = fileURLToPath(new URL('./test-support/y-webrtc-interop.js', import.meta.url));

function canUnshare(): boolean {
	if (process.getuid?.() !== 0) return false;
	try {
		execFileSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

type Outcome = {
	ok: boolean;
	error?: string;
	peers?: Array<{
		name: string;
		map: Record<string, string>;
		webrtcPeers: number;
		bcPeers: number;
	}>;
	health: { counters: { messagesIn: number; framesOut: number; dropped: Record<string, number> } };
};

function runInNamespace(password: string): Promise<Outcome> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			'unshare',
			['-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${orchestrator}"`],
			{
				env: { ...process.env, INTEROP_PASSWORD: password, INTEROP_TIMEOUT_MS: '15000' },
				stdio: ['ignore', 'pipe', 'inherit']
			}
		);
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.on('exit', (code) => {
			const line = out.split('\n').find((l) => l.startsWith('{'));
			if (line) resolve(JSON.parse(line) as Outcome);
			else reject(new Error(`interop run exited ${code} without a result: ${out}`));
		});
	});
}

describe('interop with y-webrtc clients', () => {
	it.skipIf(!canUnshare()).each([
		['a public room', ''],
		['a password room (encrypted signaling)', 'citizen-secret']
	])(
		'two WebrtcProviders sync a Y.Doc through our server: %s',
		{ timeout: 25_000 },
		async (_, password) => {
			const outcome = await runInNamespace(password);
			if (!outcome.ok) console.log('[y-webrtc interop] failed:', JSON.stringify(outcome, null, 1));
			expect(outcome.error).toBeUndefined();
			expect(outcome.ok).toBe(true);
			const both = { 'peer-a': 'hello from peer-a', 'peer-b': 'hello from peer-b' };
			for (const peer of outcome.peers ?? []) {
				expect(peer.map).toEqual(both);
				// Carried by WebRTC, not by a BroadcastChannel.
				expect(peer).toMatchObject({ webrtcPeers: 1, bcPeers: 0 });
			}
			expect(outcome.peers).toHaveLength(2);
			expect(outcome.health.counters.messagesIn).toBeGreaterThan(0);
			expect(Object.values(outcome.health.counters.dropped).every((n) => n === 0)).toBe(true);
		}
	);
});
