import { resolveSettings } from './sso-templates';

describe('single sign-on templates', () => {
  describe('microsoft', () => {
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';

    it('takes the directory (tenant) ID and derives the tenant-specific issuer', () => {
      const result = resolveSettings('microsoft', {
        client_id: 'agent-village',
        directory_tenant: tenantId.toUpperCase(),
      });
      expect(result).toMatchObject({
        ok: true,
        protocol: 'oidc',
        settings: {
          issuer: `https://login.microsoftonline.com/${tenantId.toUpperCase()}/v2.0`,
          scopes: ['openid', 'email', 'profile'],
        },
      });
    });

    it.each([
      'common',
      'organizations',
      'consumers',
      'contoso.onmicrosoft.com',
      'contoso.com',
      `${tenantId}x`,
      tenantId.replace(/-/g, ''),
      '------------------------------------',
      `${tenantId}/../common`,
    ])('refuses %s as the tenant, naming the field and asking for the GUID', (tenant) => {
      const result = resolveSettings('microsoft', {
        client_id: 'agent-village',
        directory_tenant: tenant,
      });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0].field).toBe('settings.directory_tenant');
      expect(result.errors[0].message).toMatch(/GUID: the directory \(tenant\) ID/);
      expect(result.errors[0].message).toMatch(/Entra admin center/);
    });

    it('requires the tenant', () => {
      const result = resolveSettings('microsoft', { client_id: 'agent-village' });
      expect(result).toEqual({
        ok: false,
        errors: [{ field: 'settings.directory_tenant', message: 'is required for this template' }],
      });
    });
  });
});
