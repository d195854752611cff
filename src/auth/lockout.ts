/** Failed-login lockout with exponential backoff. */
export interface LockoutPolicy {
  /** Failures allowed before the first lock. */
  maxFailures: number;
  baseMs: number;
  maxMs: number;
}

/**
 * How long to lock after the `failures`-th consecutive failure: nothing below the
 * threshold, then base, 2·base, 4·base … capped at max.
 */
export function lockoutDurationMs(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.maxFailures) return 0;
  const exponent = Math.min(failures - policy.maxFailures, 30);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

export function isLocked(lockedUntil: Date | null | undefined, now = new Date()): boolean {
  return !!lockedUntil && lockedUntil.getTime() > now.getTime();
}

export function retryAfterSeconds(lockedUntil: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}
