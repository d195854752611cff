import { retryDelayMs } from './webhook-retry';

describe('webhook retry schedule', () => {
  it('waits 1, 2, 4, 8 and 16 minutes, then gives up', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 5, 1))).toEqual([
      60_000, 120_000, 240_000, 480_000, 960_000,
    ]);
    expect(retryDelayMs(6, 5, 1)).toBeUndefined();
  });

  it('scales the whole schedule', () => {
    expect(retryDelayMs(1, 5, 0.001)).toBe(60);
    expect(retryDelayMs(5, 5, 0.001)).toBe(960);
  });
});
