import type { ServerResponse } from 'node:http';
import type { JsonSchema } from './json-schema-instance';

/** The three wire protocols the scripted server speaks. */
export type LlmApi = 'openai' | 'anthropic' | 'ollama';

/** How a request asked for structured output, as found on the wire. */
export interface StructuredRequest {
  /**
   * `response_format`: OpenAI json_schema; `tool_choice`: OpenAI forced function call;
   * `tool_use`: Anthropic forced tool use; `format`: Ollama's format field.
   */
  channel: 'response_format' | 'tool_choice' | 'tool_use' | 'format';
  name: string;
  schema: JsonSchema;
}

interface WireTool {
  type?: string;
  name?: string;
  input_schema?: JsonSchema;
  function?: { name: string; parameters?: JsonSchema };
}

/** The structured channel a request used, or undefined for a plain chat request. */
export function structuredRequestOf(
  api: LlmApi,
  body: Record<string, unknown>,
): StructuredRequest | undefined {
  const tools = (body.tools ?? []) as WireTool[];
  if (api === 'ollama') {
    const format = body.format;
    if (format && typeof format === 'object')
      return { channel: 'format', name: 'format', schema: format as JsonSchema };
    if (format === 'json') return { channel: 'format', name: 'format', schema: {} };
    return undefined;
  }
  const choice = body.tool_choice as
    { type?: string; name?: string; function?: { name?: string } } | undefined;
  if (api === 'anthropic') {
    if (choice?.type !== 'tool') return undefined;
    const tool = tools.find((t) => t.name === choice.name);
    return tool
      ? { channel: 'tool_use', name: tool.name!, schema: tool.input_schema ?? {} }
      : undefined;
  }
  const format = body.response_format as
    { type?: string; json_schema?: { name?: string; schema?: JsonSchema } } | undefined;
  if (format?.type === 'json_schema')
    return {
      channel: 'response_format',
      name: format.json_schema?.name ?? 'response',
      schema: format.json_schema?.schema ?? {},
    };
  if (choice?.type === 'function') {
    const tool = tools.find((t) => t.function?.name === choice.function?.name);
    if (tool?.function)
      return {
        channel: 'tool_choice',
        name: tool.function.name,
        schema: tool.function.parameters ?? {},
      };
  }
  return undefined;
}

/** Anthropic's `system` joined to its messages, so markers match the same way for every API. */
export function normalizedMessages(
  api: LlmApi,
  body: Record<string, unknown>,
): Array<{ role: string; content?: unknown }> {
  const messages = (body.messages ?? []) as Array<{ role: string; content?: unknown }>;
  if (api !== 'anthropic' || body.system === undefined) return messages;
  return [{ role: 'system', content: body.system }, ...messages];
}

export interface Answer {
  model: string;
  text?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: Record<string, unknown> | string }>;
  usage: { prompt_tokens: number; completion_tokens: number };
}

/** How a streamed answer is sent: its text in `chunks` pieces, `delayMs` apart. */
export interface StreamShape {
  chunks: number;
  delayMs: number;
  /** OpenAI: the request asked for `stream_options.include_usage` (usage in a last chunk). */
  includeUsage: boolean;
}

/** The text cut into `chunks` pieces of near-equal length (fewer for a short text). */
export function piecesOf(text: string, chunks: number): string[] {
  const count = Math.max(1, Math.min(chunks, text.length));
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size)
    pieces.push(text.slice(start, start + size));
  return pieces;
}

const pause = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An error body in each API's own shape. */
export function sendError(
  api: LlmApi,
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body =
    api === 'anthropic'
      ? { type: 'error', error: { type: 'invalid_request_error', message } }
      : api === 'ollama'
        ? { error: message }
        : { error: { message, type: 'scripted' } };
  sendJson(res, status, body, headers);
}

/** An Anthropic Messages response: text or tool_use blocks, or its server-sent event stream. */
export function sendAnthropic(
  res: ServerResponse,
  answer: Answer,
  id: string,
  stream?: StreamShape,
): Promise<void> | void {
  if (stream) return streamAnthropic(res, answer, id, stream);
  const content: unknown[] = [];
  if (answer.text) content.push({ type: 'text', text: answer.text });
  for (const call of answer.toolCalls ?? [])
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: typeof call.arguments === 'string' ? JSON.parse(call.arguments) : call.arguments,
    });
  sendJson(res, 200, {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content,
    stop_reason: answer.toolCalls?.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: answer.usage.prompt_tokens,
      output_tokens: answer.usage.completion_tokens,
    },
  });
}

