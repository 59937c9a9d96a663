/** The workloads that also run in Node, bundled by bench/support/bundle.js as an SSR module. */
import { nodeCrypto } from '../../src/lib/identity/node-crypto';
import { runIdentity as run, type IdentityOptions } from './identity';

/** In Node, inline verification is also measured on node:crypto, as the mirror verifies. */
export const runIdentity = (options: IdentityOptions) => run({ ...options, crypto: nodeCrypto });
