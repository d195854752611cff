import type { AuditCategory, AuditOutcome, AuditSeverity } from './audit-event';

/** What a search of the audit log may ask; every given filter narrows (they AND together). */
export interface AuditFilters {
  tenantId: string;
  start?: Date;
  end?: Date;
  actorId?: string;
  actorType?: string;
  ip?: string;
  resourceType?: string;
  resourceId?: string;
  categories?: AuditCategory[];
  severities?: AuditSeverity[];
  outcomes?: AuditOutcome[];
  eventType?: string;
  /** Words that must all appear in the event type, message, resource or actor. */
  text?: string;
  /** Entries carrying every one of these tags. */
  tags?: string[];
  sort: 'asc' | 'desc';
  limit: number;
  offset: number;
}
