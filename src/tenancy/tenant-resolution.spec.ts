import { resolveTenant, subdomainSlug } from './tenant-resolution';

const A = '00000000-0000-0000-0000-00000000000a';
const B = '00000000-0000-0000-0000-00000000000b';
const C = '00000000-0000-0000-0000-00000000000c';

describe('tenant resolution', () => {
  const memberOfAB = (t: string) => t === A || t === B;

  it('uses the header first, only for a member', () => {
    expect(resolveTenant({ header: B, homeTenantId: A }, memberOfAB)).toEqual({
      ok: true,
      tenantId: B,
      source: 'header',
    });
    expect(resolveTenant({ header: C, homeTenantId: A }, memberOfAB)).toEqual({
      ok: false,
      reason: 'not-a-member',
    });
    expect(resolveTenant({ header: 'acme', homeTenantId: A }, memberOfAB)).toEqual({
      ok: false,
      reason: 'malformed-header',
    });
  });

  it('binds an API key to its tenant, then the subdomain, then the home tenant', () => {
    expect(
      resolveTenant({ keyTenantId: B, subdomainTenantId: A, homeTenantId: A }, memberOfAB),
    ).toMatchObject({ tenantId: B, source: 'api_key' });
    expect(resolveTenant({ header: A, keyTenantId: B, homeTenantId: B }, () => true)).toEqual({
      ok: false,
      reason: 'not-a-member',
    });
    expect(resolveTenant({ subdomainTenantId: B, homeTenantId: A }, memberOfAB)).toMatchObject({
      tenantId: B,
      source: 'subdomain',
    });
    expect(resolveTenant({ subdomainTenantId: C, homeTenantId: A }, memberOfAB)).toMatchObject({
      ok: false,
    });
    expect(resolveTenant({ homeTenantId: A }, memberOfAB)).toMatchObject({
      tenantId: A,
      source: 'home',
    });
  });

  it('reads the subdomain against the configured base domain', () => {
    expect(subdomainSlug('acme.example.com:3000', 'example.com')).toBe('acme');
    expect(subdomainSlug('example.com', 'example.com')).toBeUndefined();
    expect(subdomainSlug('a.b.example.com', 'example.com')).toBeUndefined();
    expect(subdomainSlug('acme.evil.com', 'example.com')).toBeUndefined();
    expect(subdomainSlug('acme.example.com', undefined)).toBeUndefined();
  });
});
