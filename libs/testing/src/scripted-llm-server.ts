import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendEmbeddings } from './scripted-embeddings';
import { generateInstance, InstanceOptions, schemaViolations } from './json-schema-instance';
import {
  Answer,
  sendAnthropic,
  sendError,
  sendJson,
  sendOllama,
  sendOpenAi,
  StructuredRequest,
} from './scripted-llm-dialects';
import {
  ChatRequestBody,
  conversationText,
  isChatPath,
  receiveRequest,
  RecordedRequest,
} from './scripted-llm-requests';

export type { LlmApi, StructuredRequest } from './scripted-llm-dialects';
export type { ChatRequestBody, RecordedRequest } from './scripted-llm-requests';
export { conversationText } from './scripted-llm-requests';

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
  id?: string;
}

/** What one chat completion answers; faults are injected the same way. */
export type ScriptedReply =
  | {
      content: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
      latencyMs?: number;
      /** When the request streams: the text in this many pieces, this far apart (else the server's defaults). */
      chunks?: number;
      chunkDelayMs?: number;
    }
  | {
      json: unknown;
      usage?: { prompt_tokens: number; completion_tokens: number };
      latencyMs?: number;
    }
  | { toolCalls: ScriptedToolCall[]; content?: string; latencyMs?: number }
  | {
      status: 429 | 500 | 502 | 503 | 400 | 401;
      retryAfterSeconds?: number;
      latencyMs?: number;
      message?: string;
    }
  | { malformed: string; latencyMs?: number }
  | { hang: true };

/** What a reply factory knows besides the request. */
export interface ReplyContext {
  structured?: StructuredRequest;
  /** An instance of the schema the request sent (strict mode's default answer). */
  generated(): unknown;
}

export type ReplyFactory = (request: ChatRequestBody, context: ReplyContext) => ScriptedReply;

interface Rule {
  match: (request: ChatRequestBody) => boolean;
  reply: ScriptedReply | ReplyFactory;
  times: number;
}

/**
 * A scripted LLM server on loopback for tests and benchmarks, speaking OpenAI chat
 * completions (`/v1/chat/completions`, embeddings), Anthropic Messages (`/v1/messages`)
 * and Ollama chat (`/api/chat`). Replies come from rules (first match wins, optionally a
 * limited number of times), then from a FIFO queue, then from `fallback`. Every request
 * is recorded.
 *
 * `strict` makes it behave like a server with guided decoding: a structured request
 * (response_format json_schema, a forced function or tool, Ollama `format`) is answered
 * only through the channel it used, with an instance of the schema it sent (or the
 * scripted JSON, which must fit that schema); anything else gets plain prose.
 * `refuseJsonSchema` and `refuseToolChoice` answer those channels with a 400, as servers
 * without them do.
 */
