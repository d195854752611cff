import type { QuotaResource } from '../tenancy/tiers';

/** How a resource's usage is counted: per UTC day, per minute, or as a running total. */
export type QuotaWindow = 'day' | 'minute' | 'total';

export const WINDOW_OF: Record<QuotaResource, QuotaWindow> = {
  goals_per_day: 'day',
  tokens_per_day: 'day',
  agents: 'total',
  workers: 'total',
  storage_mb: 'total',
  api_calls_per_minute: 'minute',
};

/** When the window that holds `now` ends (null for a running total, which never resets). */
export function resetsAt(window: QuotaWindow, now: Date): Date | null {
  if (window === 'total') return null;
  const next = new Date(now);
  if (window === 'day') {
    next.setUTCHours(24, 0, 0, 0);
  } else {
    next.setUTCSeconds(60, 0);
  }
  return next;
}
