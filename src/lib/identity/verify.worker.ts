/**
 * Checks signatures off the main thread. Started by the pool in verify.ts as a module
 * worker; holds its own cache of parsed public keys for as long as it lives.
 */
import { createVerifyCore, handleRequest, type WorkerRequest } from './verify-core';
import { WARM_UP_JOB } from './warm-up';

const core = createVerifyCore();

self.addEventListener('message', (event: MessageEvent<unknown>) => {
	const warm = (event.data as Partial<WorkerRequest> | null)?.warmUp
		? core.verifyBatch([WARM_UP_JOB])
		: Promise.resolve();
	void warm
		.then(() => handleRequest(core, event.data))
		.then((response) => self.postMessage(response));
});
