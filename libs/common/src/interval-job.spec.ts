import { everyInterval } from './interval-job';

describe('everyInterval', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never overlaps a run still going, and stops when asked', async () => {
    let started = 0;
    let release: () => void = () => undefined;
    const stop = everyInterval(
      100,
      () => {
        started++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      () => undefined,
    );
    jest.advanceTimersByTime(350);
    expect(started).toBe(1);
    release();
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(100);
    expect(started).toBe(2);
    stop();
    release();
    jest.advanceTimersByTime(1000);
    expect(started).toBe(2);
  });

  it('reports a failed run and runs again at the next tick', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const stop = everyInterval(
      50,
      async () => {
        runs++;
        throw new Error('boom');
      },
      (e) => errors.push(e),
    );
    jest.advanceTimersByTime(50);
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(50);
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
    stop();
  });
});
