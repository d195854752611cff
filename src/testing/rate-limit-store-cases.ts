import type { Clock, LimitSpec } from '../ratelimit/algorithms/limit';
import type { RateLimitStore } from '../ratelimit/storage/rate-limit.store';

export class FakeClock implements Clock {
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A window start on every scale the cases use (minute, hour, day). */
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

/**
 * The behaviour every store must show, on a fake clock: the in-memory store runs these as a
 * unit test, the Redis store (its Lua scripts) in test/ against a real Redis.
 */
export function rateLimitStoreCases(
  makeStore: (clock: Clock) => RateLimitStore | Promise<RateLimitStore>,
): void {
  let clock: FakeClock;
  let store: RateLimitStore;
  let run = 0;

  beforeEach(async () => {
    clock = new FakeClock(T0);
    store = await makeStore(clock);
    run += 1;
  });

  const take = async (key: string, spec: LimitSpec) =>
    (await store.hit([{ key: `${run}:${key}`, spec, cost: 1 }]))[0];
  const giveBack = async (key: string, spec: LimitSpec) =>
    (await store.hit([{ key: `${run}:${key}`, spec, cost: -1 }]))[0];

  describe('fixed window', () => {
    const spec: LimitSpec = { strategy: 'FIXED_WINDOW', limit: 3, windowMs: 60_000 };

    it('lets the limit through, refuses the next until the window ends, then starts again', async () => {
      for (let i = 0; i < 3; i++)
        expect(await take('k', spec)).toMatchObject({ allowed: true, remaining: 2 - i });
      clock.advance(15_000);
      expect(await take('k', spec)).toEqual({
        allowed: false,
        limit: 3,
        remaining: 0,
        resetAtMs: T0 + 60_000,
        retryAfterMs: 45_000,
      });
      clock.advance(44_999);
      expect((await take('k', spec)).allowed).toBe(false);
      clock.advance(1);
      expect(await take('k', spec)).toMatchObject({
        allowed: true,
        remaining: 2,
        resetAtMs: T0 + 120_000,
      });
    });

    it('takes a request back when given back', async () => {
      for (let i = 0; i < 3; i++) await take('k', spec);
      await giveBack('k', spec);
      expect((await take('k', spec)).allowed).toBe(true);
      expect((await take('k', spec)).allowed).toBe(false);
    });

    it('keeps counters apart by key', async () => {
      for (let i = 0; i < 3; i++) await take('a', spec);
      expect((await take('a', spec)).allowed).toBe(false);
      expect((await take('b', spec)).allowed).toBe(true);
    });

    it('counts several counters in one batch, each on its own', async () => {
      const other: LimitSpec = { strategy: 'FIXED_WINDOW', limit: 1, windowMs: 60_000 };
      const batch = () =>
        store.hit([
          { key: `${run}:x`, spec, cost: 1 },
          { key: `${run}:y`, spec: other, cost: 1 },
        ]);
      expect((await batch()).map((d) => d.allowed)).toEqual([true, true]);
      expect((await batch()).map((d) => d.allowed)).toEqual([true, false]);
    });
  });

  describe('weighted sliding window', () => {
    const spec: LimitSpec = { strategy: 'SLIDING_WINDOW', limit: 10, windowMs: 60_000 };

    it('weighs the previous window by the share the sliding window still covers', async () => {
      clock.advance(50_000);
      for (let i = 0; i < 10; i++) expect((await take('k', spec)).allowed).toBe(true);
      expect((await take('k', spec)).allowed).toBe(false);
      // 15 s into the next window: 10 × 45/60 = 7.5 still count, so two more fit
      clock.advance(25_000);
      expect(await take('k', spec)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await take('k', spec)).toMatchObject({ allowed: true, remaining: 0 });
      const refused = await take('k', spec);
      // the previous window weighs 7 at 18 s in: 7 + 2 + 1 fits
      expect(refused).toMatchObject({ allowed: false, retryAfterMs: 3_000 });
      clock.advance(2_999);
      expect((await take('k', spec)).allowed).toBe(false);
      clock.advance(1);
      expect((await take('k', spec)).allowed).toBe(true);
    });

    it('forgets a window once a whole window has passed after it', async () => {
      for (let i = 0; i < 10; i++) await take('k', spec);
      clock.advance(120_000);
      for (let i = 0; i < 10; i++) expect((await take('k', spec)).allowed).toBe(true);
    });

    it('waits into the next window when the current one is full', async () => {
      for (let i = 0; i < 10; i++) await take('k', spec);
      clock.advance(30_000);
      // at the next window's start the full previous window still weighs 10
      expect(await take('k', spec)).toMatchObject({ allowed: false, retryAfterMs: 36_000 });
      clock.advance(36_000);
      expect((await take('k', spec)).allowed).toBe(true);
    });
  });

  describe('token bucket', () => {
    const spec: LimitSpec = { strategy: 'TOKEN_BUCKET', limit: 2, windowMs: 2_000 };

    it('allows a burst of the bucket, then refills one token per period', async () => {
      expect(await take('k', spec)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await take('k', spec)).toMatchObject({
        allowed: true,
        remaining: 0,
        resetAtMs: T0 + 2_000,
      });
      expect(await take('k', spec)).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
      clock.advance(999);
      expect((await take('k', spec)).allowed).toBe(false);
      clock.advance(1);
      expect(await take('k', spec)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('never holds more than the bucket, however long it rested', async () => {
      await take('k', spec);
      clock.advance(3_600_000);
      expect((await take('k', spec)).allowed).toBe(true);
      expect((await take('k', spec)).allowed).toBe(true);
      expect((await take('k', spec)).allowed).toBe(false);
    });

    it('puts a token back when given back', async () => {
      await take('k', spec);
      await take('k', spec);
      await giveBack('k', spec);
      expect((await take('k', spec)).allowed).toBe(true);
    });
  });
}
