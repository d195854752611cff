import { DashboardSettingsRepository } from '../dashboard/dashboard-settings.repository';
import type { InProcessApp } from '../testing/in-process-app';
import { TenantsService } from './tenants.service';

export function tenantsServiceSuite(product: InProcessApp): void {
  describe('tenants and dashboard settings repositories in process (in-memory PGlite)', () => {
    let tenants: TenantsService;

    beforeAll(async () => {
      tenants = product.app.get(TenantsService);
    });

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
      const slugs = (await tenants.list()).map((t) => t.slug);
      expect(slugs.filter((slug) => ['default', 'acme', 'race'].includes(slug))).toEqual([
        'default',
        'acme',
        'race',
      ]);
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

    it('moves along the lifecycle, refuses what it lacks, and sets the purge date on deletion', async () => {
      const t = await tenants.create({ slug: 'life', name: 'Life', status: 'PENDING' });
      await expect(tenants.transition(t.id, 'suspend', 'x')).rejects.toMatchObject({
        status: 409,
        type: 'tenant-status-conflict',
      });
      expect((await tenants.transition(t.id, 'approve', null)).status).toBe('ACTIVE');
      await expect(tenants.transition(t.id, 'activate', null)).rejects.toMatchObject({
        status: 409,
      });
      const suspended = await tenants.transition(t.id, 'suspend', 'billing');
      expect(suspended).toMatchObject({ status: 'SUSPENDED', statusReason: 'billing' });
      const deleted = await tenants.transition(t.id, 'delete', null);
      expect(deleted.status).toBe('DELETED');
      const days = (deleted.purgeAfter!.getTime() - deleted.deletedAt!.getTime()) / 86_400_000;
      expect(Math.round(days)).toBe(7);
      await expect(tenants.update(t.id, { name: 'Zombie' })).rejects.toMatchObject({ status: 404 });
      expect((await tenants.list()).some((x) => x.id === t.id)).toBe(false);
      expect((await tenants.list(true)).some((x) => x.id === t.id)).toBe(true);
    });

    it("keeps the installation's own tenant without limits: no tier or quota change", async () => {
      const own = (await tenants.list()).find((t) => t.slug === 'default')!;
      for (const change of [{ tier: 'FREE' as const }, { quotaOverrides: { goals_per_day: 1 } }])
        await expect(tenants.update(own.id, change)).rejects.toMatchObject({
          status: 409,
          type: 'default-tenant',
        });
      expect(await tenants.update(own.id, { name: 'Default' })).toMatchObject({
        tier: 'ENTERPRISE',
        name: 'Default',
      });
    });

    it('a change of one quota override keeps the others, and the tier follows its own', async () => {
      const t = await tenants.create({
        slug: 'overrides',
        name: 'Overrides',
        quotaOverrides: { goals_per_day: 5, agents: 7, storage_mb: null },
      });
      // as the request body arrives: the resources not sent are present but undefined
      const changed = await tenants.update(t.id, {
        quotaOverrides: { workers: 2, goals_per_day: undefined, agents: undefined },
      });
      expect(changed.quotaOverrides).toEqual({
        goals_per_day: 5,
        agents: 7,
        storage_mb: null,
        workers: 2,
      });
      expect(changed.quotas).toMatchObject({
        goals_per_day: 5,
        agents: 7,
        storage_mb: null,
        workers: 2,
        tokens_per_day: 10_000,
      });
      expect((await tenants.get(t.id)).quotaOverrides).toEqual(changed.quotaOverrides);
    });

    it('concurrent changes of different configuration keys and overrides all stay', async () => {
      const t = await tenants.create({ slug: 'merge-race', name: 'Race', config: { a: 1 } });
      await Promise.all([
        tenants.update(t.id, { config: { b: 2 } }),
        tenants.update(t.id, { config: { c: 3 } }),
        tenants.update(t.id, { quotaOverrides: { agents: 4 } }),
        tenants.update(t.id, { quotaOverrides: { workers: 5 } }),
      ]);
      const after = await tenants.get(t.id);
      expect(after.config).toEqual({ a: 1, b: 2, c: 3 });
      expect(after.quotaOverrides).toEqual({ agents: 4, workers: 5 });
    });

    it('two concurrent moves from one status: exactly one applies', async () => {
      const t = await tenants.create({ slug: 'race-move', name: 'Race' });
      const outcomes = await Promise.allSettled([
        tenants.transition(t.id, 'suspend', 'a'),
        tenants.transition(t.id, 'delete', null),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    });
  });
}
