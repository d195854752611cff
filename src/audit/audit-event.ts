/** The audit log's event model: what happened, to what, by whom, how it ended. */
export const AUDIT_CATEGORIES = [
  'AUTHENTICATION',
  'AUTHORIZATION',
  'DATA_ACCESS',
  'DATA_MUTATION',
  'SECURITY',
  'AGENT',
  'GOAL',
  'TENANT',
] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

export const AUDIT_SEVERITIES = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type AuditSeverity = (typeof AUDIT_SEVERITIES)[number];

export const AUDIT_OUTCOMES = ['SUCCESS', 'FAILURE', 'PENDING'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const ACTOR_TYPES = ['user', 'service', 'system', 'agent', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export interface AuditChange {
  field: string;
  old: unknown;
  new: unknown;
}

/** An event as the capture points hand it over (masked and chained by the writer). */
export interface AuditEventInput {
  tenantId: string;
  occurredAt?: Date;
  category: AuditCategory;
  eventType: string;
  severity?: AuditSeverity;
  outcome?: AuditOutcome;
  actor: { id?: string | null; type: ActorType; ip?: string | null };
  resource?: { type?: string | null; id?: string | null };
  context?: {
    requestId?: string | null;
    endpoint?: string | null;
    method?: string | null;
    durationMs?: number | null;
  };
  changes?: AuditChange[];
  tags?: string[];
  details?: Record<string, unknown>;
  message?: string | null;
}

/** An entry as stored: the fields its hash covers, in storage form. */
export interface AuditEntry {
  id: string;
  tenant_id: string;
  seq: number;
  occurred_at: string;
  category: AuditCategory;
  event_type: string;
  severity: AuditSeverity;
  outcome: AuditOutcome;
  actor_id: string | null;
  actor_type: ActorType;
  actor_ip: string | null;
  resource_type: string | null;
  resource_id: string | null;
  request_id: string | null;
  endpoint: string | null;
  method: string | null;
  duration_ms: number | null;
  changes: AuditChange[];
  tags: string[];
  details: Record<string, unknown>;
  message: string | null;
  prev_hash: string;
  hash: string;
}
