export * from './scripted-llm-server';
