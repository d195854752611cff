import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Runnable } from '@langchain/core/runnables';
import { AIMessage, AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { backoffDelay, sleep } from '#common';
import { APP_CONFIG } from '../config/config.module';
import { HookManager } from '../hooks/hook-manager';
import { isBuiltinLlmProvider, type AppConfig, type LlmProviderName } from '../config/app-config';
import { AddedChatProvider, ChatProviderRegistry } from './chat-provider-registry';
import { callDeadline } from './call-deadline';
import { fromHookMessages, toHookMessages } from './hook-messages';
import { classifyLlmError, LlmCallFailed } from './llm-errors';
import { LlmCallScope, LlmUsageRecorder } from './llm-usage.recorder';
import { TokenBudget } from '../quotas/token-budget';
import { isOutage, ModelAvailability } from './model-availability';
import { costUsd, priceFor } from './pricing';
import type { ChatRunnable } from './structured/structured-binding';
import { StructuredCaller, StructuredOutputStatus } from './structured/structured-caller';
import type { StructuredMode } from './structured/structured-channel';

export type { StructuredOutputStatus } from './structured/structured-caller';

export const CHAT_MODEL = Symbol('CHAT_MODEL');

/** A function the model may call, in OpenAI function-calling form. */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

interface ActiveModel {
  provider: string;
  modelName: string;
  model: BaseChatModel | null;
  structured: StructuredCaller;
  /** Whether answers may be streamed: the OpenAI, Ollama and Anthropic wire forms. */
  streams: boolean;
}

/** Where a streamed answer's text goes while the model writes it. */
export interface TextStreamSink {
  text(piece: string): void;
  /** The call is tried again: the text so far is void and begins anew. */
  restart(): void;
}

export interface ChatResult {
  message: AIMessage;
  usage: LlmUsage;
}

/**
 * Every LLM call goes through here: timeouts, retries on 429/5xx/connection failures with
 * exponential backoff and Retry-After, Zod-validated structured output with the
 * validation error fed back, and token/cost accounting per call, task and goal.
 */
@Injectable()
export class LlmService {
  private readonly logger = new Logger('LLM');
  /** Models bound to a tool set, per model and (cached) tool-definition array. */
  private readonly bound = new WeakMap<
    BaseChatModel,
    WeakMap<ToolDefinition[], Runnable<BaseMessage[], AIMessage>>
  >();
  /** The model of a built-in provider, made at start; a plugin's is looked up per call. */
  private readonly builtin: ActiveModel | undefined;
  private readonly pluginModels = new WeakMap<AddedChatProvider, ActiveModel>();
  readonly availability = new ModelAvailability((message) => this.logger.warn(message));

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHAT_MODEL) model: BaseChatModel | null,
    private readonly usage: LlmUsageRecorder,
    private readonly budget: TokenBudget,
    private readonly hooks: HookManager,
    private readonly providers: ChatProviderRegistry = new ChatProviderRegistry(config),
  ) {
    if (isBuiltinLlmProvider(config.llmProvider))
      this.builtin = this.activeModel(config.llmProvider, config.llmModel, model, {
        wire: config.llmProvider,
        mode: config.LLM_STRUCTURED_MODE,
      });
  }

  private activeModel(
    provider: string,
    modelName: string,
    model: BaseChatModel | null,
    structured: { wire: LlmProviderName; mode: StructuredMode },
  ): ActiveModel {
    return {
      provider,
      modelName,
      model,
      streams:
        structured.wire === 'openai' ||
        structured.wire === 'ollama' ||
        structured.wire === 'anthropic',
      structured: new StructuredCaller({
        provider: structured.wire,
        model: modelName,
        mode: structured.mode,
        retries: this.config.LLM_STRUCTURED_RETRIES,
        chatModel: model,
        chat: (messages, scope, bound) => this.chat(messages, scope, { bound }),
        warn: (message) => this.logger.warn(message),
      }),
    };
  }

  /**
   * The model in use: the built-in provider's, or the plugin provider `LLM_PROVIDER` names
   * (which exists once plugins have loaded; until then, or after it is removed, calls fail
   * with the available ids).
   */
  private get active(): ActiveModel {
    if (this.builtin) return this.builtin;
    const provider = this.providers.configured();
    let active = this.pluginModels.get(provider);
    if (!active) {
      active = this.activeModel(provider.id, provider.modelName, provider.model, {
        wire: provider.wire,
        mode: provider.structuredInPromptOnly ? 'prompt' : this.config.LLM_STRUCTURED_MODE,
      });
      this.pluginModels.set(provider, active);
    }
    return active;
  }

  /** The structured-output channel in use for the configured model. */
  get structuredStatus(): StructuredOutputStatus {
    return this.active.structured.status;
  }

  get provider(): string {
    return this.active.provider;
  }

  get modelName(): string {
    return this.active.modelName;
  }

  get isOffline(): boolean {
    return this.active.model === null;
  }

  /**
   * One model call. With `stream` (and a provider that streams) the answer is asked for as
   * a stream and its text handed to the sink as it arrives; the result, usage (the stream's
   * usage chunk) and accounting are those of the same call made whole.
   */
  async chat(
    messages: BaseMessage[],
    scope: LlmCallScope,
    options: { tools?: ToolDefinition[]; bound?: ChatRunnable; stream?: TextStreamSink } = {},
  ): Promise<ChatResult> {
    const { model, streams } = this.active;
    if (!model)
      throw new LlmCallFailed('no LLM provider is configured (offline mode)', {
        retryable: false,
        reason: 'offline',
      });
    this.refuseWhenBudgetSpent(scope.tenantId);
    if (this.hooks.has('llm.before_call')) messages = await this.beforeCall(messages, scope);
    const runnable =
      options.bound ?? (options.tools?.length ? this.withTools(model, options.tools) : model);
    const started = performance.now();
    const maxAttempts = this.config.LLM_MAX_RETRIES + 1;
    const sink = streams ? options.stream : undefined;
    for (let attempt = 1; ; attempt++) {
      const deadline = callDeadline(scope.signal, this.config.LLM_TIMEOUT_MS);
      let message: AIMessage;
      try {
        if (attempt > 1) sink?.restart();
        message = sink
          ? await streamedMessage(runnable, messages, deadline.signal, sink)
          : ((await runnable.invoke(messages, { signal: deadline.signal })) as AIMessage);
        deadline.dispose();
      } catch (error) {
        deadline.dispose();
        if (scope.signal?.aborted) throw scope.signal.reason ?? error;
        const failure = deadline.timedOut
          ? { retryable: true, reason: `timed out after ${this.config.LLM_TIMEOUT_MS} ms` }
          : classifyLlmError(error);
        const outage = isOutage(failure);
        const retrying = outage
          ? this.availability.outage(failure, this.config.LLM_OUTAGE_MAX_MS)
          : failure.retryable && attempt < maxAttempts;
        if (!retrying) {
          const where = this.config.LLM_BASE_URL ? ` at ${this.config.LLM_BASE_URL}` : '';
          const message = `LLM provider ${this.provider}${where} failed after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${failure.reason}`;
          await this.usage.record(scope, {
            provider: this.provider,
            model: this.modelName,
            status: 'failed',
            error: failure.reason,
            attempts: attempt,
            promptTokens: 0,
            completionTokens: 0,
            costUsd: 0,
            durationMs: performance.now() - started,
          });
          throw new LlmCallFailed(message, failure, error);
        }
        const computed = backoffDelay(
          attempt,
          this.config.LLM_RETRY_BASE_MS,
          outage ? this.config.LLM_OUTAGE_PROBE_MS : this.config.LLM_RETRY_MAX_MS,
        );
        const delay = Math.min(
          this.config.LLM_RETRY_MAX_MS,
          Math.max(computed, 'retryAfterMs' in failure ? (failure.retryAfterMs ?? 0) : 0),
        );
        if (!outage)
          this.logger.warn(
            `${scope.purpose}: attempt ${attempt} failed (${failure.reason}); retrying in ${delay} ms`,
          );
        await sleep(delay, scope.signal);
        continue;
      }
      this.availability.reached();
      // recorded after the call, outside its retries: a database fault here is not the model's
      const promptTokens = message.usage_metadata?.input_tokens ?? 0;
      const completionTokens = message.usage_metadata?.output_tokens ?? 0;
      const cost = costUsd(
        priceFor(this.modelName, this.config.LLM_PRICES),
        promptTokens,
        completionTokens,
      );
      const usage = { promptTokens, completionTokens, costUsd: cost };
      const call = {
        provider: this.provider,
        model: this.modelName,
        status: 'succeeded' as const,
        attempts: attempt,
        promptTokens,
        completionTokens,
        costUsd: cost,
        durationMs: performance.now() - started,
      };
      if (scope.ready) {
        // made while its task's start was written: the answer waits for that start, and a
        // task that could not start keeps the call with its attempt's others (`deferredUsage`)
        const notStarted = await scope.ready.then(
          () => undefined,
          (error: unknown) => ({ error }),
        );
        if (notStarted) {
          scope.deferredUsage?.push({ scope, call });
          throw notStarted.error;
        }
      }
      // a task's totals are read when its result is stored; other calls need not wait
      if (scope.deferredUsage && message.tool_calls?.length)
        // a tool call meets the safety gate, which must see every token spent so far
        await this.usage.recordAll([...scope.deferredUsage.splice(0), { scope, call }]);
      else if (scope.taskId) await this.usage.record(scope, call);
      else this.usage.recordInBackground(scope, call);
      if (this.hooks.has('llm.after_call'))
        await this.hooks.emit('llm.after_call', scope.tenantId, {
          ...this.hookScope(scope),
          content: messageText(message),
          tool_calls: (message.tool_calls ?? []).map((c) => ({ name: c.name, args: c.args })),
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
        });
      return { message, usage };
    }
  }

  /** The messages after plugins' `llm.before_call` handlers; a cancel refuses the call. */
  private async beforeCall(messages: BaseMessage[], scope: LlmCallScope): Promise<BaseMessage[]> {
    const hookMessages = toHookMessages(messages, messageText);
    const outcome = await this.hooks.emit('llm.before_call', scope.tenantId, {
      ...this.hookScope(scope),
      messages: hookMessages,
    });
    if (outcome.cancelled) {
      const reason = `refused by plugin ${outcome.cancelled.plugin}: ${outcome.cancelled.reason}`;
      throw new LlmCallFailed(reason, { retryable: false, reason });
    }
    return outcome.payload.messages === hookMessages
      ? messages
      : fromHookMessages(outcome.payload.messages, messages);
  }

  private hookScope(scope: LlmCallScope) {
    return {
      goal_id: scope.goalId ?? null,
      task_id: scope.taskId ?? null,
      purpose: scope.purpose,
      provider: this.provider,
      model: this.modelName,
    };
  }

  /** A tenant whose tokens of the day are spent makes no further call today. */
  private refuseWhenBudgetSpent(tenantId: string): void {
    try {
      this.budget.assertAvailable(tenantId);
    } catch (error) {
      const reason = (error as Error).message;
      throw new LlmCallFailed(reason, { retryable: false, reason }, error);
    }
  }

  private withTools(
    model: BaseChatModel,
    tools: ToolDefinition[],
  ): Runnable<BaseMessage[], AIMessage> {
    let byTools = this.bound.get(model);
    if (!byTools) this.bound.set(model, (byTools = new WeakMap()));
    let runnable = byTools.get(tools);
    if (!runnable) {
      if (!model.bindTools)
        throw new LlmCallFailed(`the ${this.provider} model cannot call tools`, {
          retryable: false,
          reason: 'no tool calling',
        });
      runnable = model.bindTools(tools) as Runnable<BaseMessage[], AIMessage>;
      byTools.set(tools, runnable);
    }
    return runnable;
  }

  /**
   * Asks for an object matching `schema`, through the provider's native channel with
   * fallback and the repair loop (see StructuredCaller).
   */
  structured<T>(
    schema: z.ZodType<T>,
    messages: BaseMessage[],
    scope: LlmCallScope,
  ): Promise<{ value: T; usage: LlmUsage }> {
    return this.active.structured.call(schema, messages, scope);
  }
}

