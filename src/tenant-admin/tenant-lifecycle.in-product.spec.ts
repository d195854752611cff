import { GoalPauses } from '../governor/goal-pauses.service';
import type { AccessContext } from '../access/access-context';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { effectivePermissions } from '../rbac/permissions';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { TenantAdministration } from './tenant-administration.service';
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

    it('a deleted tenant gets no new API key (409), though it has its owner', async () => {
      const tenants = product.app.get(TenantsService);
      const administration = product.app.get(TenantAdministration);
      const caller: AccessContext = {
        principal: { kind: 'user', id: actor.userId },
        tenantId: DEFAULT_TENANT_ID,
        userId: actor.userId,
        homeTenantId: DEFAULT_TENANT_ID,
        roles: new Set(['system_admin']),
        permissions: effectivePermissions(['system_admin']),
        tenantSource: 'home',
      };
      const tenant = await administration.create(caller, {
        slug: 'deleted-keys',
        name: 'Deleted keys',
        owner_email: 'owner@deleted-keys.test',
      });
      await product.app.get(TenantLifecycle).apply(tenant.id, 'delete', null, actor);
      await expect(
        administration.createKey(caller, tenant.id, { name: 'late', scopes: ['read:goals'] }),
      ).rejects.toMatchObject({ status: 409, type: 'tenant-status-conflict' });
      expect((await tenants.get(tenant.id)).status).toBe('DELETED');
    });
  });
}
