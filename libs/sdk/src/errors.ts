import type { components } from './generated/openapi.js';

/** An RFC 9457 problem document, as every refusal of the API is answered. */
export type Problem = components['schemas']['Problem'];

/** A refusal of the API: its HTTP status and problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(
    status: number,
    problem: Problem | undefined,
    readonly response?: Response,
  ) {
    const body = problem ?? {
      type: 'about:blank',
      title: `HTTP ${status}`,
      status,
      detail: `The API answered ${status}.`,
    };
    super(`${body.title}: ${body.detail}`);
    this.name = new.target.name;
    this.status = status;
    this.problem = body;
  }

  /** The last segment of the problem type: `goal-not-found`, `rate-limited`, ... */
  get code(): string {
    return this.problem.type.split('/').pop() ?? this.problem.type;
  }
}

export class NotFoundError extends ApiError {}

export class RateLimitedError extends ApiError {
  /** Seconds the API asked to wait (Retry-After), when it said. */
  get retryAfterSeconds(): number | undefined {
    const header = this.response?.headers.get('retry-after');
    return header == null ? undefined : retryAfterMs(header, Date.now()) / 1000;
  }
}

/** The error class for a status: NotFoundError for 404, RateLimitedError for 429. */
export function apiError(status: number, problem: unknown, response?: Response): ApiError {
  const body = isProblem(problem) ? problem : undefined;
  if (status === 404) return new NotFoundError(status, body, response);
  if (status === 429) return new RateLimitedError(status, body, response);
  return new ApiError(status, body, response);
}

/**
 * openapi-fetch answers `{ data }` or `{ error }`; this returns the data or throws the
 * error as an ApiError (NotFoundError, RateLimitedError, ...).
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw apiError(result.response.status, result.error, result.response);
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).title === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

/** Milliseconds a Retry-After value (seconds, or an HTTP date) asks to wait. */
export function retryAfterMs(value: string, nowMs: number): number {
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - nowMs);
}
