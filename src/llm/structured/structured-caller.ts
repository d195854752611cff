import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { z } from 'zod';
import type { LlmProviderName } from '../../config/app-config';
import { isUnreadableAnswer, LlmCallFailed, StructuredOutputInvalid } from '../llm-errors';
import type { LlmCallScope } from '../llm-usage.recorder';
import type { ChatResult, LlmUsage } from '../llm.service';
import { schemaInstruction, validateStructured } from '../structured-output';
import { deriveSchemas, dropAddedNulls } from './strict-json-schema';
import {
  ChannelFallback,
  channelsFor,
  ChannelState,
  isChannelRefusal,
  StructuredChannel,
  StructuredMode,
  wireFormOf,
} from './structured-channel';
import {
  bindStructured,
  ChatRunnable,
  readStructuredReply,
  StructuredSpec,
} from './structured-binding';

/** Which channel structured calls use, for readiness. */
export interface StructuredOutputStatus {
  mode: StructuredMode;
  channel: StructuredChannel;
  sends: string;
  fallbacks: ChannelFallback[];
}

export interface StructuredCallerOptions {
  provider: LlmProviderName;
  model: string;
  mode: StructuredMode;
  /** Repair rounds after an invalid answer (LLM_STRUCTURED_RETRIES). */
  retries: number;
  chatModel: BaseChatModel | null;
  /** One call with retries and accounting (LlmService.chat). */
  chat(messages: BaseMessage[], scope: LlmCallScope, bound: ChatRunnable): Promise<ChatResult>;
  warn(message: string): void;
}

/**
 * Structured calls: the schema goes in the provider's native channel (structured-channel.ts);
 * a server that refuses the channel (a 400 naming it) is asked again through the next one,
 * which the model keeps for the life of the process. An answer that fails validation, or
 * that the schema's refinements find unusable, goes back with the reason, up to `retries`
 * times; then the step fails with the reason.
 */
export class StructuredCaller {
  private readonly channels: ChannelState;
  /** Models bound to carry a schema, per Zod schema and channel. */
  private readonly bound = new WeakMap<z.ZodType, Map<StructuredChannel, ChatRunnable>>();

  constructor(private readonly options: StructuredCallerOptions) {
    const { provider } = options;
    this.channels = new ChannelState(channelsFor(provider, options.mode), (model, fallback) =>
      options.warn(
        `${model}: the server refused structured output through ${wireFormOf(provider, fallback.from)} (${fallback.reason}); using ${wireFormOf(provider, fallback.to)} from now on`,
      ),
    );
  }

  get status(): StructuredOutputStatus {
    const channel = this.channels.channelFor(this.options.model);
    return {
      mode: this.options.mode,
      channel,
      sends: wireFormOf(this.options.provider, channel),
      fallbacks: this.channels.fallbacksOf(this.options.model),
    };
  }

  async call<T>(
    schema: z.ZodType<T>,
    messages: BaseMessage[],
    scope: LlmCallScope,
  ): Promise<{ value: T; usage: LlmUsage }> {
    const { model, provider } = this.options;
    for (;;) {
      const channel = this.channels.channelFor(model);
      try {
        return await this.through(channel, schema, messages, scope);
      } catch (error) {
        if (!isChannelRefusal(provider, channel, error) || !this.channels.canFallBack(model))
          throw error;
        this.channels.refuse(model, channel, (error as LlmCallFailed).failure.reason);
      }
    }
  }

  private async through<T>(
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
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      let result: ChatResult;
      try {
        result = await this.options.chat(conversation, scope, bound);
      } catch (error) {
        if (!isUnreadableAnswer(error)) throw error;
        lastError = `not valid JSON (${((error as Error).cause as Error).message})`;
        conversation.push(
          new HumanMessage(
            `Your reply was invalid: ${lastError}. Reply again with only the corrected JSON object.`,
          ),
          instruction,
        );
        continue;
      }
      const { message, usage } = result;
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
      `${scope.purpose}: the model's output failed validation after ${this.options.retries + 1} attempts: ${lastError}`,
      lastOutput,
    );
  }

  private boundFor(
    schema: z.ZodType,
    channel: StructuredChannel,
    spec: StructuredSpec,
  ): ChatRunnable {
    let perChannel = this.bound.get(schema);
    if (!perChannel) this.bound.set(schema, (perChannel = new Map()));
    let runnable = perChannel.get(channel);
    if (!runnable) {
      const { chatModel, provider } = this.options;
      if (!chatModel)
        throw new LlmCallFailed('no LLM provider is configured (offline mode)', {
          retryable: false,
          reason: 'offline',
        });
      runnable = bindStructured(chatModel, provider, channel, spec);
      perChannel.set(channel, runnable);
    }
    return runnable;
  }
}
