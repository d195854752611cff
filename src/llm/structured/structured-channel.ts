import type { LlmProviderName } from '../../config/app-config';
import { LlmCallFailed } from '../llm-errors';

/**
 * How a structured call carries its schema. `json_schema`: the schema as the response
 * format (OpenAI `response_format`, Ollama `format`); `tool`: a forced call of one
 * function whose parameters are the schema (Anthropic: forced tool use); `prompt`: the
 * schema in the prompt text only.
 */
export const STRUCTURED_CHANNELS = ['json_schema', 'tool', 'prompt'] as const;
export type StructuredChannel = (typeof STRUCTURED_CHANNELS)[number];
export const STRUCTURED_MODES = ['auto', ...STRUCTURED_CHANNELS] as const;
export type StructuredMode = (typeof STRUCTURED_MODES)[number];

/**
 * The channels a provider tries, best first. `auto` falls back along the list when the
 * server refuses one; a forced mode uses one channel only. Anthropic has no response-format
 * field (both native modes are forced tool use) and Ollama cannot force a tool call (both
 * native modes are `format`).
 */
export function channelsFor(provider: LlmProviderName, mode: StructuredMode): StructuredChannel[] {
  if (mode === 'prompt' || provider === 'offline') return ['prompt'];
  const native: StructuredChannel[] =
    provider === 'openai'
      ? ['json_schema', 'tool']
      : provider === 'anthropic'
        ? ['tool']
        : ['json_schema'];
  if (mode === 'auto') return [...native, 'prompt'];
  return native.includes(mode) ? [mode] : [native[0]];
}

/** What the request carries on the wire for a provider's channel (shown in readiness). */
export function wireFormOf(provider: LlmProviderName, channel: StructuredChannel): string {
  if (channel === 'prompt') return 'prompt text';
  if (provider === 'anthropic') return 'forced tool use (tool_choice type tool, input_schema)';
  if (provider === 'ollama') return 'format (JSON schema)';
  return channel === 'json_schema'
    ? 'response_format json_schema (strict)'
    : 'forced function call (tool_choice function, strict)';
}

/** What a server's 400 names when it refuses a channel (Ollama's field is `format`). */
function refusalPattern(provider: LlmProviderName, channel: StructuredChannel): RegExp {
  if (channel === 'tool') return /tool_choice|\btools?\b|function/i;
  return provider === 'ollama' ? /\bformat\b|schema/i : /response_format|json_schema|strict/i;
}

/** True when the error is the server refusing the channel itself (a 400 naming it). */
export function isChannelRefusal(
  provider: LlmProviderName,
  channel: StructuredChannel,
  error: unknown,
): boolean {
  if (channel === 'prompt' || !(error instanceof LlmCallFailed)) return false;
  const { status, reason } = error.failure;
  return (status === 400 || status === 422) && refusalPattern(provider, channel).test(reason);
}

export interface ChannelFallback {
  from: StructuredChannel;
  to: StructuredChannel;
  reason: string;
  at: string;
}

/**
 * The channel in use per model, for the life of the process: a refused channel is not
 * tried again, and each refusal is reported once.
 */
export class ChannelState {
  private readonly current = new Map<string, number>();
  private readonly fallbacks = new Map<string, ChannelFallback[]>();

  constructor(
    private readonly channels: readonly StructuredChannel[],
    private readonly report: (model: string, fallback: ChannelFallback) => void,
  ) {}

  channelFor(model: string): StructuredChannel {
    return this.channels[this.current.get(model) ?? 0];
  }

  /** Whether a refusal of the current channel can move on to another one. */
  canFallBack(model: string): boolean {
    return (this.current.get(model) ?? 0) < this.channels.length - 1;
  }

  /** Moves past `channel` after the server refused it (once, however many calls saw it). */
  refuse(model: string, channel: StructuredChannel, reason: string): void {
    const index = this.current.get(model) ?? 0;
    if (this.channels[index] !== channel || index >= this.channels.length - 1) return;
    this.current.set(model, index + 1);
    const fallback = {
      from: channel,
      to: this.channels[index + 1],
      reason,
      at: new Date().toISOString(),
    };
    this.fallbacks.set(model, [...(this.fallbacks.get(model) ?? []), fallback]);
    this.report(model, fallback);
  }

  fallbacksOf(model: string): ChannelFallback[] {
    return this.fallbacks.get(model) ?? [];
  }
}
