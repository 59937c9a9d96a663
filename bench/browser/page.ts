/** The bench page: exposes the workloads to the driver (bench/run.js) as `window.bench`. */
import { runGovernance } from './governance';
import { runIdentity } from './identity';
import * as joining from './join';
import { runSearch } from './search';
import * as sync from './sync';
import * as reopening from './reopen';

const api = { runIdentity, runGovernance, runSearch, sync, join: joining.join, reopen: reopening };
export type BenchApi = typeof api;

declare global {
	interface Window {
		bench: BenchApi;
	}
}

window.bench = api;
