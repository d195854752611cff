import { SetMetadata } from '@nestjs/common';

export const AUDIT_METADATA = 'agent-village:audit';

/** What a route's audit entry says; every field is optional (see AuditInterceptor). */
export interface AuditOptions {
  /** AUTHENTICATION, AUTHORIZATION, DATA_ACCESS, DATA_MUTATION, SECURITY, AGENT, GOAL, TENANT. */
  category?: string;
  /** e.g. `role.update`; by default `<resource>.<create|update|delete|read>`. */
  event?: string;
  /** The resource type, when the access policy does not name it. */
  resource?: string;
  /** The route is recorded elsewhere (its service emits its own events): no entry here. */
  skip?: boolean;
}

/**
 * Audits a route (or every route of a controller): mutating routes are audited without it;
 * reads are audited only with it (reads of sensitive resources).
 */
export const Audit = (options: AuditOptions = {}) => SetMetadata(AUDIT_METADATA, options);
