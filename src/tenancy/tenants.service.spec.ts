import { DashboardSettingsRepository } from '../dashboard/dashboard-settings.repository';
import { startInProcessApp, type InProcessApp } from '../testing/in-process-app';
import { TenantsService } from './tenants.service';

describe('tenants and dashboard settings repositories in process (in-memory PGlite)', () => {
  let product: InProcessApp;
  let tenants: TenantsService;

  beforeAll(async () => {
    product = await startInProcessApp();
    tenants = product.app.get(TenantsService);
  });

  afterAll(() => product.close());

  it('creates a tenant, finds it by id or slug, and refuses a second with the same slug', async () => {
    const created = await tenants.create({ slug: 'acme', name: 'Acme' });
    expect(created).toMatchObject({ slug: 'acme', name: 'Acme', status: 'ACTIVE', tier: 'FREE' });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await tenants.findByRef('ACME')).toEqual(created);
    expect(await tenants.findByRef(created.id)).toEqual(created);
    expect(await tenants.get(created.id)).toEqual(created);
    await expect(tenants.create({ slug: 'acme', name: 'Other' })).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      Promise.all([
        tenants.create({ slug: 'race', name: 'A' }),
        tenants.create({ slug: 'race', name: 'B' }),
      ]),
    ).rejects.toMatchObject({ status: 409 });
    expect((await tenants.list()).map((t) => t.slug)).toEqual(['default', 'acme', 'race']);
  });

  it("merges a tenant's dashboard settings over the saved ones", async () => {
    const settings = new DashboardSettingsRepository(product.dataSource);
    const tenant = await tenants.create({ slug: 'dash', name: 'Dash' });
    expect(await settings.ofTenant(tenant.id)).toBeUndefined();
    await settings.merge(tenant.id, { theme: 'dark', refresh_ms: 5000 }, null);
    await settings.merge(tenant.id, { refresh_ms: 2000 }, null);
    const row = await settings.ofTenant(tenant.id);
    expect(row?.settings).toEqual({ theme: 'dark', refresh_ms: 2000 });
    expect(row?.updated_at).toBeInstanceOf(Date);
  });
});
