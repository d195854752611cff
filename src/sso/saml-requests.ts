import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { hashLoginKey, type SsoLoginStateRepository } from './sso-login-state.repository';
import type { SsoProviderRow } from './sso-provider.repository';

/** A request this sign-in found in the store (and so removed from it). */
export interface TakenRequest {
  id: string;
  redirectTo: string;
}

/** What a request we sent asked for: a sign-in (AuthnRequest) or a sign-out (LogoutRequest). */
export type SamlRequestPurpose = 'login' | 'logout';

/**
 * node-saml's cache of request ids, on our shared store instead of its per-process memory,
 * for one sign-in or sign-out: `saveAsync` stores the request we send (keyed by the hash of
 * its id, with where to return and what it asked for), `getAsync` takes it (delete …
 * returning), so an InResponseTo is accepted once, by whichever API process the browser
 * comes back to, and a replay finds nothing anywhere; an answer to a LogoutRequest is no
 * answer to an AuthnRequest, nor the other way round. node-saml asks for the same id again
 * later in one validation: the request taken is remembered for this exchange only, and no
 * other id is taken after it.
 */
export class SamlRequests implements CacheProvider {
  private found?: TakenRequest & { issuedAt: string };

  constructor(
    private readonly states: SsoLoginStateRepository,
    private readonly provider: SsoProviderRow,
    private readonly starting?: { redirectTo: string; ttlMs: number },
    private readonly purpose: SamlRequestPurpose = 'login',
  ) {}

  /** The request the response answered, once node-saml has looked it up. */
  get taken(): TakenRequest | undefined {
    return this.found && { id: this.found.id, redirectTo: this.found.redirectTo };
  }

  async saveAsync(id: string, issuedAt: string): Promise<CacheItem> {
    if (!this.starting) throw new Error('SAML requests are saved only when an exchange starts');
    await this.states.insert({
      stateHash: hashLoginKey(id),
      providerId: this.provider.id,
      tenantId: this.provider.tenant_id,
      payload: {
        redirect_to: this.starting.redirectTo,
        issued_at: issuedAt,
        ...(this.purpose === 'logout' ? { purpose: 'logout' } : {}),
      },
      expiresAt: new Date(Date.now() + this.starting.ttlMs),
    });
    return { value: issuedAt, createdAt: Date.now() };
  }

  async getAsync(id: string): Promise<string | null> {
    if (this.found) return this.found.id === id ? this.found.issuedAt : null;
    const payload = await this.states.take(hashLoginKey(id), this.provider.id);
    if (!payload || typeof payload.issued_at !== 'string') return null;
    if ((payload.purpose ?? 'login') !== this.purpose) return null;
    this.found = {
      id,
      issuedAt: payload.issued_at,
      redirectTo: String(payload.redirect_to ?? '/'),
    };
    return this.found.issuedAt;
  }

  /** Already gone: `getAsync` took it. */
  async removeAsync(id: string | null): Promise<string | null> {
    return id;
  }
}
