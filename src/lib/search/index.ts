export * from './content-index';
export * from './documents';
export * from './text';
