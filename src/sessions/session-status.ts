export type SessionType = 'web' | 'api' | 'cli';
export type SessionAuthMethod = 'password' | 'sso' | 'oauth' | 'api_key';
export type SessionStatus = 'active' | 'expired' | 'revoked' | 'locked';

/** The facts a session's status is derived from. */
export interface SessionClock {
  expiresAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  lockedAt: Date | null;
}

/**
 * A session ends for good when revoked, or when it passes its absolute lifetime or sits
 * unused for the idle timeout; a locked one waits for an administrator to unlock it.
 */
export function sessionStatus(session: SessionClock, idleMs: number, now: Date): SessionStatus {
  if (session.revokedAt) return 'revoked';
  if (session.expiresAt <= now || idleExpiry(session, idleMs) <= now) return 'expired';
  if (session.lockedAt) return 'locked';
  return 'active';
}

/** When the session ends if nobody uses it: the earlier of idle and absolute expiry. */
export function idleExpiry(
  session: Pick<SessionClock, 'lastSeenAt' | 'expiresAt'>,
  idleMs: number,
): Date {
  const idle = session.lastSeenAt.getTime() + idleMs;
  return new Date(Math.min(idle, session.expiresAt.getTime()));
}

export function isElevated(elevatedUntil: Date | null, now: Date): boolean {
  return !!elevatedUntil && elevatedUntil > now;
}
