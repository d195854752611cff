import type { LimitOutcome, LimitSpec } from './limit';

export interface TokenBucketState {
  tokens: number;
  at: number;
}

/** A bucket of `limit` tokens refilling at `limit` per window: bursts up to `limit`, then a steady rate. */
export function tokenBucket(
  state: TokenBucketState | undefined,
  spec: LimitSpec,
  nowMs: number,
  cost: number,
): LimitOutcome<TokenBucketState> {
  const perMs = spec.limit / spec.windowMs;
  // max(0, …): another process with a clock slightly behind may have written the state
  const refilled = state ? state.tokens + Math.max(0, nowMs - state.at) * perMs : spec.limit;
  let tokens = Math.min(spec.limit, refilled);
  let allowed = true;
  if (cost <= 0) tokens = Math.min(spec.limit, tokens - cost);
  else if (tokens >= cost) tokens -= cost;
  else allowed = false;
  const untilFullMs = Math.ceil((spec.limit - tokens) / perMs);
  return {
    state: { tokens, at: nowMs },
    ttlMs: Math.max(1, untilFullMs),
    decision: {
      allowed,
      limit: spec.limit,
      remaining: Math.max(0, Math.floor(tokens)),
      resetAtMs: nowMs + untilFullMs,
      retryAfterMs: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / perMs)),
    },
  };
}
