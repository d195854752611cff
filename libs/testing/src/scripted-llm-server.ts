import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat completion request as the server received it. */
export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: ChatRequestBody;
  receivedAt: number;
}

export interface ChatRequestBody {
  model?: string;
  messages?: Array<{
    role: string;
    content?: unknown;
    tool_calls?: unknown[];
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: string; function: { name: string } }>;
  stream?: boolean;
  input?: unknown;
  [key: string]: unknown;
}

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

export type ReplyFactory = (request: ChatRequestBody) => ScriptedReply;

interface Rule {
  match: (request: ChatRequestBody) => boolean;
  reply: ScriptedReply | ReplyFactory;
  times: number;
}

/**
 * A scripted OpenAI-compatible server on loopback for tests and benchmarks. Replies come
 * from rules (first match wins, optionally a limited number of times), then from a FIFO
 * queue, then from `fallback`. Every request is recorded.
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

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.baseUrl;
  }

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('server not started');
    return `http://127.0.0.1:${address.port}/v1`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
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

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    let body: ChatRequestBody;
    try {
      body = raw ? (JSON.parse(raw) as ChatRequestBody) : {};
    } catch {
      return sendJson(res, 400, {
        error: { message: 'invalid JSON body', type: 'invalid_request_error' },
      });
    }
    this.requests.push({ path, headers: req.headers, body, receivedAt: Date.now() });
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: 'scripted-model', object: 'model', owned_by: 'tests' }],
      });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') return this.embeddings(body, res);
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.chat(body, res);
    return sendJson(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  private nextReply(body: ChatRequestBody): ScriptedReply {
    for (const rule of this.rules) {
      if (rule.times > 0 && rule.match(body)) {
        rule.times--;
        return typeof rule.reply === 'function' ? rule.reply(body) : rule.reply;
      }
    }
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.fallback)
      return typeof this.fallback === 'function' ? this.fallback(body) : this.fallback;
    return { status: 500, message: 'scripted server has no reply for this request' };
  }

  private async chat(body: ChatRequestBody, res: ServerResponse): Promise<void> {
    const reply = this.nextReply(body);
    if ('hang' in reply) return; // never answers: exercises client timeouts
    const latency = reply.latencyMs ?? this.defaultLatencyMs;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency).unref());
    if ('status' in reply) {
      const headers: Record<string, string> = {};
      if (reply.retryAfterSeconds !== undefined)
        headers['retry-after'] = String(reply.retryAfterSeconds);
      return sendJson(
        res,
        reply.status,
        { error: { message: reply.message ?? `scripted ${reply.status}`, type: 'scripted' } },
        headers,
      );
    }
    const model = body.model ?? 'scripted-model';
    let message: Record<string, unknown>;
    let finish = 'stop';
    if ('toolCalls' in reply) {
      finish = 'tool_calls';
      message = {
        role: 'assistant',
        content: reply.content ?? null,
        tool_calls: reply.toolCalls.map((c, i) => ({
          id: c.id ?? `call_${this.requests.length}_${i}`,
          type: 'function',
          function: {
            name: c.name,
            arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
          },
        })),
      };
    } else {
      const content =
        'malformed' in reply
          ? reply.malformed
          : 'json' in reply
            ? JSON.stringify(reply.json)
            : reply.content;
      message = { role: 'assistant', content };
    }
    const usage =
      'usage' in reply && reply.usage
        ? reply.usage
        : { prompt_tokens: estimateTokens(body), completion_tokens: 16 };
    const completion = {
      id: `chatcmpl-${this.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    };
    if (body.stream) return streamCompletion(res, completion, message);
    return sendJson(res, 200, completion);
  }

  private embeddings(body: ChatRequestBody, res: ServerResponse): void {
    const inputs = Array.isArray(body.input)
      ? (body.input as string[])
      : [String(body.input ?? '')];
    const data = inputs.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: pseudoEmbedding(String(text), this.embeddingDimensions),
    }));
    sendJson(res, 200, {
      object: 'list',
      data,
      model: body.model ?? 'scripted-embedding',
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    });
  }
}

/** All text of a request's messages, for marker matching. */
export function conversationText(request: ChatRequestBody): string {
  return (request.messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')))
    .join('\n');
}

function estimateTokens(body: ChatRequestBody): number {
  return Math.max(1, Math.round(conversationText(body).length / 4));
}

function pseudoEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) + i) % dims] += 1;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
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

function streamCompletion(
  res: ServerResponse,
  completion: Record<string, unknown>,
  message: Record<string, unknown>,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
  };
  const delta: Record<string, unknown> = { role: 'assistant' };
  if (message.content) delta.content = message.content;
  if (message.tool_calls) {
    delta.tool_calls = (message.tool_calls as Array<Record<string, unknown>>).map((c, index) => ({
      index,
      ...c,
    }));
  }
  res.write(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`,
  );
  const finish = message.tool_calls ? 'tool_calls' : 'stop';
  res.write(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: completion.usage })}\n\n`,
  );
  res.end('data: [DONE]\n\n');
}
