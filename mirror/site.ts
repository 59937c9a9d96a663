/**
 * The static site of a verified country, written to a directory: src/lib/site plans it (a
 * pure function), mirror/site-writer.ts writes only what changed, atomically. `render` and
 * `mirror` share this one path, so both produce the same site from the same records.
 */
import type { CountryView } from '../src/lib/model';
import { createSitePlanner, normalizeBaseUrl } from '../src/lib/site';
import { CliError, EXIT, storageError } from './cli/exit';
import type { RenderOutcome } from './mirror-peer';
import { createSiteWriter } from './site-writer';

/** The --base-url option, checked before any work starts. */
export function checkBaseUrl(baseUrl: string | undefined): string | undefined {
	if (baseUrl === undefined) return undefined;
	const normalized = normalizeBaseUrl(baseUrl);
	if (!normalized.ok) throw new CliError(EXIT.usage, `--base-url: ${normalized.message}`);
	return normalized.value;
}

export function siteRenderer(options: { outDir: string; baseUrl?: string }) {
	const writer = createSiteWriter({ outDir: options.outDir });
	// One planner beside the writer: a change re-plans only what it touched.
	const planner = createSitePlanner();
	return async (country: CountryView): Promise<RenderOutcome> => {
		const started = performance.now();
		const plan = planner.plan({ country, baseUrl: options.baseUrl });
		if (!plan.ok) throw new CliError(EXIT.invalid, `The site cannot be made: ${plan.message}`);
		try {
			const report = await writer.write(plan.value);
			return {
				files: report.files,
				written: report.written,
				removed: report.removed,
				ms: Math.round(performance.now() - started)
			};
		} catch (error) {
			const path = (error as NodeJS.ErrnoException).path;
			if ((error as NodeJS.ErrnoException).code) throw storageError(path ?? options.outDir, error);
			throw error;
		}
	};
}
