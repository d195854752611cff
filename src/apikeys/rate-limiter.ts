/**
 * Per-key rate limits: fixed windows per minute, hour and day, plus a token bucket that
 * bounds bursts. The store is an interface so a Redis implementation (atomic Lua) can
 * replace the in-memory one without touching callers.
 */
export interface RateLimits {
  perMinute: number;
  perHour: number;
  perDay: number;
  /** Requests allowed back to back; refills at perMinute / 60 per second. */
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a request would be allowed (0 when allowed). */
  retryAfterS: number;
  limit: number;
  remaining: number;
  window: 'burst' | 'minute' | 'hour' | 'day';
}

export interface RateLimitStore {
  consume(key: string, limits: RateLimits, nowMs?: number): Promise<RateDecision> | RateDecision;
}

const WINDOWS = [
  ['minute', 60_000, 'perMinute'],
  ['hour', 3_600_000, 'perHour'],
  ['day', 86_400_000, 'perDay'],
] as const;

interface Counters {
  bucket: number;
  bucketAt: number;
  windows: Record<string, { start: number; count: number }>;
}

export class InMemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, Counters>();

  constructor(private readonly maxKeys = 100_000) {}

  consume(key: string, limits: RateLimits, nowMs = Date.now()): RateDecision {
    let c = this.counters.get(key);
    if (!c) {
      if (this.counters.size >= this.maxKeys) {
        const oldest = this.counters.keys().next().value;
        if (oldest !== undefined) this.counters.delete(oldest);
      }
      c = { bucket: limits.burst, bucketAt: nowMs, windows: {} };
      this.counters.set(key, c);
    }
    const refillPerMs = limits.perMinute / 60_000;
    c.bucket = Math.min(limits.burst, c.bucket + (nowMs - c.bucketAt) * refillPerMs);
    c.bucketAt = nowMs;

    let tightest: RateDecision | undefined;
    for (const [name, length, field] of WINDOWS) {
      const start = Math.floor(nowMs / length) * length;
      const w = (c.windows[name] ??= { start, count: 0 });
      if (w.start !== start) {
        w.start = start;
        w.count = 0;
      }
      const limit = limits[field];
      if (w.count >= limit) {
        return {
          allowed: false,
          retryAfterS: Math.max(1, Math.ceil((start + length - nowMs) / 1000)),
          limit,
          remaining: 0,
          window: name,
        };
      }
      const remaining = limit - w.count - 1;
      if (!tightest || remaining < tightest.remaining)
        tightest = { allowed: true, retryAfterS: 0, limit, remaining, window: name };
    }
    if (c.bucket < 1) {
      return {
        allowed: false,
        retryAfterS: Math.max(1, Math.ceil((1 - c.bucket) / refillPerMs / 1000)),
        limit: limits.burst,
        remaining: 0,
        window: 'burst',
      };
    }
    c.bucket -= 1;
    for (const [name] of WINDOWS) c.windows[name].count += 1;
    return tightest!;
  }

  reset(key: string): void {
    this.counters.delete(key);
  }
}
