/** Why an LLM call failed, and whether trying again can help. */
export interface LlmFailure {
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  reason: string;
}

export class LlmCallFailed extends Error {
  constructor(
    message: string,
    readonly failure: LlmFailure,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'LlmCallFailed';
  }
}

/**
 * True when the client itself could not read the model's answer as JSON: the OpenAI SDK
 * parses a json_schema answer before handing it over, and throws on malformed or cut-off
 * output. That is an invalid answer (to repair), not a failed call.
 */
export function isUnreadableAnswer(error: unknown): boolean {
  if (!(error instanceof LlmCallFailed)) return false;
  const cause = error.cause;
  return (
    cause instanceof SyntaxError ||
    (cause instanceof Error &&
      ['LengthFinishReasonError', 'ContentFilterFinishReasonError'].includes(
        cause.constructor.name,
      ))
  );
}

export class StructuredOutputInvalid extends Error {
  constructor(
    message: string,
    readonly lastOutput: string,
  ) {
    super(message);
    this.name = 'StructuredOutputInvalid';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function classifyLlmError(error: unknown): LlmFailure {
  const e = (error ?? {}) as Record<string, unknown>;
  const status =
    numberOr(e.status) ?? numberOr((e.response as Record<string, unknown> | undefined)?.status);
  const retryAfterMs = parseRetryAfter(readHeader(e.headers, 'retry-after'));
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (status !== undefined) {
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return {
      retryable,
      status,
      retryAfterMs,
      reason: `provider answered ${status}: ${firstLine(message)}`,
    };
  }
  const code = findCode(error);
  if (
    name === 'AbortError' ||
    /timed? ?out/i.test(message) ||
    name === 'APIConnectionTimeoutError'
  ) {
    return { retryable: true, reason: `timed out: ${firstLine(message)}` };
  }
  if (
    (code && NETWORK_CODES.has(code)) ||
    /connection error|fetch failed|ECONNREFUSED|socket hang up/i.test(message)
  ) {
    return {
      retryable: true,
      reason: `unreachable${code ? ` (${code})` : ''}: ${firstLine(message)}`,
    };
  }
  return { retryable: false, reason: firstLine(message) };
}

function findCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string' && e.code) return e.code;
  return (
    findCode(e.cause, depth + 1) ??
    (Array.isArray(e.errors) ? findCode(e.errors[0], depth + 1) : undefined)
  );
}

function readHeader(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0].slice(0, 300);
}
