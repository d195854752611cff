import { TEST_REDIS_URL, uniqueQueuePrefix } from '#testing';
import { RedisRateLimitStore } from '../src/ratelimit/storage/redis-rate-limit.store';
import { rateLimitStoreCases } from '../src/testing/rate-limit-store-cases';

/** The Lua scripts hold to the same cases as the in-memory algorithms, on a real Redis. */
describe('RedisRateLimitStore (real Redis)', () => {
  const stores: RedisRateLimitStore[] = [];
  const prefix = uniqueQueuePrefix();

  afterAll(async () => {
    await stores[0]?.clear();
    await Promise.all(stores.map((s) => s.onApplicationShutdown()));
  });

  rateLimitStoreCases((clock) => {
    const store = new RedisRateLimitStore(TEST_REDIS_URL, prefix, clock, false);
    stores.push(store);
    return store;
  });
});
