import { retryAfterMs } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first for a 429 or 503 (default 3; 0 turns retries off). */
  maxRetries?: number;
  /** Wait when the answer has no Retry-After (default 1000 ms, doubled each time). */
  baseDelayMs?: number;
  /** The longest wait the client accepts; a longer Retry-After is answered at once (default 60 s). */
  maxDelayMs?: number;
}

type Fetch = (request: Request) => Promise<Response>;

const RETRIED = new Set([429, 503]);

/**
 * Sends a request again when the API answers 429 or 503, after the Retry-After it gives
 * (or a backoff), up to `maxRetries` times; the last answer is returned as it came.
 */
export function retryingFetch(send: Fetch, options: RetryOptions = {}): Fetch {
  const maxRetries = options.maxRetries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const response = await send(attempt < maxRetries ? request.clone() : request);
      if (!RETRIED.has(response.status) || attempt >= maxRetries) return response;
      const header = response.headers.get('retry-after');
      const delay = header == null ? baseDelayMs * 2 ** attempt : retryAfterMs(header, Date.now());
      if (delay > maxDelayMs) return response;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
}
