import type { LimitCheck, LimitVerdict } from '../ratelimit/rate-limiter.service';

/** Per-key limits: fixed windows per minute, hour and day, and a token bucket that bounds bursts. */
export interface RateLimits {
  perMinute: number;
  perHour: number;
  perDay: number;
  /** Requests allowed back to back; refills at perMinute / 60 per second. */
  burst: number;
}

const WINDOWS = [
  ['minute', 60_000, 'perMinute'],
  ['hour', 3_600_000, 'perHour'],
  ['day', 86_400_000, 'perDay'],
] as const;

/** The limits one request with this key counts against. */
export function apiKeyLimitChecks(apiKeyId: string, limits: RateLimits): LimitCheck[] {
  return [
    ...WINDOWS.map(([window, windowMs, field]) => ({
      rule: `api-key-per-${window}`,
      key: apiKeyId,
      spec: { strategy: 'FIXED_WINDOW' as const, limit: limits[field], windowMs },
    })),
    {
      rule: 'api-key-burst',
      key: apiKeyId,
      spec: {
        strategy: 'TOKEN_BUCKET' as const,
        limit: limits.burst,
        windowMs: (limits.burst * 60_000) / limits.perMinute,
      },
    },
  ];
}

/** "per-minute", "per-hour", "per-day" or "burst": which of a key's limits refused. */
export const refusedLimitName = (verdict: LimitVerdict): string =>
  verdict.rule.replace(/^api-key-/, '');
