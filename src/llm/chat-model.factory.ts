import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import { ChatOllama } from '@langchain/ollama';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AppConfig } from '../config/app-config';
import { createNodeHttpFetch } from './node-http-fetch';

/**
 * One factory for every provider. Retries are ours (LlmService), so the clients make one
 * attempt each; the timeout bounds every call.
 */
export function createChatModel(config: AppConfig): BaseChatModel | null {
  const common = { model: config.llmModel, temperature: config.LLM_TEMPERATURE };
  switch (config.llmProvider) {
    case 'offline':
      return null;
    case 'openai':
      return new ChatOpenAI({
        ...common,
        apiKey: config.LLM_API_KEY ?? 'not-required',
        timeout: config.LLM_TIMEOUT_MS,
        maxRetries: 0,
        configuration: {
          ...(config.LLM_BASE_URL ? { baseURL: config.LLM_BASE_URL } : {}),
          fetch: createNodeHttpFetch(),
        },
      });
    case 'ollama':
      return new ChatOllama({
        ...common,
        baseUrl: config.LLM_BASE_URL ?? 'http://127.0.0.1:11434',
        maxRetries: 0,
      });
    case 'anthropic':
      return new ChatAnthropic({
        ...common,
        apiKey: config.LLM_API_KEY,
        maxRetries: 0,
        ...(config.LLM_BASE_URL ? { anthropicApiUrl: config.LLM_BASE_URL } : {}),
      });
  }
}
