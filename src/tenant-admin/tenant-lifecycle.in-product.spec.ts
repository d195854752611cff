import { GoalPauses } from '../governor/goal-pauses.service';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { TenantLifecycle } from './tenant-lifecycle.service';

const actor = { userId: 'platform-admin', tenantId: DEFAULT_TENANT_ID };

/** The lifecycle moves with their effect on the tenant's goals, on an in-memory PGlite. */
export function tenantLifecycleSuite(product: InProcessApp): void {
  describe('tenant lifecycle in process (in-memory PGlite)', () => {
    afterEach(() => jest.restoreAllMocks());

    it.each(['suspend', 'delete'] as const)(
      'a %s whose goals could not be paused leaves the tenant as it was',
      async (action) => {
        const tenants = product.app.get(TenantsService);
        const tenant = await tenants.create({ slug: `undone-${action}`, name: 'Undone' });
        jest
          .spyOn(product.app.get(GoalPauses), 'pauseTenant')
          .mockRejectedValueOnce(new Error('lost'));
        await expect(
          product.app.get(TenantLifecycle).apply(tenant.id, action, 'billing', actor),
        ).rejects.toThrow('lost');
        expect((await tenants.get(tenant.id)).status).toBe('ACTIVE');
      },
    );

    it('an activation whose goals could not be resumed leaves the tenant suspended', async () => {
      const tenants = product.app.get(TenantsService);
      const lifecycle = product.app.get(TenantLifecycle);
      const tenant = await tenants.create({ slug: 'undone-activate', name: 'Undone' });
      await lifecycle.apply(tenant.id, 'suspend', 'billing', actor);
      jest
        .spyOn(product.app.get(GoalPauses), 'resumeTenant')
        .mockRejectedValueOnce(new Error('lost'));
      await expect(lifecycle.apply(tenant.id, 'activate', null, actor)).rejects.toThrow('lost');
      expect((await tenants.get(tenant.id)).status).toBe('SUSPENDED');
      expect((await lifecycle.apply(tenant.id, 'activate', null, actor)).status).toBe('ACTIVE');
    });
  });
}