export class ScriptedLlmServer {
  readonly requests: RecordedRequest[] = [];
  private readonly rules: Rule[] = [];
  private readonly queue: ScriptedReply[] = [];
  private fallback: ScriptedReply | ReplyFactory | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  embeddingDimensions = 8;
  defaultLatencyMs = 0;
  /** How a streamed answer's text is sent unless its reply says: in pieces, this far apart. */
  streamChunks = 1;
  streamChunkDelayMs = 0;
  strict = false;
  refuseJsonSchema = false;
  refuseToolChoice = false;
  /** How strict mode fills generated instances (array lengths, strings). */
  instanceOptions: InstanceOptions = {};

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.baseUrl;
  }

  /** The OpenAI-compatible base URL (`.../v1`). */
  get baseUrl(): string {
    return `${this.rootUrl}/v1`;
  }

  /** The settings that point the product's OpenAI-compatible model client at this server. */
  productEnv(): Record<string, string> {
    return { LLM_PROVIDER: 'openai', LLM_BASE_URL: this.baseUrl, LLM_MODEL: 'scripted-model' };
  }

  /**
   * The product on this server with every model call and every task tried once, so a test
   * sees what the first scripted answer does.
   */
  singleAttemptEnv(): Record<string, string> {
    return { ...this.productEnv(), LLM_MAX_RETRIES: '0', TASK_MAX_ATTEMPTS: '1' };
  }

  /** The server's root: Anthropic's and Ollama's clients add their own paths to it. */
  get rootUrl(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /**
   * The server goes away for `ms` (listener closed, open connections cut, so calls in
   * flight fail and new ones are refused), then comes back on the same port.
   */
  async outage(ms: number): Promise<void> {
    const port = (this.server?.address() as AddressInfo).port;
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.start(port);
  }

  /** Replies to requests whose conversation contains `marker` (system prompt or any message). */
  when(
    marker: string | ((request: ChatRequestBody) => boolean),
    reply: ScriptedReply | ReplyFactory,
    times = Infinity,
  ): this {
    const match =
      typeof marker === 'string'
        ? (r: ChatRequestBody) => conversationText(r).includes(marker)
        : marker;
    this.rules.push({ match, reply, times });
    return this;
  }

  enqueue(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  otherwise(reply: ScriptedReply | ReplyFactory): this {
    this.fallback = reply;
    return this;
  }

  reset(): void {
    this.rules.length = 0;
    this.queue.length = 0;
    this.requests.length = 0;
    this.fallback = undefined;
  }

  /** Chat requests of every API (OpenAI chat completions, Anthropic messages, Ollama chat). */
  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => isChatPath(r.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, api, chat, record } = await receiveRequest(req);
    if (!record) return sendError(api, res, 400, 'invalid JSON body');
    this.requests.push(record);
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: 'scripted-model', object: 'model', owned_by: 'tests' }],
      });
    }
    if (req.method === 'POST' && path === '/v1/embeddings')
      return sendEmbeddings(res, record.body, this.embeddingDimensions);
    if (chat) return this.chat(record, res);
    return sendJson(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  private nextReply(body: ChatRequestBody, context: ReplyContext): ScriptedReply | undefined {
    for (const rule of this.rules) {
      if (rule.times > 0 && rule.match(body)) {
        rule.times--;
        return typeof rule.reply === 'function' ? rule.reply(body, context) : rule.reply;
      }
    }
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.fallback)
      return typeof this.fallback === 'function' ? this.fallback(body, context) : this.fallback;
    return undefined;
  }

  private refusal(structured: StructuredRequest | undefined): string | undefined {
    if (structured?.channel === 'response_format' && this.refuseJsonSchema)
      return "response_format of type 'json_schema' is not supported by this server";
    if (structured?.channel === 'tool_choice' && this.refuseToolChoice)
      return 'tool_choice naming a function is not supported by this server';
    return undefined;
  }

  private async chat(record: RecordedRequest, res: ServerResponse): Promise<void> {
    const { api, body, structured } = record;
    const refused = this.refusal(structured);
    if (refused) return sendError(api, res, 400, refused);
    const context: ReplyContext = {
      structured,
      generated: () => generateInstance(structured?.schema ?? {}, this.instanceOptions),
    };
    const scripted = this.nextReply(body, context);
    const reply = this.strict
      ? strictReply(scripted, structured, context)
      : (scripted ?? { status: 500, message: 'scripted server has no reply for this request' });
    if ('hang' in reply) return; // never answers: exercises client timeouts
    const latency = reply.latencyMs ?? this.defaultLatencyMs;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency).unref());
    if ('status' in reply) {
      const headers: Record<string, string> = {};
      if (reply.retryAfterSeconds !== undefined)
        headers['retry-after'] = String(reply.retryAfterSeconds);
      return sendError(
        api,
        res,
        reply.status,
        reply.message ?? `scripted ${reply.status}`,
        headers,
      );
    }
    const answer: Answer = {
      model: body.model ?? 'scripted-model',
      usage:
        'usage' in reply && reply.usage
          ? reply.usage
          : { prompt_tokens: estimateTokens(body), completion_tokens: 16 },
    };
    if ('toolCalls' in reply) {
      answer.text = reply.content;
      answer.toolCalls = reply.toolCalls.map((c, i) => ({
        id: c.id ?? `call_${this.requests.length}_${i}`,
        name: c.name,
        arguments: c.arguments,
      }));
    } else if (
      'json' in reply &&
      this.strict &&
      (structured?.channel === 'tool_choice' || structured?.channel === 'tool_use')
    ) {
      // a forced function or tool is answered by calling it
      answer.toolCalls = [
        {
          id: `call_${this.requests.length}_0`,
          name: structured.name,
          arguments: reply.json as Record<string, unknown>,
        },
      ];
    } else
      answer.text =
        'malformed' in reply
          ? reply.malformed
          : 'json' in reply
            ? JSON.stringify(reply.json)
            : reply.content;
    const id = String(this.requests.length);
    const streams = api === 'ollama' ? body.stream !== false : Boolean(body.stream);
    const stream = streams
      ? {
          chunks: ('chunks' in reply && reply.chunks) || this.streamChunks,
          delayMs: ('chunkDelayMs' in reply && reply.chunkDelayMs) || this.streamChunkDelayMs,
          includeUsage:
            (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage ===
            true,
        }
      : undefined;
    if (api === 'anthropic') return sendAnthropic(res, answer, id, stream);
    if (api === 'ollama') return sendOllama(res, answer, stream);
    return sendOpenAi(res, answer, id, stream);
  }
}

function estimateTokens(body: ChatRequestBody): number {
  return Math.max(1, Math.round(conversationText(body).length / 4));
}

/**
 * What a server with guided decoding answers: the scripted JSON (when it fits the sent
 * schema) or a generated instance through the structured channel; prose otherwise.
 */
function strictReply(
  scripted: ScriptedReply | undefined,
  structured: StructuredRequest | undefined,
  context: ReplyContext,
): ScriptedReply {
  if (scripted && ('status' in scripted || 'hang' in scripted || 'toolCalls' in scripted))
    return scripted;
  const latencyMs = scripted?.latencyMs;
  const usage = scripted && 'usage' in scripted ? scripted.usage : undefined;
  if (!structured) {
    if (scripted && 'content' in scripted) return scripted;
    return {
      content:
        scripted && 'json' in scripted ? proseOf(scripted.json) : 'Done: the request was handled.',
      latencyMs,
      usage,
    };
  }
  if (!scripted) return { json: context.generated() };
  if (!('json' in scripted))
    return {
      status: 500,
      message: 'a strict server answers a structured request only with JSON that fits its schema',
    };
  const problems = schemaViolations(structured.schema, scripted.json);
  if (problems.length)
    return {
      status: 500,
      message: `the scripted answer does not fit the schema the request sent: ${problems.join('; ')}`,
    };
  return scripted;
}

/** A JSON answer said in words, with no JSON object in it. */
function proseOf(value: unknown): string {
  const fields =
    value && typeof value === 'object' ? Object.keys(value as object).join(', ') : String(value);
  return `In words rather than JSON: I would answer with ${fields}.`;
}
