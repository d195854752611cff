import type { IncomingMessage } from 'node:http';
import {
  LlmApi,
  normalizedMessages,
  StructuredRequest,
  structuredRequestOf,
} from './scripted-llm-dialects';

/**
 * A request as the server received it. For Anthropic, `body.messages` starts with the
 * request's `system` text (as a system message), so markers match on every API alike.
 */
export interface RecordedRequest {
  path: string;
  api: LlmApi;
  headers: Record<string, string | string[] | undefined>;
  body: ChatRequestBody;
  /** How the request asked for structured output, if it did. */
  structured?: StructuredRequest;
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

/** A request read off the wire; no record when its body is not JSON. */
export interface ReceivedRequest {
  path: string;
  /** The API its path belongs to (OpenAI's for any other path), for its answer's format. */
  api: LlmApi;
  /** Whether it is a chat call of one of the APIs. */
  chat: boolean;
  record?: RecordedRequest;
}

const CHAT_PATHS = new Map<string, LlmApi>([
  ['/v1/chat/completions', 'openai'],
  ['/v1/messages', 'anthropic'],
  ['/api/chat', 'ollama'],
]);

/** Whether a path is the chat call of one of the APIs (OpenAI, Anthropic, Ollama). */
export function isChatPath(path: string): boolean {
  return CHAT_PATHS.has(path);
}

/**
 * Reads a request and records what the rules and the answer need: its chat messages in
 * one shape whatever the API, and how it asked for structured output.
 */
export async function receiveRequest(req: IncomingMessage): Promise<ReceivedRequest> {
  const raw = await readBody(req);
  const path = (req.url ?? '').split('?')[0];
  const api: LlmApi = CHAT_PATHS.get(path) ?? 'openai';
  const chat = req.method === 'POST' && CHAT_PATHS.has(path);
  let body: ChatRequestBody;
  try {
    body = raw ? (JSON.parse(raw) as ChatRequestBody) : {};
  } catch {
    return { path, api, chat };
  }
  if (chat)
    body = { ...body, messages: normalizedMessages(api, body) as ChatRequestBody['messages'] };
  const record: RecordedRequest = {
    path,
    api,
    headers: req.headers,
    body,
    structured: chat ? structuredRequestOf(api, body) : undefined,
    receivedAt: Date.now(),
  };
  return { path, api, chat, record };
}

/** All text of a request's messages, for marker matching. */
export function conversationText(request: ChatRequestBody): string {
  return (request.messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')))
    .join('\n');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
