/**
 * The mirror (a Node process, WebRTC by @roamhq/wrtc) against one hostile message: a peer
 * in the public room sends an awareness update whose state is not JSON. It decodes as far
 * as the transport filter looks (isWellFormedMessage passes every non-sync message), then
 * y-webrtc's reader throws inside the data channel's handler, which in Node is an uncaught
 * exception: the mirror process ends. See src/lib/sync/hostile-messages.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as encoding from 'lib0/encoding';
import { expect, test } from './fixtures';
import { inviteUrl, makeFounder, NodePeer, seedCountry } from './support/node-peer';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const SIGNAL = BASE.replace('http', 'ws') + '/signal';
const BIN = join(import.meta.dirname, '../../bin/webocracy.js');

/** y-webrtc's awareness message (type 1) for one client whose state is `state`, as sent. */
function awarenessMessage(state: string): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, 12345);
	encoding.writeVarUint(update, 1);
	encoding.writeVarString(update, state);
	const message = encoding.createEncoder();
	encoding.writeVarUint(message, 1);
	encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
	return encoding.toUint8Array(message);
}

// Found by review: peers.ts let awareness messages through unchecked, and a throw in y-webrtc's
// reader escaped the data channel's handler, an uncaught exception that ended the process.
test('a peer’s malformed awareness message does not stop the mirror', async () => {
	const workDir = await mkdtemp(join(tmpdir(), 'webocracy-hostile-mirror-'));
	const founder = await makeFounder('Founder');
	const { countryId, records } = await seedCountry({
		founder,
		name: 'Sturdy',
		posts: 1,
		postBytes: 100
	});
	const peer = new NodePeer(countryId, { signaling: [SIGNAL], secret: null });
	peer.write(records);
	const link = inviteUrl(BASE, {
		country: countryId,
		name: 'Sturdy',
		secret: 'test-secret-0123456789abcdef',
		signaling: [SIGNAL]
	});
	const child = spawn(
		process.execPath,
		[
			BIN,
			'mirror',
			'--invite',
			link,
			'--data',
			join(workDir, 'data'),
			'--out',
			join(workDir, 'site'),
			'--serve',
			'0'
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	try {
		await expect
			.poll(() => output, { timeout: 30_000 })
			.toMatch(/serving http:\/\/127\.0\.0\.1:\d+\//);
		const port = Number(output.match(/serving http:\/\/127\.0\.0\.1:(\d+)\//)![1]);
		const health = async () =>
			(await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
				peers: number;
				records: { valid: number };
			};
		// Connected to the peer and holding the country.
		await expect
			.poll(async () => (await health()).records.valid, { timeout: 30_000 })
			.toBe(records.length);

		peer.sendRaw(awarenessMessage('not json {'));

		// Still running, and still answering, a while later.
		const stopped = await Promise.race([
			exited,
			new Promise((r) => setTimeout(() => r('running'), 3000))
		]);
		expect(stopped, output).toBe('running');
		expect((await health()).records.valid).toBe(records.length);
	} finally {
		if (child.exitCode === null) child.kill('SIGKILL');
		await peer.close();
		await rm(workDir, { recursive: true, force: true });
	}
});
