import type { LimitDecision, LimitSpec } from '../algorithms/limit';

/** One counter to move: `cost` 1 takes a request, -1 gives one back. */
export interface CounterHit {
  key: string;
  spec: LimitSpec;
  cost: number;
}

/**
 * Where counters live. Each hit is atomic on its own counter; a batch is not atomic as a
 * whole (the limiter gives back what a refused batch took).
 */
export interface RateLimitStore {
  hit(hits: readonly CounterHit[]): Promise<LimitDecision[]>;
}

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');
