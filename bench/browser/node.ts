/** The workloads that also run in Node, bundled by bench/support/bundle.js as an SSR module. */
export { runIdentity } from './identity';
