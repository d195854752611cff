import type { Principal } from '../common/request-context';

/** Who is calling, in which tenant, with what rights: the result of the auth pipeline. */
export interface AccessContext {
  principal: Principal & { kind: 'user' | 'api_key' };
  tenantId: string;
  userId: string;
  homeTenantId: string;
  roles: ReadonlySet<string>;
  permissions: ReadonlySet<string>;
  /** Scopes of the API key; undefined for user sessions. */
  scopes?: readonly string[];
  clientIp?: string;
  tenantSource: 'header' | 'api_key' | 'subdomain' | 'home';
}
