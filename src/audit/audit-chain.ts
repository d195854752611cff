import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditEntry } from './audit-event';

/** The hash before a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: one text per value, whatever built it. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What an entry's hash covers: every stored field but the hash itself. */
export function hashedFields(entry: Omit<AuditEntry, 'hash'>): Record<string, unknown> {
  return {
    id: entry.id,
    tenant_id: entry.tenant_id,
    seq: Number(entry.seq),
    occurred_at: new Date(entry.occurred_at).toISOString(),
    category: entry.category,
    event_type: entry.event_type,
    severity: entry.severity,
    outcome: entry.outcome,
    actor_id: entry.actor_id,
    actor_type: entry.actor_type,
    actor_ip: entry.actor_ip,
    resource_type: entry.resource_type,
    resource_id: entry.resource_id,
    request_id: entry.request_id,
    endpoint: entry.endpoint,
    method: entry.method,
    duration_ms: entry.duration_ms,
    changes: entry.changes,
    tags: entry.tags,
    details: entry.details,
    message: entry.message,
    prev_hash: entry.prev_hash,
  };
}

export const entryHash = (entry: Omit<AuditEntry, 'hash'>): string =>
  createHash('sha256')
    .update(canonicalJson(hashedFields(entry)))
    .digest('hex');

/** A retention checkpoint's signature: the tenant, the last removed position and its hash. */
export function checkpointSignature(
  key: Buffer,
  checkpoint: { tenantId: string; seq: number; hash: string },
): string {
  return createHmac('sha256', key)
    .update(`${checkpoint.tenantId}:${checkpoint.seq}:${checkpoint.hash}`)
    .digest('hex');
}

export function checkpointSignatureValid(
  key: Buffer,
  checkpoint: { tenantId: string; seq: number; hash: string },
  signature: string,
): boolean {
  const expected = Buffer.from(checkpointSignature(key, checkpoint), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
