import type { RateLimitStrategy } from '../../common/rate-limit-rule';

export type Strategy = RateLimitStrategy;

/** One limit: at most `limit` requests per `windowMs` (a token bucket refills `limit` per window). */
export interface LimitSpec {
  strategy: Strategy;
  limit: number;
  windowMs: number;
}

export interface LimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the window ends (a bucket: when it is full again). */
  resetAtMs: number;
  /** Ms until this request would have been allowed; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * The result of applying one request (a positive cost) or giving one back (a negative cost,
 * always applied) to a counter's state. `ttlMs` is how long the state matters: past it, a
 * missing counter means the same thing.
 */
export interface LimitOutcome<S> {
  state: S;
  decision: LimitDecision;
  ttlMs: number;
}

/** Where the time comes from: the system clock in the product, a fake one in tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
