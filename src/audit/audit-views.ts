import type { AuditEventRow } from './audit-event.repository';

/** An entry on the wire: the stored fields grouped as the seed's event model has them. */
export function auditView(row: AuditEventRow) {
  return {
    id: row.id,
    timestamp: new Date(row.occurred_at).toISOString(),
    tenant_id: row.tenant_id,
    seq: Number(row.seq),
    category: row.category,
    event_type: row.event_type,
    severity: row.severity,
    outcome: row.outcome,
    actor: { id: row.actor_id, type: row.actor_type, ip: row.actor_ip },
    resource: { type: row.resource_type, id: row.resource_id },
    context: {
      request_id: row.request_id,
      endpoint: row.endpoint,
      method: row.method,
      duration_ms: row.duration_ms,
    },
    changes: row.changes,
    tags: row.tags,
    details: row.details,
    message: row.message,
    hash: row.hash,
    prev_hash: row.prev_hash,
  };
}

export type AuditView = ReturnType<typeof auditView>;

const CSV_COLUMNS = [
  'id',
  'timestamp',
  'tenant_id',
  'seq',
  'category',
  'event_type',
  'severity',
  'outcome',
  'actor_id',
  'actor_type',
  'actor_ip',
  'resource_type',
  'resource_id',
  'request_id',
  'endpoint',
  'method',
  'duration_ms',
  'changes',
  'tags',
  'message',
  'hash',
] as const;

/** A CSV cell: quoted when needed, and a leading =,+,-,@ neutralised (no formula injection). */
function cell(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = CSV_COLUMNS.join(',') + '\n';

export function csvLine(view: AuditView): string {
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: view.id,
    timestamp: view.timestamp,
    tenant_id: view.tenant_id,
    seq: view.seq,
    category: view.category,
    event_type: view.event_type,
    severity: view.severity,
    outcome: view.outcome,
    actor_id: view.actor.id,
    actor_type: view.actor.type,
    actor_ip: view.actor.ip,
    resource_type: view.resource.type,
    resource_id: view.resource.id,
    request_id: view.context.request_id,
    endpoint: view.context.endpoint,
    method: view.context.method,
    duration_ms: view.context.duration_ms,
    changes: view.changes,
    tags: view.tags,
    message: view.message,
    hash: view.hash,
  };
  return CSV_COLUMNS.map((c) => cell(flat[c])).join(',') + '\n';
}
