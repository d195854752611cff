import type { Principal } from '../common/request-context';

/** What authorization needs to know of a login session. */
export interface SessionFacts {
  id: string;
  mfaVerified: boolean;
  enrollmentOnly: boolean;
  elevatedUntil: Date | null;
}

/** Who is calling, in which tenant, with what rights: the result of the auth pipeline. */
export interface AccessContext {
  principal: Principal & { kind: 'user' | 'api_key' | 'oauth' };
  tenantId: string;
  userId: string;
  homeTenantId: string;
  roles: ReadonlySet<string>;
  permissions: ReadonlySet<string>;
  /** Scopes of the API key or OAuth access token (API key spelling); undefined for sessions. */
  scopes?: readonly string[];
  clientIp?: string;
  /** The login session behind a user's request; undefined for API keys. */
  session?: SessionFacts;
  tenantSource: 'header' | 'api_key' | 'token' | 'subdomain' | 'home';
  /**
   * When the credential stops being valid on its own: the API key's or the access token's
   * expiry, the session's absolute end. Undefined for a key that never expires.
   */
  expiresAt?: Date;
}
