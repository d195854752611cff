import { isLocked, lockoutDurationMs, retryAfterSeconds } from './lockout';

describe('login lockout', () => {
  const policy = { maxFailures: 5, baseMs: 60_000, maxMs: 3_600_000 };

  it('locks after the threshold and backs off exponentially up to the cap', () => {
    expect([1, 4].map((n) => lockoutDurationMs(n, policy))).toEqual([0, 0]);
    expect(lockoutDurationMs(5, policy)).toBe(60_000);
    expect(lockoutDurationMs(6, policy)).toBe(120_000);
    expect(lockoutDurationMs(8, policy)).toBe(480_000);
    expect(lockoutDurationMs(50, policy)).toBe(3_600_000);
  });

  it('reports whether a lock is in force and for how long', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(isLocked(null, now)).toBe(false);
    expect(isLocked(new Date('2026-01-01T00:00:30Z'), now)).toBe(true);
    expect(isLocked(new Date('2025-12-31T23:59:59Z'), now)).toBe(false);
    expect(retryAfterSeconds(new Date('2026-01-01T00:00:30.2Z'), now)).toBe(31);
  });
});
