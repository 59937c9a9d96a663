/**
 * `webocracy`: keys, state files and mirrors from the command line, with the app's own model,
 * identity and state-file modules. bin/webocracy.js bundles this file and calls main().
 */
import WebSocket from 'ws';
import { parse, type Command } from './args';
import { CliError, EXIT } from './exit';
import { found } from './commands/found';
import { keygen } from './commands/keygen';
import { mirror } from './commands/mirror';
import { post } from './commands/post';
import { render } from './commands/render';
import { verify } from './commands/verify';

// y-webrtc signals over the global WebSocket (STACK.md, gotcha 3).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const COMMANDS: Command[] = [keygen, found, post, verify, render, mirror];

function overview(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		'Usage: webocracy COMMAND [options]   (webocracy COMMAND --help for its options)',
		'',
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'Passphrases come from WEBOCRACY_PASSPHRASE or a prompt, never from an argument.',
		'Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 unusable input, 4 invalid records,',
		'5 key or passphrase, 6 no signaling server reachable, 7 a write failed (disk full…).'
	].join('\n');
}

/** Run one command line; resolves to the exit code (also set on process.exitCode). */
export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	let code: number;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		console.log(overview());
		code = name ? EXIT.ok : EXIT.usage;
	} else {
		const command = COMMANDS.find((c) => c.name === name);
		if (!command) {
			console.error(`Unknown command: ${name}\n\n${overview()}`);
			code = EXIT.usage;
		} else code = await runCommand(command, rest);
	}
	process.exitCode = code;
	return code;
}

async function runCommand(command: Command, argv: string[]): Promise<number> {
	try {
		const { values, positionals } = parse(command, argv);
		if (values.help === true) {
			console.log(`Usage: ${command.usage}\n\n${command.help}`);
			return EXIT.ok;
		}
		return await command.run(values, positionals);
	} catch (error) {
		if (error instanceof CliError) {
			console.error(`webocracy ${command.name}: ${error.message}`);
			return error.exit;
		}
		console.error(`webocracy ${command.name}: unexpected error:`, error);
		return EXIT.failure;
	}
}
