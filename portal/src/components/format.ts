/** Short numbers for headlines: 12.3k, 4.5M. */
export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Seconds as 42s, 3m 5s, 2h 10m. */
export function fmtDuration(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** An ISO time in the browser's locale, or a dash. */
export function fmtWhen(iso: string | null | undefined): string {
  if (!iso) return '–';
  const t = new Date(iso);
  return isNaN(t.getTime()) ? '–' : t.toLocaleString();
}
