import { isUuid } from '#common';

/**
 * Which tenant a request acts in, in this order: the X-Tenant-ID header (only when the
 * principal is a member), the API key's tenant, the subdomain, the principal's home tenant.
 */
export interface TenantCandidates {
  header?: string;
  /** The tenant an API key belongs to; a key never acts elsewhere. */
  keyTenantId?: string;
  /** Tenant slug from the Host header's subdomain, when a base domain is configured. */
  subdomainTenantId?: string;
  homeTenantId: string;
}

export type TenantDecision =
  | { ok: true; tenantId: string; source: 'header' | 'api_key' | 'subdomain' | 'home' }
  | { ok: false; reason: 'malformed-header' | 'not-a-member' };

export function resolveTenant(
  candidates: TenantCandidates,
  isMember: (tenantId: string) => boolean,
): TenantDecision {
  if (candidates.header !== undefined) {
    if (!isUuid(candidates.header)) return { ok: false, reason: 'malformed-header' };
    const tenantId = candidates.header.toLowerCase();
    if (candidates.keyTenantId && candidates.keyTenantId !== tenantId)
      return { ok: false, reason: 'not-a-member' };
    return isMember(tenantId)
      ? { ok: true, tenantId, source: 'header' }
      : { ok: false, reason: 'not-a-member' };
  }
  if (candidates.keyTenantId)
    return { ok: true, tenantId: candidates.keyTenantId, source: 'api_key' };
  if (candidates.subdomainTenantId) {
    return isMember(candidates.subdomainTenantId)
      ? { ok: true, tenantId: candidates.subdomainTenantId, source: 'subdomain' }
      : { ok: false, reason: 'not-a-member' };
  }
  return { ok: true, tenantId: candidates.homeTenantId, source: 'home' };
}

/** `acme.example.com` with base `example.com` → `acme`; nothing for the bare or other domains. */
export function subdomainSlug(
  host: string | undefined,
  baseDomain: string | undefined,
): string | undefined {
  if (!host || !baseDomain) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const suffix = `.${baseDomain.toLowerCase()}`;
  if (!name.endsWith(suffix)) return undefined;
  const label = name.slice(0, -suffix.length);
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(label) ? label : undefined;
}
