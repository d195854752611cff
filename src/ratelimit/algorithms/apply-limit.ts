import { fixedWindow, type FixedWindowState } from './fixed-window';
import type { LimitOutcome, LimitSpec } from './limit';
import { slidingWindow, type SlidingWindowState } from './sliding-window';
import { tokenBucket, type TokenBucketState } from './token-bucket';

export type CounterState = FixedWindowState | SlidingWindowState | TokenBucketState;

/** Applies a request (cost > 0) or a give-back (cost < 0) with the spec's algorithm. */
export function applyLimit(
  state: CounterState | undefined,
  spec: LimitSpec,
  nowMs: number,
  cost: number,
): LimitOutcome<CounterState> {
  switch (spec.strategy) {
    case 'FIXED_WINDOW':
      return fixedWindow(state as FixedWindowState | undefined, spec, nowMs, cost);
    case 'SLIDING_WINDOW':
      return slidingWindow(state as SlidingWindowState | undefined, spec, nowMs, cost);
    case 'TOKEN_BUCKET':
      return tokenBucket(state as TokenBucketState | undefined, spec, nowMs, cost);
  }
}
