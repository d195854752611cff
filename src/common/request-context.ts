import { AsyncLocalStorage } from 'node:async_hooks';
import { DEFAULT_TENANT_ID } from '../../migrations/1764000000000-foundation';

export interface Principal {
  kind: 'anonymous' | 'user' | 'api_key' | 'oauth' | 'system';
  /** The user id for users and keys (a key acts for its owner), 'system' or 'anonymous'. */
  id: string;
  /** The API key's resource id when kind is 'api_key'. */
  apiKeyId?: string;
  /** The OAuth client whose access token the request carries, when kind is 'oauth'. */
  oauthClientId?: string;
  /** The login session's id when authenticated by a session token. */
  sessionId?: string;
}

export interface RequestContext {
  requestId: string;
  /** Set by the access guard once the tenant is resolved; absent on public routes. */
  tenantId?: string;
  principal: Principal;
  goalId?: string;
  /** The resource a route acts on, as its access policy names it (for audit). */
  resource?: { type: string; id?: string };
  /** Field changes the request's work made, for its audit entry (masked before storage). */
  changes?: FieldChange[];
}

/** One field a request changed: its value before and after. */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/** Notes a field change of the current request for its audit entry (nothing outside a request). */
export function recordChange(field: string, oldValue: unknown, newValue: unknown): void {
  const context = storage.getStore();
  if (!context) return;
  (context.changes ??= []).push({ field, old: oldValue, new: newValue });
}

/**
 * Names the resource the current request created, for its audit entry, when its id is not
 * the route's (it did not exist before the request) nor an `id` in the answer.
 */
export function nameResource(id: string): void {
  const context = storage.getStore();
  if (context?.resource && !context.resource.id) context.resource.id = id;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const SYSTEM_PRINCIPAL: Principal = { kind: 'system', id: 'system' };
export const ANONYMOUS_PRINCIPAL: Principal = { kind: 'anonymous', id: 'anonymous' };

export function runWithContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export class TenantNotResolved extends Error {
  constructor() {
    super('No tenant is resolved for this request (is the route public, or outside a request?)');
  }
}

/**
 * The tenant the access guard resolved for the current request. Throws when there is
 * none: jobs pass their goal's tenant explicitly, and public routes have no tenant.
 */
export function currentTenantId(): string {
  const tenantId = storage.getStore()?.tenantId;
  if (!tenantId) throw new TenantNotResolved();
  return tenantId;
}

export function currentPrincipal(): Principal {
  return storage.getStore()?.principal ?? ANONYMOUS_PRINCIPAL;
}

export { DEFAULT_TENANT_ID };
