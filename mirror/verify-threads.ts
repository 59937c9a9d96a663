/**
 * Signature checks on Node worker threads, for the mirror and the command line: the
 * identity module's verifier with its worker pool (src/lib/identity/pool.ts), whose workers
 * are threads here instead of a browser's module Workers. A state file or a first sync of
 * 10,000 records is checked on every core; a live record or two still runs inline.
 *
 * Node cannot start a worker from TypeScript, and the command is one bundled file: the
 * worker runs this very module (whatever file it was bundled into), which notices it is
 * the worker and answers requests as src/lib/identity/verify.worker.ts does in a browser.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createVerifier, type Verifier } from '../src/lib/identity';
import type { WorkerLike } from '../src/lib/identity/pool';
import { nodeCrypto } from '../src/lib/identity/node-crypto';
import { handleAnyRequest } from '../src/lib/identity/check-entries';
import { createVerifyCore } from '../src/lib/identity/verify-core';

/** Marks a thread started by `threadWorker` (any other worker of the process is left alone). */
const ROLE = 'webocracy-verify-thread';

if (!isMainThread && parentPort && (workerData as { role?: unknown } | null)?.role === ROLE) {
	const port = parentPort;
	const core = createVerifyCore({ crypto: nodeCrypto });
	port.on('message', (data: unknown) => {
		// Loaded only when asked, as verify.ts loads it: the known-good record to warm up with.
		const warm = (data as { warmUp?: unknown } | null)?.warmUp
			? import('../src/lib/identity/warm-up').then(({ WARM_UP_JOB }) =>
					core.verifyBatch([WARM_UP_JOB])
				)
			: Promise.resolve();
		void warm
			.then(() => handleAnyRequest(core, data))
			.then((response) => port.postMessage(response));
	});
}

/**
 * One verify thread as the pool sees a Worker. It keeps the process alive only while it has
 * work: a verifier nobody destroys does not hold a finished command open.
 */
export function threadWorker(): WorkerLike {
	const worker = new Worker(new URL(import.meta.url), { workerData: { role: ROLE } });
	let inFlight = 0;
	worker.unref();
	const like: WorkerLike = {
		onmessage: null,
		onerror: null,
		postMessage(message) {
			if (inFlight++ === 0) worker.ref();
			worker.postMessage(message);
		},
		terminate() {
			void worker.terminate();
		}
	};
	worker.on('message', (data: unknown) => {
		if (--inFlight === 0) worker.unref();
		like.onmessage?.({ data } as MessageEvent);
	});
	// The pool then gives this thread's chunks to the others or checks them inline.
	const failed = (message: string) => {
		inFlight = 0;
		worker.unref();
		like.onerror?.({ message } as ErrorEvent);
	};
	worker.on('error', (error) => failed(String(error)));
	worker.on('exit', (code) => {
		if (code !== 0) failed(`verify thread exited with ${code}`);
	});
	return like;
}

/** A verifier whose big batches run on up to two threads (this machine's cores, at most 2). */
export function createThreadVerifier(options: { threads?: number } = {}): Verifier {
	const threads = options.threads ?? Math.max(1, Math.min(2, availableParallelism()));
	return createVerifier({
		useWorkers: true,
		createWorker: threadWorker,
		poolSize: threads,
		crypto: nodeCrypto
	});
}
