/** An audit entry as `GET /api/v1/audit` lists it (the spec has no schema for it yet). */
export interface AuditEntry {
  id: string;
  timestamp: string;
  tenant_id: string;
  seq: number;
  category: string;
  event_type: string;
  severity: string;
  outcome: string;
  actor: { id: string | null; type: string | null; ip: string | null };
  resource: { type: string | null; id: string | null };
  context: {
    request_id: string | null;
    endpoint: string | null;
    method: string | null;
    duration_ms: number | null;
  };
  changes: Array<{ field: string; old?: unknown; new?: unknown }> | null;
  tags: string[] | null;
  details: Record<string, unknown> | null;
  message: string | null;
  hash: string;
  prev_hash: string;
}

export interface AuditPage {
  items: AuditEntry[];
  total: number;
  offset: number;
  limit: number;
}

export interface VerifyReport {
  valid: boolean;
  entries: number;
  starts_after?: number | string | null;
  first_broken?: { id?: string | null; seq?: number | null; reason?: string | null } | null;
}
