/** The audit page's pure helpers: the query a filter makes, paging, how an entry reads. */

export const CATEGORIES = [
  'AUTHENTICATION',
  'AUTHORIZATION',
  'DATA_ACCESS',
  'DATA_MUTATION',
  'SECURITY',
  'AGENT',
  'GOAL',
  'TENANT',
];
export const SEVERITIES = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
export const OUTCOMES = ['SUCCESS', 'FAILURE', 'PENDING'];
/** The text filters, form field → query parameter (the same names). */
export const TEXT_FILTERS = ['actor_id', 'ip', 'resource_type', 'resource_id', 'search'] as const;
export const LIST_FILTERS = ['categories', 'severities', 'outcomes'] as const;
export const DEFAULT_LIMIT = 25;

export interface AuditFilters {
  start?: string;
  end?: string;
  actor_id?: string;
  ip?: string;
  resource_type?: string;
  resource_id?: string;
  search?: string;
  categories?: string[];
  severities?: string[];
  outcomes?: string[];
  sort?: string;
  limit?: number;
  offset?: number;
}

/** A `datetime-local` value (the browser's local time) as ISO 8601 UTC; '' or invalid → null. */
export function localToIso(value: string | null | undefined): string | null {
  if (!value) return null;
  const t = new Date(value);
  return isNaN(t.getTime()) ? null : t.toISOString();
}

/**
 * The query string (with its `?`) for a filter object: `start`/`end` (datetime-local
 * values), the text filters, lists joined by commas, `sort`, `limit`, `offset`. Empty values
 * are left out; `extra` (e.g. `{ format: 'csv' }`) comes first. `paging: false` leaves out
 * limit and offset (an export takes every match).
 */
export function buildQuery(
  filters: AuditFilters = {},
  extra: Record<string, string | number | null | undefined> = {},
  options: { paging?: boolean } = {},
): string {
  const paging = options.paging !== false;
  const parts: string[] = [];
  const add = (name: string, value: unknown) => {
    if (value === null || value === undefined) return;
    const text = String(value).trim();
    if (text) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
  };
  for (const k of Object.keys(extra)) add(k, extra[k]);
  add('start_time', localToIso(filters.start));
  add('end_time', localToIso(filters.end));
  for (const k of TEXT_FILTERS) add(k, filters[k]);
  for (const k of LIST_FILTERS) {
    const list = (filters[k] ?? []).filter(Boolean);
    // .join(',') keeps the commas readable (the API splits on them).
    if (list.length) parts.push(`${k}=${list.map(encodeURIComponent).join(',')}`);
  }
  if (filters.sort === 'asc' || filters.sort === 'desc') add('sort', filters.sort);
  if (paging) {
    add('limit', filters.limit || DEFAULT_LIMIT);
    add('offset', filters.offset || 0);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** "1–25 of 80"; "0 of 0" when nothing matches. */
export function pageText(offset: number, count: number, total: number): string {
  if (!count) return `0 of ${total || 0}`;
  return `${offset + 1}–${offset + count} of ${total}`;
}
export function hasPrev(offset: number): boolean {
  return offset > 0;
}
export function hasNext(offset: number, count: number, total: number): boolean {
  return offset + count < total;
}
export function prevOffset(offset: number, limit: number): number {
  return Math.max(0, offset - limit);
}

interface ActorLike {
  type?: string | null;
  id?: string | null;
  ip?: string | null;
}
/** The actor: "user 1f2e…" with the address when known. */
export function actorText(actor: ActorLike | null | undefined): string {
  if (!actor) return '–';
  const who = [actor.type, actor.id].filter(Boolean).join(' ') || '–';
  return actor.ip ? `${who} @ ${actor.ip}` : who;
}
export function resourceText(
  resource: { type?: string | null; id?: string | null } | null | undefined,
): string {
  if (!resource || !resource.type) return '–';
  return resource.id ? `${resource.type} ${resource.id}` : resource.type;
}
/** A changed value as it reads in a table cell: JSON for objects, '–' for nothing. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '–';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
/** The entry's changes as [field, old, new] rows. */
export function changeRows(
  changes: Array<{ field: unknown; old?: unknown; new?: unknown }> | null | undefined,
): string[][] {
  return (changes ?? []).map((c) => [String(c.field), valueText(c.old), valueText(c.new)]);
}
interface ContextLike {
  request_id?: string | null;
  endpoint?: string | null;
  method?: string | null;
  duration_ms?: number | null;
}
/** The request the entry came from as [label, value] pairs, only those known. */
export function contextRows(context: ContextLike | null | undefined): string[][] {
  const c = context ?? {};
  const rows: Array<[string, string | null | undefined]> = [
    ['Request', c.request_id],
    ['Endpoint', c.endpoint],
    ['Method', c.method],
    [
      'Duration',
      c.duration_ms === null || c.duration_ms === undefined ? null : `${c.duration_ms} ms`,
    ],
  ];
  return rows.filter(
    (r): r is [string, string] => r[1] !== null && r[1] !== undefined && r[1] !== '',
  );
}
interface VerifyReport {
  valid: boolean;
  entries?: number;
  starts_after?: number | string | null;
  first_broken?: { id?: string | null; seq?: number | null; reason?: string | null } | null;
}
/** What `GET /api/v1/audit/verify` found, in a sentence. */
export function verifyText(report: VerifyReport): string {
  if (report.valid)
    return (
      `Chain intact: ${report.entries} entr${report.entries === 1 ? 'y' : 'ies'}` +
      (report.starts_after ? ` after checkpoint ${report.starts_after}` : '')
    );
  const b = report.first_broken ?? {};
  return `Broken at entry ${b.id || '(checkpoint)'} (seq ${b.seq}): ${String(b.reason || 'unknown').replace(/-/g, ' ')}`;
}
/** The file name a Content-Disposition header gives, or the fallback. */
export function fileNameOf(disposition: string | null | undefined, fallback: string): string {
  const m = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  return m ? m[1] : fallback;
}
