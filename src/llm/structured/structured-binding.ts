import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { LlmProviderName } from '../../config/app-config';
import { extractJson } from '../structured-output';
import type { StructuredChannel } from './structured-channel';
import type { DerivedSchema } from './strict-json-schema';

export type ChatRunnable = Runnable<BaseMessage[], AIMessage>;

/** One structured request: its name (the function or response-format name) and schemas. */
export interface StructuredSpec {
  name: string;
  schemas: DerivedSchema;
}

/** Options a provider's chat model accepts per call; checked by the providers themselves. */
type CallOptions = Record<string, unknown>;

interface ConfigurableModel {
  withConfig(config: CallOptions): ChatRunnable;
  bindTools?(tools: unknown[], kwargs?: CallOptions): ChatRunnable;
}

/**
 * The model bound to carry the schema in `channel`, as each provider's LangChain client
 * puts it on the wire: OpenAI `response_format: {type: "json_schema", json_schema: {name,
 * schema, strict: true}}` or `tools` + `tool_choice` naming the one function; Anthropic
 * `tools` + `tool_choice: {type: "tool"}`; Ollama `format: <schema>`.
 */
export function bindStructured(
  model: BaseChatModel,
  provider: LlmProviderName,
  channel: StructuredChannel,
  spec: StructuredSpec,
): ChatRunnable {
  const configurable = model as unknown as ConfigurableModel;
  const { name, schemas } = spec;
  if (channel === 'prompt') return model as unknown as ChatRunnable;
  if (provider === 'ollama') return configurable.withConfig({ format: schemas.strict });
  if (provider === 'anthropic')
    return requireBindTools(configurable, provider)(
      [{ name, description: `Report the ${name} result.`, input_schema: schemas.plain }],
      { tool_choice: { type: 'tool', name } },
    );
  if (channel === 'json_schema')
    return configurable.withConfig({
      response_format: {
        type: 'json_schema',
        json_schema: { name, schema: schemas.strict, strict: true },
      },
    });
  return requireBindTools(configurable, provider)(
    [
      {
        type: 'function',
        function: {
          name,
          description: `Report the ${name} result.`,
          parameters: schemas.strict,
        },
      },
    ],
    {
      tool_choice: { type: 'function', function: { name } },
      strict: true,
      parallel_tool_calls: false,
    },
  );
}

function requireBindTools(
  model: ConfigurableModel,
  provider: string,
): NonNullable<ConfigurableModel['bindTools']> {
  if (!model.bindTools) throw new Error(`the ${provider} model cannot call tools`);
  return model.bindTools.bind(model);
}

/** The structured answer a reply carries: a call of the named function, else its text. */
export type StructuredReply =
  | { ok: true; data: unknown; raw: string; toolCallId?: string }
  | { ok: false; error: string; raw: string; toolCallId?: string };

export function readStructuredReply(message: AIMessage, name: string): StructuredReply {
  const call = message.tool_calls?.find((c) => c.name === name) ?? message.tool_calls?.[0];
  if (call)
    return { ok: true, data: call.args, raw: JSON.stringify(call.args), toolCallId: call.id };
  const invalid = message.invalid_tool_calls?.[0];
  if (invalid)
    return {
      ok: false,
      error: `the ${invalid.name ?? name} call's arguments are not valid JSON${invalid.error ? ` (${invalid.error})` : ''}`,
      raw: invalid.args ?? '',
      toolCallId: invalid.id,
    };
  const raw = textOf(message);
  try {
    return { ok: true, data: extractJson(raw), raw };
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})`, raw };
  }
}

function textOf(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
