export * from './process-sandbox';
