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
      return createOpenAICompatibleModel(config, {
        model: config.llmModel,
        apiKey: config.LLM_API_KEY,
        baseUrl: config.LLM_BASE_URL,
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
    default:
      // a plugin's provider: LlmService takes its model from the ChatProviderRegistry
      return null;
  }
}

/** An OpenAI-compatible endpoint, built as for `LLM_PROVIDER=openai` (a plugin's gateway too). */
export function createOpenAICompatibleModel(
  config: AppConfig,
  endpoint: { model: string; apiKey?: string; baseUrl?: string },
): ChatOpenAI {
  return new ChatOpenAI({
    model: endpoint.model,
    temperature: config.LLM_TEMPERATURE,
    apiKey: endpoint.apiKey ?? 'not-required',
    timeout: config.LLM_TIMEOUT_MS,
    maxRetries: 0,
    configuration: {
      ...(endpoint.baseUrl ? { baseURL: endpoint.baseUrl } : {}),
      fetch: createNodeHttpFetch(),
    },
  });
}
