import { isIP } from 'node:net';
import { normalizeIp } from '#net/ip-rules';

/** One failure counter and how many failures it allows in the window. */
export interface ThrottleCounter {
  key: string;
  limit: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * Failure counters with fixed windows. `reserve` counts an attempt on every counter at
 * once, atomically, unless one of them is already at its limit; `release` takes the
 * attempt back (a successful login), so only failures stay counted.
 */
export interface LoginThrottleStore {
  reserve(counters: ThrottleCounter[], windowMs: number): Promise<ThrottleVerdict>;
  release(keys: string[]): Promise<void>;
}

export const LOGIN_THROTTLE_STORE = Symbol('LOGIN_THROTTLE_STORE');

/**
 * The source an address counts for: itself for IPv4, its /64 for IPv6 (one subscriber
 * usually holds a whole /64, so single addresses would be free to rotate).
 */
export function addressBucket(address: string): string {
  const ip = normalizeIp(address);
  if (isIP(ip) !== 6) return ip;
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = [
    ...headGroups,
    ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'),
    ...tailGroups,
  ];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

interface Window {
  count: number;
  resetAt: number;
}

/** Counters in this process (embedded mode, or no REDIS_URL). */
export class InMemoryLoginThrottleStore implements LoginThrottleStore {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  reserve(counters: ThrottleCounter[], windowMs: number): Promise<ThrottleVerdict> {
    const now = this.now();
    let retryAtMs = 0;
    for (const { key, limit } of counters) {
      const window = this.current(key, now);
      if (window && window.count >= limit) retryAtMs = Math.max(retryAtMs, window.resetAt);
    }
    if (retryAtMs)
      return Promise.resolve({
        allowed: false,
        retryAfterS: Math.max(1, Math.ceil((retryAtMs - now) / 1000)),
      });
    for (const { key } of counters) {
      const window = this.current(key, now) ?? this.open(key, now + windowMs);
      window.count += 1;
    }
    return Promise.resolve({ allowed: true });
  }

  release(keys: string[]): Promise<void> {
    const now = this.now();
    for (const key of keys) {
      const window = this.current(key, now);
      if (window && window.count > 0) window.count -= 1;
    }
    return Promise.resolve();
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private open(key: string, resetAt: number): Window {
    if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    const window = { count: 0, resetAt };
    this.windows.set(key, window);
    return window;
  }
}
