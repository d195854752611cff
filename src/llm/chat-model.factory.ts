import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ChatOpenAI } from '@langchain/openai';
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
      return new (clients('@langchain/ollama').ChatOllama)({
        ...common,
        baseUrl: config.LLM_BASE_URL ?? 'http://127.0.0.1:11434',
        maxRetries: 0,
      });
    case 'anthropic':
      return new (clients('@langchain/anthropic').ChatAnthropic)({
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

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** An OpenAI-compatible endpoint, built as for `LLM_PROVIDER=openai` (a plugin's gateway too). */
export function createOpenAICompatibleModel(
  config: AppConfig,
  endpoint: { model: string; apiKey?: string; baseUrl?: string },
): ChatOpenAI {
  const apiKey = endpoint.apiKey ?? 'not-required';
  const fetch = createNodeHttpFetch();
  return new (clients('./openai-chat-completions').OpenAiChatCompletions)(
    {
      model: endpoint.model,
      temperature: config.LLM_TEMPERATURE,
      apiKey,
      timeout: config.LLM_TIMEOUT_MS,
      maxRetries: 0,
      configuration: {
        ...(endpoint.baseUrl ? { baseURL: endpoint.baseUrl } : {}),
        fetch,
      },
    },
    { baseUrl: endpoint.baseUrl ?? OPENAI_BASE_URL, apiKey, fetch },
  );
}

interface ClientPackages {
  '@langchain/ollama': typeof import('@langchain/ollama');
  '@langchain/anthropic': typeof import('@langchain/anthropic');
  './openai-chat-completions': typeof import('./openai-chat-completions');
}

/**
 * A provider's client package, loaded when a model of that provider is first built: the
 * three cost about half a second of start-up together, and an offline product (the
 * default) or one provider's deployment needs none or one of them.
 */
function clients<P extends keyof ClientPackages>(name: P): ClientPackages[P] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use; model construction is synchronous
  return require(name) as ClientPackages[P];
}
