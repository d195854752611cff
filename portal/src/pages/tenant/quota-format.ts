/** How a tenant's quotas and rate limits read. Pure functions. */

export interface QuotaView {
  resource: string;
  limit: number | null;
  used: number;
  percent: number | null;
}

export const LABELS: Record<string, string> = {
  goals_per_day: 'Goals today',
  tokens_per_day: 'Tokens today',
  agents: 'Agents running',
  workers: 'Workers in use',
  storage_mb: 'Storage (MB)',
  api_calls_per_minute: 'API calls this minute',
};

/** From this percent of its limit on, a quota shows as nearly used up. */
export const WARN_PERCENT = 80;

export type QuotaLevel = 'none' | 'ok' | 'warn' | 'full';

export function quotaLabel(resource: string): string {
  return LABELS[resource] ?? String(resource).replace(/_/g, ' ');
}

/** 1234567 → "1,234,567", the same in every browser locale. */
export function groupDigits(n: number | null | undefined): string {
  if (n === null || n === undefined || isNaN(n)) return '–';
  const parts = String(n).split('.');
  parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return parts.join('.');
}

/** "3 / 10", or "3 · unlimited" when the quota has no limit. */
export function usageText(q: QuotaView): string {
  if (q.limit === null || q.limit === undefined) return `${groupDigits(q.used)} · unlimited`;
  return `${groupDigits(q.used)} / ${groupDigits(q.limit)}`;
}

/** none (no limit), ok, warn (≥ 80 %) or full (100 %). */
export function quotaLevel(q: QuotaView): QuotaLevel {
  if (q.limit === null || q.limit === undefined || q.percent === null) return 'none';
  if (q.percent >= 100) return 'full';
  if (q.percent >= WARN_PERCENT) return 'warn';
  return 'ok';
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** "resets 00:00 UTC" for a windowed quota; '' for a running total (resets_at null). */
export function resetText(resetsAt: string | null | undefined): string {
  if (!resetsAt) return '';
  const t = new Date(resetsAt);
  if (isNaN(t.getTime())) return '';
  return `resets ${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())} UTC`;
}

const WINDOWS: Record<number, string> = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day' };

/** 60 → "minute", 3600 → "hour", 90 → "90 s". */
export function windowText(seconds: number): string {
  return WINDOWS[seconds] ?? `${groupDigits(seconds)} s`;
}

/** A rate limit as a person reads it: "10 per minute". */
export function rateLimitText(r: { limit: number; window_s: number }): string {
  return `${groupDigits(r.limit)} per ${windowText(r.window_s)}`;
}
