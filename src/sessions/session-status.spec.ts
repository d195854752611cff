import { idleExpiry, isElevated, sessionStatus } from './session-status';

const HOUR = 3_600_000;
const now = new Date('2026-06-01T12:00:00Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
const live = { expiresAt: at(10 * HOUR), lastSeenAt: at(-60_000), revokedAt: null, lockedAt: null };

describe('session status', () => {
  it('is active while used within the idle timeout and before its lifetime ends', () => {
    expect(sessionStatus(live, HOUR, now)).toBe('active');
  });

  it('expires after sitting idle, even when its absolute lifetime has time left', () => {
    expect(sessionStatus({ ...live, lastSeenAt: at(-HOUR - 1) }, HOUR, now)).toBe('expired');
  });

  it('expires at its absolute lifetime, however recently it was used', () => {
    expect(sessionStatus({ ...live, expiresAt: at(-1), lastSeenAt: now }, HOUR, now)).toBe(
      'expired',
    );
  });

  it('is revoked before anything else, and locked while otherwise alive', () => {
    expect(sessionStatus({ ...live, revokedAt: at(-5), lockedAt: at(-5) }, HOUR, now)).toBe(
      'revoked',
    );
    expect(sessionStatus({ ...live, lockedAt: at(-5) }, HOUR, now)).toBe('locked');
  });

  it('reports when an unused session ends: the earlier of idle and absolute expiry', () => {
    expect(idleExpiry(live, HOUR)).toEqual(at(HOUR - 60_000));
    expect(idleExpiry({ ...live, expiresAt: at(5_000) }, HOUR)).toEqual(at(5_000));
  });

  it('is elevated only until the elevation ends', () => {
    expect(isElevated(at(1), now)).toBe(true);
    expect(isElevated(now, now)).toBe(false);
    expect(isElevated(null, now)).toBe(false);
  });
});
