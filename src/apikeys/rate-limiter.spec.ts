import { InMemoryRateLimitStore } from './rate-limiter';

describe('InMemoryRateLimitStore', () => {
  const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);

  it('refuses the request over the per-minute limit with the seconds to wait', () => {
    const store = new InMemoryRateLimitStore();
    const limits = { perMinute: 3, perHour: 100, perDay: 1000, burst: 10 };
    for (let i = 0; i < 3; i++) expect(store.consume('k', limits, t0 + i).allowed).toBe(true);
    const refused = store.consume('k', limits, t0 + 15_000);
    expect(refused).toMatchObject({ allowed: false, window: 'minute', retryAfterS: 45 });
    expect(store.consume('k', limits, t0 + 60_000).allowed).toBe(true);
  });

  it('bounds bursts and refills the bucket over time', () => {
    const store = new InMemoryRateLimitStore();
    const limits = { perMinute: 60, perHour: 1000, perDay: 10000, burst: 2 };
    expect(store.consume('k', limits, t0).allowed).toBe(true);
    expect(store.consume('k', limits, t0).allowed).toBe(true);
    const refused = store.consume('k', limits, t0);
    expect(refused).toMatchObject({ allowed: false, window: 'burst', retryAfterS: 1 });
    expect(store.consume('k', limits, t0 + 1000).allowed).toBe(true);
  });

  it('applies hour and day windows and keeps keys apart', () => {
    const store = new InMemoryRateLimitStore();
    const limits = { perMinute: 100, perHour: 2, perDay: 1000, burst: 100 };
    store.consume('a', limits, t0);
    store.consume('a', limits, t0 + 61_000);
    expect(store.consume('a', limits, t0 + 122_000)).toMatchObject({
      allowed: false,
      window: 'hour',
    });
    expect(store.consume('b', limits, t0 + 122_000).allowed).toBe(true);
    const refusedCountsNothing = store.consume('a', limits, t0 + 3_600_000);
    expect(refusedCountsNothing.allowed).toBe(true);
  });
});
