import type { OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { logFor } from '../observability/logger';
import {
  InMemoryLoginThrottleStore,
  type LoginThrottleStore,
  type ThrottleCounter,
  type ThrottleVerdict,
} from './login-throttle';

/**
 * KEYS: the counters. ARGV[1]: window in ms; ARGV[2..]: each counter's limit.
 * Refuses (returning the longest time left) if any counter is at its limit; otherwise
 * counts on all of them, starting a window where none is open. One script: atomic.
 */
const RESERVE = `
local retry = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      redis.call('PEXPIRE', key, ARGV[1])
      ttl = tonumber(ARGV[1])
    end
    if ttl > retry then retry = ttl end
  end
end
if retry > 0 then return retry end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
`;

/** Takes an attempt back only from windows still open (never leaves a key without expiry). */
const RELEASE = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
`;

/**
 * Counters shared by every API process (production with REDIS_URL). While Redis cannot be
 * reached, this process counts on its own (said once per outage): logins keep working and
 * a spray is still slowed, per process, instead of every login failing.
 */
export class RedisLoginThrottleStore implements LoginThrottleStore, OnApplicationShutdown {
  private readonly log = logFor('LoginThrottle');
  private readonly redis: Redis;
  private readonly local = new InMemoryLoginThrottleStore();
  private degraded = false;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
    this.redis.on('error', (error: Error) =>
      this.log.warn('login throttle redis connection error', { error: error.message }),
    );
    this.redis.defineCommand('avLoginReserve', { lua: RESERVE });
    this.redis.defineCommand('avLoginRelease', { lua: RELEASE });
  }

  /** One hash tag for all counters: a multi-key script must stay in one cluster slot. */
  private redisKey(key: string): string {
    return `${this.prefix}:{login-throttle}:${key}`;
  }

  async reserve(counters: ThrottleCounter[], windowMs: number): Promise<ThrottleVerdict> {
    let retryMs: number;
    try {
      retryMs = await this.reserveShared(counters, windowMs);
    } catch (error) {
      this.noteOutage(error as Error);
      return this.local.reserve(counters, windowMs);
    }
    this.noteRecovered();
    return retryMs > 0
      ? { allowed: false, retryAfterS: Math.max(1, Math.ceil(retryMs / 1000)) }
      : { allowed: true };
  }

  async release(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.local.release(keys);
    try {
      await this.command('avLoginRelease')(keys.length, ...keys.map((k) => this.redisKey(k)));
    } catch (error) {
      this.noteOutage(error as Error);
    }
  }

  private async reserveShared(counters: ThrottleCounter[], windowMs: number): Promise<number> {
    return Number(
      await this.command('avLoginReserve')(
        counters.length,
        ...counters.map((c) => this.redisKey(c.key)),
        windowMs,
        ...counters.map((c) => c.limit),
      ),
    );
  }

  private noteOutage(error: Error): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn('login throttle: Redis unreachable, counting failed logins in this process', {
      error: error.message,
    });
  }

  private noteRecovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.log.info('login throttle: Redis reachable again, counting shared');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private command(name: string): (...args: Array<string | number>) => Promise<unknown> {
    const redis = this.redis as unknown as Record<
      string,
      (...args: Array<string | number>) => Promise<unknown>
    >;
    return redis[name].bind(this.redis);
  }
}
