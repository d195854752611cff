import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  AIMessage,
  type AIMessageChunk,
  type BaseMessage,
  isBaseMessage,
} from '@langchain/core/messages';
import {
  ChatOpenAI,
  type ChatOpenAICallOptions,
  type ChatOpenAIFields,
  convertCompletionsMessageToBaseMessage,
  convertMessagesToCompletionsMessageParams,
} from '@langchain/openai';
import { getEnvironmentVariable } from '@langchain/core/utils/env';
import type { FetchFunction } from './node-http-fetch';

/** Where the plain calls go: the endpoint's base URL, its key and the HTTP client. */
export interface ChatCompletionsEndpoint {
  baseUrl: string;
  apiKey: string;
  fetch: FetchFunction;
}

/** An answer the endpoint refused, shaped as the OpenAI client reports it (status, headers). */
export class ChatCompletionsError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    detail: string,
  ) {
    super(`${status} ${detail}`);
    this.name = 'ChatCompletionsError';
  }
}

/**
 * An answer cut short, reported as the OpenAI client's structured-output reader reports it
 * (by the class name, which the unreadable-answer check reads).
 */
class LengthFinishReasonError extends Error {
  constructor() {
    super('Could not parse response content as the length limit was reached');
    this.name = 'LengthFinishReasonError';
  }
}

class ContentFilterFinishReasonError extends Error {
  constructor() {
    super('Could not parse response content as the request was rejected by the content filter');
    this.name = 'ContentFilterFinishReasonError';
  }
}

/** The Chat Completions answer as the client's converter reads it. */
type Completion = Parameters<typeof convertCompletionsMessageToBaseMessage>[0]['rawResponse'];

/**
 * ChatOpenAI whose plain Chat Completions calls (not streamed, no callbacks or tracing) are
 * sent straight to the endpoint: the same request body, built by the client's own
 * `invocationParams` and message converter, and the same message back, without the
 * callback machinery and the OpenAI SDK's request pipeline between them, which cost about
 * as much CPU per call as the rest of a task's orchestration. Streams, the Responses API
 * and traced calls take ChatOpenAI's own path unchanged.
 */
export class OpenAiChatCompletions extends ChatOpenAI {
  private readonly url: string;

  constructor(
    private readonly settings: ChatOpenAIFields,
    private readonly endpoint: ChatCompletionsEndpoint,
  ) {
    super(settings);
    this.url = `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  /** ChatOpenAI binds call options (tools, response formats) on a copy of itself: so do we. */
  override withConfig(config: Partial<ChatOpenAICallOptions>): OpenAiChatCompletions {
    const bound = new OpenAiChatCompletions(this.settings, this.endpoint);
    bound.defaultOptions = { ...this.defaultOptions, ...config };
    return bound;
  }

  override async invoke(
    input: BaseLanguageModelInput,
    options?: Partial<ChatOpenAICallOptions>,
  ): Promise<AIMessageChunk> {
    const [config, callOptions] = this._separateRunnableConfigFromCallOptionsCompat(options);
    const direct =
      Array.isArray(input) &&
      input.every((m) => isBaseMessage(m)) &&
      !this.streaming &&
      !config.callbacks &&
      !this.callbacks &&
      !tracing() &&
      !this._useResponsesApi(callOptions);
    if (!direct) return super.invoke(input, options);
    const message = await this.complete(input as BaseMessage[], callOptions);
    // ChatOpenAI's own invoke answers with this same message under its chunk type
    return message as unknown as AIMessageChunk;
  }

  private async complete(
    messages: BaseMessage[],
    callOptions: this['ParsedCallOptions'],
  ): Promise<BaseMessage> {
    callOptions.signal?.throwIfAborted();
    const body = {
      ...this.invocationParams(callOptions),
      stream: false,
      messages: convertMessagesToCompletionsMessageParams({ messages, model: this.model }),
    };
    const response = await this.endpoint.fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${this.endpoint.apiKey}`,
      },
      body: JSON.stringify(body),
      signal: callOptions.signal,
    });
    const text = await response.text();
    if (!response.ok)
      throw new ChatCompletionsError(response.status, response.headers, detailOf(text));
    const completion = JSON.parse(text) as Completion;
    const choice = completion.choices?.[0];
    if (this._combineCallOptions(callOptions).response_format?.type === 'json_schema') {
      if (choice?.finish_reason === 'length') throw new LengthFinishReasonError();
      if (choice?.finish_reason === 'content_filter') throw new ContentFilterFinishReasonError();
    }
    const message = convertCompletionsMessageToBaseMessage({
      message: choice?.message ?? { role: 'assistant', content: null, refusal: null },
      rawResponse: completion,
    });
    if (AIMessage.isInstance(message)) {
      message.usage_metadata = usageOf(completion.usage);
      if (choice?.finish_reason)
        message.response_metadata = {
          ...message.response_metadata,
          finish_reason: choice.finish_reason,
        };
    }
    return message;
  }
}

function usageOf(usage: Completion['usage']) {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: usage?.total_tokens ?? input + output,
  };
}

/** The refusal's own words: OpenAI's `{error: {message}}`, a plain `{error}`, or the body. */
function detailOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      message?: unknown;
    };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 500) || 'status code (no body)';
}

/** LangSmith tracing, as LangChain itself reads it, wants the callback path. */
function tracing(): boolean {
  return [
    'LANGSMITH_TRACING_V2',
    'LANGCHAIN_TRACING_V2',
    'LANGSMITH_TRACING',
    'LANGCHAIN_TRACING',
  ].some((name) => getEnvironmentVariable(name) === 'true');
}
