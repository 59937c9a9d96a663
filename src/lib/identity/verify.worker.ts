/**
 * Checks signatures off the main thread. Started by the pool in verify.ts as a module
 * worker; holds its own cache of parsed public keys for as long as it lives. A request with
 * `entries` is parsed here too (check-entries.ts), so a large sync costs the page no parsing.
 */
import { handleAnyRequest } from './check-entries';
import { createVerifyCore, type WorkerRequest } from './verify-core';
import { WARM_UP_JOB } from './warm-up';

const core = createVerifyCore();

self.addEventListener('message', (event: MessageEvent<unknown>) => {
	const request = event.data as Partial<WorkerRequest> | null;
	const warm = request?.warmUp ? core.verifyBatch([WARM_UP_JOB]) : Promise.resolve();
	void warm
		.then(() => handleAnyRequest(core, event.data))
		.then((response) => self.postMessage(response));
});
