/**
 * Passphrases come from WEBOCRACY_PASSPHRASE or from a prompt on the terminal, never from an
 * argument: arguments are visible to every user of the machine (ps) and kept in shell history.
 */
import { CliError, EXIT } from './exit';

export const PASSPHRASE_ENV = 'WEBOCRACY_PASSPHRASE';

export type PassphraseSource = {
	env: NodeJS.ProcessEnv;
	input: NodeJS.ReadStream;
	output: NodeJS.WriteStream;
};

const defaultSource = (): PassphraseSource => ({
	env: process.env,
	input: process.stdin,
	output: process.stderr
});

/** Read one line from a terminal without echoing it. */
function promptHidden(question: string, source: PassphraseSource): Promise<string> {
	const { input, output } = source;
	return new Promise((resolve, reject) => {
		output.write(question);
		let typed = '';
		const wasRaw = input.isRaw;
		input.setRawMode(true);
		input.resume();
		input.setEncoding('utf8');
		const finish = (error: Error | null) => {
			input.off('data', onData);
			input.setRawMode(wasRaw);
			input.pause();
			output.write('\n');
			if (error) reject(error);
			else resolve(typed);
		};
		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (char === '\r' || char === '\n') return finish(null);
				if (char === '\u0003' || char === '\u0004') {
					return finish(new CliError(EXIT.usage, 'Cancelled.'));
				}
				if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
				else typed += char;
			}
		};
		input.on('data', onData);
	});
}

/**
 * The passphrase from the environment; or null when it is to be typed (a terminal); or a
 * usage error when there is neither.
 */
function fromEnvironment(source: PassphraseSource, purpose: string): string | null {
	const fromEnv = source.env[PASSPHRASE_ENV];
	if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
	if (!source.input.isTTY) {
		throw new CliError(
			EXIT.usage,
			`No passphrase: set ${PASSPHRASE_ENV} or run in a terminal to be asked for ${purpose}.`
		);
	}
	return null;
}

/** The passphrase of an existing key. */
export async function askPassphrase(
	what: string,
	source: PassphraseSource = defaultSource()
): Promise<string> {
	return fromEnvironment(source, 'it') ?? promptHidden(`Passphrase for ${what}: `, source);
}

/** A new passphrase: from the environment, or typed twice. */
export async function askNewPassphrase(
	what: string,
	source: PassphraseSource = defaultSource()
): Promise<string> {
	const fromEnv = fromEnvironment(source, 'one');
	if (fromEnv !== null) return fromEnv;
	const first = await promptHidden(`New passphrase for ${what}: `, source);
	const second = await promptHidden('The same passphrase again: ', source);
	if (first !== second)
		throw new CliError(EXIT.key, 'The two passphrases differ; nothing was made.');
	return first;
}
