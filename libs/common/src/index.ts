export * from './ids';
export * from './errors';
export * from './problem';
export * from './crypto';
export * from './pagination';
export * from './backoff';
export * from './concurrency';
export * from './ttl-cache';
