/** Argument parsing shared by the subcommands: node:util's parseArgs, strict. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT } from './exit';

export type Options = NonNullable<ParseArgsConfig['options']>;

export type Command = {
	name: string;
	summary: string;
	usage: string;
	/** Lines after the usage: options and what they do. */
	help: string;
	options: Options;
	/** Positional arguments allowed. */
	positionals: number;
	run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
};

export function parse(command: Command, argv: string[]) {
	try {
		const { values, positionals } = parseArgs({
			args: argv,
			options: { ...command.options, help: { type: 'boolean', short: 'h' } },
			allowPositionals: command.positionals > 0,
			strict: true
		});
		if (positionals.length > command.positionals) {
			throw new CliError(EXIT.usage, `Too many arguments: ${positionals.join(' ')}`);
		}
		return { values: values as Record<string, unknown>, positionals };
	} catch (error) {
		if (error instanceof CliError) throw error;
		// parseArgs explains itself ("Unknown option '--x'"); keep its words, say where to look.
		throw new CliError(
			EXIT.usage,
			`${(error as Error).message}\nSee: webocracy ${command.name} --help`
		);
	}
}

/** A required option's value, or a usage error naming it. */
export function required(values: Record<string, unknown>, name: string, command: string): string {
	const value = values[name];
	if (typeof value !== 'string' || value === '') {
		throw new CliError(EXIT.usage, `Missing --${name}. See: webocracy ${command} --help`);
	}
	return value;
}

export const text = (values: Record<string, unknown>, name: string): string | undefined =>
	typeof values[name] === 'string' ? (values[name] as string) : undefined;

export const list = (values: Record<string, unknown>, name: string): string[] =>
	Array.isArray(values[name]) ? (values[name] as string[]) : [];

/** Signaling URLs as invite links carry them: ws: or wss:, at most 512 characters. */
export function signalingUrls(values: Record<string, unknown>, name = 'signal'): string[] {
	return list(values, name).map((url) => {
		let protocol = '';
		try {
			protocol = new URL(url).protocol;
		} catch {
			// reported below
		}
		if ((protocol !== 'ws:' && protocol !== 'wss:') || url.length > 512) {
			throw new CliError(
				EXIT.usage,
				`--${name} ${url}: a signaling URL starts with ws:// or wss://.`
			);
		}
		return url;
	});
}
