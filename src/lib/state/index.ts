export * from './app.svelte';
export * from './context';
export * from './country.svelte';
export * from './identity.svelte';
export * from './founding';
export * from './invites';
export * from './publishing';
export type { ConnectionStatus, DiagnosticEntry, HeldCountry } from '../sync';