/**
 * The events an Anthropic server streams: message_start (input tokens, and the one output
 * token Anthropic counts there), a text block piece by piece, a tool_use block per call
 * (its input as JSON deltas), message_delta with the stop reason and the cumulative output
 * tokens, message_stop.
 */
async function streamAnthropic(
  res: ServerResponse,
  answer: Answer,
  id: string,
  stream: StreamShape,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (data: Record<string, unknown>) =>
    res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
  send({
    type: 'message_start',
    message: {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: answer.usage.prompt_tokens, output_tokens: 1 },
    },
  });
  let index = 0;
  if (answer.text) {
    send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const [n, piece] of piecesOf(answer.text, stream.chunks).entries()) {
      if (n > 0) await pause(stream.delayMs);
      send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    }
    send({ type: 'content_block_stop', index });
    index++;
  }
  for (const call of answer.toolCalls ?? []) {
    send({
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
    });
    const json =
      typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    send({
      type: 'content_block_delta',
      index,
      delta: { type: 'input_json_delta', partial_json: json },
    });
    send({ type: 'content_block_stop', index });
    index++;
  }
  send({
    type: 'message_delta',
    delta: { stop_reason: answer.toolCalls?.length ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: answer.usage.completion_tokens },
  });
  send({ type: 'message_stop' });
  res.end();
}

/** An Ollama chat response: NDJSON chunks when streamed (LangChain streams), else one object. */
export async function sendOllama(
  res: ServerResponse,
  answer: Answer,
  stream: StreamShape | undefined,
): Promise<void> {
  const created_at = new Date().toISOString();
  const message: Record<string, unknown> = { role: 'assistant', content: answer.text ?? '' };
  if (answer.toolCalls?.length)
    message.tool_calls = answer.toolCalls.map((c) => ({
      function: {
        name: c.name,
        arguments: typeof c.arguments === 'string' ? JSON.parse(c.arguments) : c.arguments,
      },
    }));
  const done = {
    model: answer.model,
    created_at,
    done: true,
    done_reason: 'stop',
    prompt_eval_count: answer.usage.prompt_tokens,
    eval_count: answer.usage.completion_tokens,
  };
  if (!stream) return sendJson(res, 200, { ...done, message });
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const line = (content: string, extra: Record<string, unknown> = {}) =>
    res.write(
      `${JSON.stringify({ model: answer.model, created_at, message: { role: 'assistant', content, ...extra }, done: false })}\n`,
    );
  const pieces = answer.text ? piecesOf(answer.text, stream.chunks) : [];
  for (const [index, piece] of pieces.entries()) {
    if (index > 0) await pause(stream.delayMs);
    line(piece);
  }
  if (message.tool_calls) line('', { tool_calls: message.tool_calls });
  res.end(`${JSON.stringify({ ...done, message: { role: 'assistant', content: '' } })}\n`);
}

/** An OpenAI chat completion, or its server-sent event stream. */
export function sendOpenAi(
  res: ServerResponse,
  answer: Answer,
  id: string,
  stream: StreamShape | undefined,
): Promise<void> | void {
  const message: Record<string, unknown> = answer.toolCalls?.length
    ? {
        role: 'assistant',
        content: answer.text ?? null,
        tool_calls: answer.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: {
            name: c.name,
            arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
          },
        })),
      }
    : { role: 'assistant', content: answer.text ?? '' };
  const usage = answer.usage;
  const completion = {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    choices: [
      {
        index: 0,
        message,
        finish_reason: answer.toolCalls?.length ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
  if (stream) return streamCompletion(res, completion, message, stream);
  sendJson(res, 200, completion);
}

/**
 * The chunks an OpenAI server streams: the role, the text piece by piece, the tool calls,
 * the finish reason, and (when asked for) the usage in a last chunk without choices.
 */
async function streamCompletion(
  res: ServerResponse,
  completion: Record<string, unknown>,
  message: Record<string, unknown>,
  stream: StreamShape,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
  };
  const usage = stream.includeUsage ? { usage: null } : {};
  const send = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...usage })}\n\n`,
    );
  send({ role: 'assistant', content: '' });
  const text = typeof message.content === 'string' ? message.content : '';
  for (const [index, piece] of piecesOf(text, stream.chunks).entries()) {
    if (index > 0) await pause(stream.delayMs);
    send({ content: piece });
  }
  if (message.tool_calls)
    send({
      tool_calls: (message.tool_calls as Array<Record<string, unknown>>).map((c, index) => ({
        index,
        ...c,
      })),
    });
  send({}, message.tool_calls ? 'tool_calls' : 'stop');
  if (stream.includeUsage)
    res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: completion.usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}
