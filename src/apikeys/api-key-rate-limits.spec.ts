import { RateLimiter } from '../ratelimit/rate-limiter.service';
import { InMemoryRateLimitStore } from '../ratelimit/storage/in-memory-rate-limit.store';
import { FakeClock } from '../testing/rate-limit-store-cases';
import { apiKeyLimitChecks, type RateLimits, refusedLimitName } from './api-key-rate-limits';

describe('API key rate limits', () => {
  const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
  let clock: FakeClock;
  let limiter: RateLimiter;

  beforeEach(() => {
    clock = new FakeClock(t0);
    limiter = new RateLimiter(new InMemoryRateLimitStore(clock));
  });

  const consume = async (key: string, limits: RateLimits) => {
    const verdict = (await limiter.check(apiKeyLimitChecks(key, limits)))!;
    return {
      allowed: verdict.allowed,
      window: refusedLimitName(verdict),
      retryAfterS: Math.max(1, Math.ceil(verdict.decision.retryAfterMs / 1000)),
      limit: verdict.decision.limit,
    };
  };

  it('refuses the request over the per-minute limit with the seconds to wait', async () => {
    const limits = { perMinute: 3, perHour: 100, perDay: 1000, burst: 10 };
    for (let i = 0; i < 3; i++) expect((await consume('k', limits)).allowed).toBe(true);
    clock.advance(15_000);
    expect(await consume('k', limits)).toMatchObject({
      allowed: false,
      window: 'per-minute',
      retryAfterS: 45,
      limit: 3,
    });
    clock.advance(45_000);
    expect((await consume('k', limits)).allowed).toBe(true);
  });

  it('bounds bursts and refills the bucket over time', async () => {
    const limits = { perMinute: 60, perHour: 1000, perDay: 10000, burst: 2 };
    expect((await consume('k', limits)).allowed).toBe(true);
    expect((await consume('k', limits)).allowed).toBe(true);
    expect(await consume('k', limits)).toMatchObject({
      allowed: false,
      window: 'burst',
      retryAfterS: 1,
    });
    clock.advance(1000);
    expect((await consume('k', limits)).allowed).toBe(true);
  });

  it('applies hour and day windows and keeps keys apart', async () => {
    const limits = { perMinute: 100, perHour: 2, perDay: 1000, burst: 100 };
    await consume('a', limits);
    clock.advance(61_000);
    await consume('a', limits);
    clock.advance(61_000);
    expect(await consume('a', limits)).toMatchObject({ allowed: false, window: 'per-hour' });
    expect((await consume('b', limits)).allowed).toBe(true);
  });

  it('a refused request spends none of the other limits', async () => {
    const limits = { perMinute: 100, perHour: 1000, perDay: 1000, burst: 1 };
    expect((await consume('k', limits)).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect((await consume('k', limits)).window).toBe('burst');
    // the bucket refills in 0.6 s; the minute window holds 1 request, not 6
    clock.advance(600);
    const allowed = await consume('k', limits);
    expect(allowed.allowed).toBe(true);
    const minute = await limiter.check([apiKeyLimitChecks('k', limits)[0]]);
    expect(minute?.decision.remaining).toBe(97);
  });
});
