// peers.ts and chunked-rtc.ts (y-webrtc, simple-peer: a third of the app's first JavaScript)
// are imported from their own modules, so the app can load them once it connects.
export * from './docs';
export * from './frame';
export * from './record-store';
export * from './local-registry';
export * from './state-file';
export * from './verify-entries';
export * from './exchange';
export * from './citizens';
export * from './drafts';
export * from './drafts-text';
