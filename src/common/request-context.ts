import { AsyncLocalStorage } from 'node:async_hooks';
import { DEFAULT_TENANT_ID } from '../../migrations/1764000000000-foundation';

export interface Principal {
  kind: 'anonymous' | 'user' | 'api_key' | 'system';
  id: string;
}

export interface RequestContext {
  requestId: string;
  tenantId: string;
  principal: Principal;
  goalId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const SYSTEM_PRINCIPAL: Principal = { kind: 'system', id: 'system' };

export function runWithContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The resolved tenant of the current request or job; the default tenant until identity lands. */
export function currentTenantId(): string {
  return storage.getStore()?.tenantId ?? DEFAULT_TENANT_ID;
}

export { DEFAULT_TENANT_ID };