/** Streams one answer, handing its text on, and returns it whole as `invoke` would. */
async function streamedMessage(
  runnable: ChatRunnable | BaseChatModel | Runnable<BaseMessage[], AIMessage>,
  messages: BaseMessage[],
  signal: AbortSignal,
  sink: TextStreamSink,
): Promise<AIMessage> {
  let whole: AIMessageChunk | undefined;
  const tokens = { input: 0, output: 0 };
  for await (const chunk of await runnable.stream(messages, { signal })) {
    const piece = chunk as AIMessageChunk;
    const text = messageText(piece);
    if (text) sink.text(text);
    whole = whole ? whole.concat(piece) : piece;
    // Counts arrive once (OpenAI's last chunk, Ollama's) or as a start and a running total
    // (Anthropic: output tokens in message_start, then the cumulative count), which summing
    // the chunks would count twice: the largest of each is the call's.
    tokens.input = Math.max(tokens.input, piece.usage_metadata?.input_tokens ?? 0);
    tokens.output = Math.max(tokens.output, piece.usage_metadata?.output_tokens ?? 0);
  }
  // a client may end its stream quietly on abort, where `invoke` throws
  if (signal.aborted) throw signal.reason;
  if (!whole) throw new Error('the model answered with an empty stream');
  return new AIMessage({
    id: whole.id,
    // the text as a whole answer has it (a stream of Anthropic's blocks comes as parts);
    // tool calls travel in tool_calls, as every provider's client reads them back
    content: messageText(whole),
    tool_calls: whole.tool_calls,
    invalid_tool_calls: whole.invalid_tool_calls,
    usage_metadata: whole.usage_metadata && {
      ...whole.usage_metadata,
      input_tokens: tokens.input,
      output_tokens: tokens.output,
      total_tokens: tokens.input + tokens.output,
    },
    response_metadata: whole.response_metadata,
  });
}

export function messageText(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
