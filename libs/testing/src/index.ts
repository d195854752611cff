export * from './scripted-llm-server';
export * from './app-process';
export * from './databases';
export * from './waiting';
export * from './http-client';
export * from './json-schema-instance';
export * from './own-services';
