import { readWorld } from '../../world';
import { type Command } from '../args';
import { CliError, EXIT } from '../exit';

export const verify: Command = {
	name: 'verify',
	summary: 'check every record of a state file',
	usage: 'webocracy verify world.webocracy [--json]',
	help: `Reads the state file with every integrity check (format, gzip, hashes), verifies every
record's signature against its author's key and applies the country's rules, as the app's
import does. Prints a summary and each invalid record with its reason.

Exit 0: every record is valid. 4: some record is invalid, or there is no valid founding
record. 3: the file itself is unreadable, truncated or tampered with.

  --json    print the report as JSON`,
	options: { json: { type: 'boolean' } },
	positionals: 1,
	async run(values, positionals) {
		const path = positionals[0];
		if (!path) throw new CliError(EXIT.usage, 'Name the state file: webocracy verify FILE');
		const world = await readWorld(path);
		const { header, citizensUpdate } = world.content;
		const founded = world.country.genesis !== null;
		const report = {
			file: path,
			country: header.country,
			name: header.name,
			exportedAt: new Date(header.exportedAt).toISOString(),
			citizensPart: citizensUpdate !== null,
			entries: world.entries.size,
			valid: world.valid.length,
			invalid: world.invalid.map((entry) => ({
				id: entry.id,
				kind: entry.kind,
				author: entry.author,
				code: entry.status === 'invalid' ? entry.code : 'pending',
				message: entry.status === 'valid' ? '' : entry.message
			})),
			founded
		};
		if (values.json === true) console.log(JSON.stringify(report, null, 2));
		else {
			console.log(`${header.name} (${header.country})`);
			console.log(
				`exported ${report.exportedAt}; citizens' area ${report.citizensPart ? 'included' : 'not included'}`
			);
			console.log(
				`${report.entries} records: ${report.valid} valid, ${report.invalid.length} invalid`
			);
			if (!founded) console.log('No valid founding record (genesis) for this country.');
			for (const r of report.invalid) {
				console.log(
					`  invalid ${r.id} ${r.kind}${r.author ? ` by ${r.author.slice(0, 16)}` : ''}: ${r.code} — ${r.message}`
				);
			}
		}
		return founded && report.invalid.length === 0 ? EXIT.ok : EXIT.invalid;
	}
};
