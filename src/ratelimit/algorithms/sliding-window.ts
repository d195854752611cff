import type { LimitOutcome, LimitSpec } from './limit';

export interface SlidingWindowState {
  start: number;
  previous: number;
  current: number;
}

/**
 * The weighted sliding window: the previous window's count weighs by the share of it the
 * sliding window still covers, so a burst at a window's end is not followed by a second
 * full burst at the next one's start.
 */
export function slidingWindow(
  state: SlidingWindowState | undefined,
  spec: LimitSpec,
  nowMs: number,
  cost: number,
): LimitOutcome<SlidingWindowState> {
  const w = spec.windowMs;
  const start = Math.floor(nowMs / w) * w;
  let previous = 0;
  let current = 0;
  if (state?.start === start) {
    previous = state.previous;
    current = state.current;
  } else if (state?.start === start - w) {
    previous = state.current;
  }
  const elapsed = nowMs - start;
  const weighted = () => (previous * (w - elapsed)) / w + current;
  let allowed = true;
  if (cost <= 0) current = Math.max(0, current + cost);
  else if (weighted() + cost <= spec.limit) current += cost;
  else allowed = false;
  const resetAtMs = Math.ceil(start + w);
  return {
    state: { start, previous, current },
    ttlMs: Math.ceil(start + 2 * w - nowMs),
    decision: {
      allowed,
      limit: spec.limit,
      remaining: Math.max(0, Math.floor(spec.limit - weighted())),
      resetAtMs,
      retryAfterMs: allowed ? 0 : waitMs(previous, current, elapsed, spec, cost),
    },
  };
}

/** When the weighted count first leaves room for `cost`: later in this window, or in the next. */
function waitMs(
  previous: number,
  current: number,
  elapsed: number,
  spec: LimitSpec,
  cost: number,
): number {
  const w = spec.windowMs;
  if (cost > spec.limit) return Math.ceil(2 * w - elapsed);
  if (current + cost <= spec.limit && previous > 0) {
    const at = w - ((spec.limit - current - cost) * w) / previous;
    return Math.max(1, Math.ceil(at - elapsed));
  }
  const inNext = current > 0 ? Math.max(0, w - ((spec.limit - cost) * w) / current) : 0;
  return Math.ceil(w - elapsed + inNext);
}
