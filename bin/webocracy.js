#!/usr/bin/env node
/**
 * The `webocracy` command. Runs the bundled CLI, building it first when it is missing or
 * older than its sources (a fresh checkout after `npm ci`, or after a `git pull`).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCli, cliEntry, cliIsStale } from './build-cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (cliIsStale(root)) {
	process.stderr.write('Building the webocracy command…\n');
	try {
		await buildCli(root);
	} catch (error) {
		process.stderr.write(`The webocracy command could not be built: ${error}\n`);
		process.exit(1);
	}
}
const { main } = await import(pathToFileURL(cliEntry(root)).href);
// Exit explicitly: the mirror's WebRTC library keeps native handles that would hold the process.
process.exit(await main(process.argv.slice(2)));
