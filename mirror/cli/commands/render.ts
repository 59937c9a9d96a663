import { readWorld } from '../../world';
import { checkBaseUrl, siteRenderer } from '../../site';
import { required, text, type Command } from '../args';
import { CliError, EXIT } from '../exit';

export const render: Command = {
	name: 'render',
	summary: 'render the static public site of a state file, offline',
	usage: 'webocracy render world.webocracy --out DIR [--base-url URL]',
	help: `Verifies every record of the state file and writes the country's public site (the
same site a mirror serves) as static HTML to DIR. Only valid records appear. Files whose
content did not change are not rewritten; every write is atomic.

  --out DIR          where to write the site
  --base-url URL     where the site will be published (for sitemap.xml and the feed)`,
	options: { out: { type: 'string' }, 'base-url': { type: 'string' } },
	positionals: 1,
	async run(values, positionals) {
		const path = positionals[0];
		if (!path)
			throw new CliError(EXIT.usage, 'Name the state file: webocracy render FILE --out DIR');
		const outDir = required(values, 'out', 'render');
		const baseUrl = checkBaseUrl(text(values, 'base-url'));
		const world = await readWorld(path);
		if (!world.country.genesis) {
			throw new CliError(
				EXIT.invalid,
				`${path} holds no valid founding record: there is no country to render.`
			);
		}
		const outcome = await siteRenderer({ outDir, baseUrl })(world.country);
		console.log(
			`Rendered ${world.country.name}: ${outcome.files} files (${outcome.written} written, ${outcome.removed} removed) in ${outDir}; ${world.valid.length} valid records, ${world.invalid.length} invalid left out.`
		);
		return EXIT.ok;
	}
};
