import type { LimitOutcome, LimitSpec } from './limit';

export interface FixedWindowState {
  start: number;
  count: number;
}

/** Windows aligned to the epoch, so every process agrees where one ends. */
export function fixedWindow(
  state: FixedWindowState | undefined,
  spec: LimitSpec,
  nowMs: number,
  cost: number,
): LimitOutcome<FixedWindowState> {
  const start = Math.floor(nowMs / spec.windowMs) * spec.windowMs;
  const resetAtMs = Math.ceil(start + spec.windowMs);
  let count = state?.start === start ? state.count : 0;
  let allowed = true;
  if (cost <= 0) count = Math.max(0, count + cost);
  else if (count + cost <= spec.limit) count += cost;
  else allowed = false;
  return {
    state: { start, count },
    ttlMs: Math.max(1, resetAtMs - nowMs),
    decision: {
      allowed,
      limit: spec.limit,
      remaining: Math.max(0, spec.limit - count),
      resetAtMs,
      retryAfterMs: allowed ? 0 : resetAtMs - nowMs,
    },
  };
}
