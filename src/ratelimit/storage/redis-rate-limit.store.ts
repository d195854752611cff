import type { OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { logFor } from '../../observability/logger';
import { type Clock, type LimitDecision, type Strategy, systemClock } from '../algorithms/limit';
import { InMemoryRateLimitStore } from './in-memory-rate-limit.store';
import type { CounterHit, RateLimitStore } from './rate-limit.store';
import {
  FIXED_WINDOW_SCRIPT,
  SLIDING_WINDOW_SCRIPT,
  TOKEN_BUCKET_SCRIPT,
} from './rate-limit-scripts';

const COMMANDS: Record<Strategy, string> = {
  FIXED_WINDOW: 'avRateFixedWindow',
  SLIDING_WINDOW: 'avRateSlidingWindow',
  TOKEN_BUCKET: 'avRateTokenBucket',
};

type ScriptReply = [number, number, number, number];
/** The scripts defineCommand adds, on the client (a promise) and on a pipeline (queued). */
type Scripts<R> = Record<string, (...args: Array<string | number>) => R>;

/**
 * Counters shared by every process (production with REDIS_URL). The time is this
 * process's clock, so the algorithms stay testable on a fake one; processes keep their
 * clocks in step (NTP), and a bucket never refills backwards. While Redis cannot be
 * reached this process counts on its own (said once per outage) rather than refusing
 * every request or letting every one through.
 */
export class RedisRateLimitStore implements RateLimitStore, OnApplicationShutdown {
  private readonly log = logFor('RateLimit');
  private readonly redis: Redis;
  private readonly local: InMemoryRateLimitStore;
  private degraded = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly clock: Clock = systemClock,
    private readonly fallBackToMemory = true,
  ) {
    this.local = new InMemoryRateLimitStore(clock);
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000 });
    this.redis.on('error', (error: Error) =>
      this.log.warn('rate limit redis connection error', { error: error.message }),
    );
    this.redis.defineCommand(COMMANDS.FIXED_WINDOW, { numberOfKeys: 1, lua: FIXED_WINDOW_SCRIPT });
    this.redis.defineCommand(COMMANDS.SLIDING_WINDOW, {
      numberOfKeys: 1,
      lua: SLIDING_WINDOW_SCRIPT,
    });
    this.redis.defineCommand(COMMANDS.TOKEN_BUCKET, { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
  }

  async hit(hits: readonly CounterHit[]): Promise<LimitDecision[]> {
    const now = this.clock.now();
    let replies: ScriptReply[];
    try {
      replies = hits.length === 1 ? [await this.one(hits[0], now)] : await this.batch(hits, now);
    } catch (error) {
      if (!this.fallBackToMemory) throw error;
      this.noteOutage(error as Error);
      return this.local.hit(hits);
    }
    this.noteRecovered();
    return replies.map(([allowed, remaining, resetAtMs, retryAfterMs], i) => ({
      allowed: allowed === 1,
      limit: hits[i].spec.limit,
      remaining,
      resetAtMs,
      retryAfterMs,
    }));
  }

  private one(hit: CounterHit, now: number): Promise<ScriptReply> {
    const scripts = this.redis as unknown as Scripts<Promise<ScriptReply>>;
    return scripts[COMMANDS[hit.spec.strategy]](...this.args(hit, now));
  }

  /** Several counters in one round trip. */
  private async batch(hits: readonly CounterHit[], now: number): Promise<ScriptReply[]> {
    const pipeline = this.redis.pipeline();
    const scripts = pipeline as unknown as Scripts<unknown>;
    for (const h of hits) scripts[COMMANDS[h.spec.strategy]](...this.args(h, now));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, reply]) => {
      if (error) throw error;
      return reply as ScriptReply;
    });
  }

  private args({ key, spec, cost }: CounterHit, now: number): Array<string | number> {
    return [`${this.prefix}:ratelimit:${key}`, spec.limit, String(spec.windowMs), now, cost];
  }

  private noteOutage(error: Error): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn('rate limit: Redis unreachable, counting in this process', {
      error: error.message,
    });
  }

  private noteRecovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.log.info('rate limit: Redis reachable again, counting shared');
  }

  /** For tests and the bench: removes this store's counters under a prefix. */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.prefix}:ratelimit:*`,
        'COUNT',
        500,
      );
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
