import type { Response } from 'express';
import type { LimitVerdict } from './rate-limiter.service';

const REMAINING = 'X-RateLimit-Remaining';

/**
 * X-RateLimit-Limit, -Remaining, -Reset (epoch seconds) and -Rule of the tightest limit
 * seen on this request: the guards before and after authentication both report, and the
 * later one only replaces headers that left more room.
 */
export function showRateLimit(res: Response, verdict: LimitVerdict): void {
  const shown = res.getHeader(REMAINING);
  if (verdict.allowed && shown !== undefined && Number(shown) <= verdict.decision.remaining) return;
  res.setHeader('X-RateLimit-Limit', String(verdict.decision.limit));
  res.setHeader(REMAINING, String(verdict.decision.remaining));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil(verdict.decision.resetAtMs / 1000)));
  res.setHeader('X-RateLimit-Rule', verdict.rule);
}

export const retryAfterSeconds = (verdict: LimitVerdict): number =>
  Math.max(1, Math.ceil(verdict.decision.retryAfterMs / 1000));
