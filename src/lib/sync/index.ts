export * from './docs';
export * from './record-store';
export * from './local-registry';
export * from './peers';
export * from './chunked-rtc';
