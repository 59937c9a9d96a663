/**
 * The app against y-webrtc's own bundled signaling server, served from a host with no
 * signaling of its own: the wire protocol is y-webrtc's, so the servers are interchangeable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
	createIdentityAt,
	expect,
	fillNewIdentity,
	foundCountry,
	invite,
	openSection,
	test
} from './fixtures';

const APP_PORT = 4174;
const SIGNAL_PORT = 4455;
const APP = `http://127.0.0.1:${APP_PORT}`;

function start(
	command: string[],
	env: Record<string, string>,
	ready: RegExp
): Promise<ChildProcess> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, command, { env: { ...process.env, ...env } });
		const timer = setTimeout(() => reject(new Error(`${command.join(' ')} did not start`)), 30_000);
		let output = '';
		const onData = (data: Buffer) => {
			output += data.toString();
			if (ready.test(output)) {
				clearTimeout(timer);
				resolve(child);
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
	});
}

async function waitForPort(port: number) {
	await expect
		.poll(async () => {
			try {
				return (await fetch(`http://127.0.0.1:${port}/`)).status;
			} catch {
				return 0;
			}
		})
		.toBeGreaterThan(0);
}

test('invite and join through y-webrtc’s bundled signaling server', async ({ newPerson }) => {
	const children: ChildProcess[] = [];
	try {
		children.push(
			await start(['scripts/start.js'], { PORT: String(APP_PORT), SIGNALING: 'off' }, /running at/)
		);
		// The bundled server prints nothing when ready; it answers plain HTTP once listening.
		children.push(
			spawn(process.execPath, ['node_modules/y-webrtc/bin/server.js'], {
				env: { ...process.env, PORT: String(SIGNAL_PORT) }
			})
		);
		await waitForPort(SIGNAL_PORT);

		const ada = await newPerson();
		await createIdentityAt(ada, APP, 'Ada');
		await foundCountry(ada, 'Interopia');
		await openSection(ada, 'Country');
		const form = ada.getByRole('form', { name: 'Add a signaling server' });
		await form.getByLabel('Signaling server URL').fill(`ws://127.0.0.1:${SIGNAL_PORT}`);
		await form.getByRole('button', { name: 'Add' }).click();
		await expect(ada.getByTestId('signaling-list')).toContainText(`ws://127.0.0.1:${SIGNAL_PORT}`);
		const link = await invite(ada);

		const bob = await newPerson();
		await bob.goto(link);
		await bob.getByRole('link', { name: 'Create or import one' }).click();
		await fillNewIdentity(bob, 'Bob');
		await bob.getByRole('button', { name: 'Become a citizen as Bob' }).click();
		await expect(bob.getByTestId('citizens')).toContainText('Ada');
		await expect(ada.getByTestId('citizens')).toContainText('Bob');
	} finally {
		for (const child of children) child.kill();
	}
});
