/**
 * Checks signatures off the main thread. Started by the pool in verify.ts as a module
 * worker; holds its own cache of parsed public keys for as long as it lives.
 */
import { createVerifyCore, handleRequest } from './verify-core';

const core = createVerifyCore();

self.addEventListener('message', (event: MessageEvent<unknown>) => {
	void handleRequest(core, event.data).then((response) => self.postMessage(response));
});
