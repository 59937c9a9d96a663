export * from './docs';
export * from './record-store';
export * from './local-registry';
export * from './peers';
export * from './chunked-rtc';
export * from './state-file';
export * from './verify-entries';
export * from './exchange';
