/** The bench page: exposes the workloads to the driver (bench/run.js) as `window.bench`. */
import { runIdentity } from './identity';
import { runSearch } from './search';
import * as sync from './sync';

const api = { runIdentity, runSearch, sync };
export type BenchApi = typeof api;

declare global {
	interface Window {
		bench: BenchApi;
	}
}

window.bench = api;
