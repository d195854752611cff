import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Runnable } from '@langchain/core/runnables';
import { AIMessage, BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { backoffDelay, sleep } from '../../libs/common/src';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { callDeadline } from './call-deadline';
import { classifyLlmError, LlmCallFailed, StructuredOutputInvalid } from './llm-errors';
import { LlmCallScope, LlmUsageRecorder } from './llm-usage.recorder';
import { costUsd, priceFor } from './pricing';
import { schemaInstruction, validateStructured } from './structured-output';
import { deriveSchemas, dropAddedNulls } from './structured/strict-json-schema';
import {
  ChannelFallback,
  channelsFor,
  ChannelState,
  isChannelRefusal,
  StructuredChannel,
  wireFormOf,
} from './structured/structured-channel';
import {
  bindStructured,
  ChatRunnable,
  readStructuredReply,
  StructuredSpec,
} from './structured/structured-binding';

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

export interface ChatResult {
  message: AIMessage;
  usage: LlmUsage;
}

/** Which channel structured calls use, for readiness. */
export interface StructuredOutputStatus {
  mode: string;
  channel: StructuredChannel;
  sends: string;
  fallbacks: ChannelFallback[];
}

/**
 * Every LLM call goes through here: timeouts, retries on 429/5xx/connection failures with
 * exponential backoff and Retry-After, Zod-validated structured output with the
 * validation error fed back, and token/cost accounting per call, task and goal.
 */
@Injectable()
export class LlmService {
  private readonly logger = new Logger('LLM');
  /** Models bound to a tool set, per (cached) tool-definition array. */
  private readonly bound = new WeakMap<ToolDefinition[], Runnable<BaseMessage[], AIMessage>>();
  /** Models bound to carry a schema, per Zod schema and channel. */
  private readonly structuredBound = new WeakMap<z.ZodType, Map<StructuredChannel, ChatRunnable>>();
  private readonly channels: ChannelState;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHAT_MODEL) private readonly model: BaseChatModel | null,
    private readonly usage: LlmUsageRecorder,
  ) {
    this.channels = new ChannelState(
      channelsFor(config.llmProvider, config.LLM_STRUCTURED_MODE),
      (model, fallback) =>
        this.logger.warn(
          `${model}: the server refused structured output through ${wireFormOf(config.llmProvider, fallback.from)} (${fallback.reason}); using ${wireFormOf(config.llmProvider, fallback.to)} from now on`,
        ),
    );
  }

  /** The structured-output channel in use for the configured model. */
  get structuredStatus(): StructuredOutputStatus {
    const channel = this.channels.channelFor(this.modelName);
    return {
      mode: this.config.LLM_STRUCTURED_MODE,
      channel,
      sends: wireFormOf(this.config.llmProvider, channel),
      fallbacks: this.channels.fallbacksOf(this.modelName),
    };
  }

  get provider(): string {
    return this.config.llmProvider;
  }

  get modelName(): string {
    return this.config.llmModel;
  }

  get isOffline(): boolean {
    return this.model === null;
  }

  async chat(
    messages: BaseMessage[],
    scope: LlmCallScope,
    options: { tools?: ToolDefinition[]; bound?: ChatRunnable } = {},
  ): Promise<ChatResult> {
    if (!this.model)
      throw new LlmCallFailed('no LLM provider is configured (offline mode)', {
        retryable: false,
        reason: 'offline',
      });
    const runnable =
      options.bound ?? (options.tools?.length ? this.withTools(options.tools) : this.model);
    const started = performance.now();
    const maxAttempts = this.config.LLM_MAX_RETRIES + 1;
    for (let attempt = 1; ; attempt++) {
      const deadline = callDeadline(scope.signal, this.config.LLM_TIMEOUT_MS);
      try {
        const message = (await runnable.invoke(messages, { signal: deadline.signal })) as AIMessage;
        deadline.dispose();
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
        // a task's totals are read when its result is stored; other calls need not wait
        if (scope.deferredUsage && message.tool_calls?.length)
          // a tool call meets the safety gate, which must see every token spent so far
          await this.usage.recordAll([...scope.deferredUsage.splice(0), { scope, call }]);
        else if (scope.taskId) await this.usage.record(scope, call);
        else this.usage.recordInBackground(scope, call);
        return { message, usage };
      } catch (error) {
        deadline.dispose();
        if (scope.signal?.aborted) throw scope.signal.reason ?? error;
        const failure = deadline.timedOut
          ? { retryable: true, reason: `timed out after ${this.config.LLM_TIMEOUT_MS} ms` }
          : classifyLlmError(error);
        if (!failure.retryable || attempt >= maxAttempts) {
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
          throw new LlmCallFailed(message, failure);
        }
        const computed = backoffDelay(
          attempt,
          this.config.LLM_RETRY_BASE_MS,
          this.config.LLM_RETRY_MAX_MS,
        );
        const delay = Math.min(
          this.config.LLM_RETRY_MAX_MS,
          Math.max(computed, 'retryAfterMs' in failure ? (failure.retryAfterMs ?? 0) : 0),
        );
        this.logger.warn(
          `${scope.purpose}: attempt ${attempt} failed (${failure.reason}); retrying in ${delay} ms`,
        );
        await sleep(delay, scope.signal);
      }
    }
  }

  private withTools(tools: ToolDefinition[]): Runnable<BaseMessage[], AIMessage> {
    let runnable = this.bound.get(tools);
    if (!runnable) {
      if (!this.model?.bindTools)
        throw new LlmCallFailed(`the ${this.provider} model cannot call tools`, {
          retryable: false,
          reason: 'no tool calling',
        });
      runnable = this.model.bindTools(tools) as Runnable<BaseMessage[], AIMessage>;
      this.bound.set(tools, runnable);
    }
    return runnable;
  }

  /**
   * Asks for an object matching `schema`, sent in the provider's native channel (see
   * structured-channel.ts). A server that refuses the channel (a 400 naming it) is asked
   * again through the next one, and that channel is kept for the model. An answer that
   * fails validation goes back with the reason, up to LLM_STRUCTURED_RETRIES times; then
   * the step fails with the reason.
   */
  async structured<T>(
    schema: z.ZodType<T>,
    messages: BaseMessage[],
    scope: LlmCallScope,
  ): Promise<{ value: T; usage: LlmUsage }> {
    for (;;) {
      const channel = this.channels.channelFor(this.modelName);
      try {
        return await this.structuredThrough(channel, schema, messages, scope);
      } catch (error) {
        if (!isChannelRefusal(this.config.llmProvider, channel, error)) throw error;
        if (!this.channels.canFallBack(this.modelName)) throw error;
        this.channels.refuse(this.modelName, channel, (error as LlmCallFailed).failure.reason);
      }
    }
  }

  private async structuredThrough<T>(
    channel: StructuredChannel,
    schema: z.ZodType<T>,
    messages: BaseMessage[],
    scope: LlmCallScope,
  ): Promise<{ value: T; usage: LlmUsage }> {
    const spec: StructuredSpec = { name: scope.purpose, schemas: deriveSchemas(schema) };
    const bound = this.boundFor(schema, channel, spec);
    const instruction = new HumanMessage(schemaInstruction(spec.schemas.plain));
    const conversation = channel === 'prompt' ? [...messages, instruction] : [...messages];
    const total: LlmUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
    let lastError = '';
    let lastOutput = '';
    for (let attempt = 0; attempt <= this.config.LLM_STRUCTURED_RETRIES; attempt++) {
      const { message, usage } = await this.chat(conversation, scope, { bound });
      total.promptTokens += usage.promptTokens;
      total.completionTokens += usage.completionTokens;
      total.costUsd += usage.costUsd;
      const reply = readStructuredReply(message, spec.name);
      lastOutput = reply.raw;
      const checked = reply.ok
        ? validateStructured(schema, dropAddedNulls(reply.data, spec.schemas.plain))
        : reply;
      if (checked.ok) return { value: checked.value, usage: total };
      lastError = checked.error;
      if (reply.toolCallId)
        conversation.push(
          message,
          new ToolMessage({
            tool_call_id: reply.toolCallId,
            content: `Invalid arguments: ${checked.error}. Call ${spec.name} again with corrected arguments.`,
          }),
        );
      else
        conversation.push(
          new AIMessage(lastOutput),
          new HumanMessage(
            `Your reply was invalid: ${checked.error}. Reply again with only the corrected JSON object.`,
          ),
          // a native channel that came back without JSON: say in words what is wanted
          ...(channel !== 'prompt' && !reply.ok ? [instruction] : []),
        );
    }
    throw new StructuredOutputInvalid(
      `${scope.purpose}: the model's output failed validation after ${this.config.LLM_STRUCTURED_RETRIES + 1} attempts: ${lastError}`,
      lastOutput,
    );
  }

  private boundFor(
    schema: z.ZodType,
    channel: StructuredChannel,
    spec: StructuredSpec,
  ): ChatRunnable {
    let perChannel = this.structuredBound.get(schema);
    if (!perChannel) this.structuredBound.set(schema, (perChannel = new Map()));
    let bound = perChannel.get(channel);
    if (!bound) {
      if (!this.model)
        throw new LlmCallFailed('no LLM provider is configured (offline mode)', {
          retryable: false,
          reason: 'offline',
        });
      bound = bindStructured(this.model, this.config.llmProvider, channel, spec);
      perChannel.set(channel, bound);
    }
    return bound;
  }
}

export function messageText(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
