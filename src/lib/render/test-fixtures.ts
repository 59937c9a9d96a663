/**
 * Test-only access to the renderer's committed fixtures (see fixtures/README.md). Node only:
 * never import this from app code.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./fixtures', import.meta.url));
const path = (...parts: string[]) => join(dir, ...parts);
const read = (file: string) => readFileSync(file, 'utf8');

export type GoldenCase = {
	name: string;
	input: string;
	/** The committed rendering, or null when the case has none yet. */
	output: string | null;
	excerpt: string | null;
};

/** Every folder of fixtures/ with an input.md: adding a case is adding a folder. */
export function goldenCases(): GoldenCase[] {
	return readdirSync(dir)
		.filter((name) => statSync(path(name)).isDirectory() && existsSync(path(name, 'input.md')))
		.sort()
		.map((name) => ({
			name,
			input: read(path(name, 'input.md')),
			output: existsSync(path(name, 'output.html')) ? read(path(name, 'output.html')) : null,
			excerpt: existsSync(path(name, 'excerpt.txt')) ? read(path(name, 'excerpt.txt')) : null
		}));
}

/** Write a case's outputs (UPDATE_GOLDEN=1): to be read by a person before committing. */
export function writeGolden(name: string, outputs: { output: string; excerpt: string }): void {
	writeFileSync(path(name, 'output.html'), outputs.output);
	writeFileSync(path(name, 'excerpt.txt'), `${outputs.excerpt}\n`);
}

export type XssPayload = { name: string; payload: string };

export const xssPayloads = (): XssPayload[] =>
	JSON.parse(read(path('xss-payloads.json'))) as XssPayload[];
