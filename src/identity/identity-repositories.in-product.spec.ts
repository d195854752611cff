import { ApiKeysService } from '../apikeys/api-keys.service';
import { effectivePermissions } from '../rbac/permissions';
import { RbacService } from '../rbac/rbac.service';
import { SessionsService } from '../sessions/sessions.service';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { UsersService } from './users.service';

export function identityRepositoriesSuite(product: InProcessApp): void {
  describe('users, sessions, roles and API keys in process (in-memory PGlite)', () => {
    let users: UsersService;
    let sessions: SessionsService;
    let rbac: RbacService;
    let keys: ApiKeysService;
    let tenantId: string;
    const all = effectivePermissions(['system_admin']);

    beforeAll(async () => {
      users = product.app.get(UsersService);
      sessions = product.app.get(SessionsService);
      rbac = product.app.get(RbacService);
      keys = product.app.get(ApiKeysService);
      tenantId = (await product.app.get(TenantsService).create({ slug: 'ids', name: 'Ids' })).id;
    });

    it('creates a user once per email, pages them, and locks out after failures', async () => {
      const ada = await users.create(tenantId, { email: ' Ada@Example.com ', displayName: 'Ada' });
      expect(ada).toMatchObject({
        email: 'ada@example.com',
        status: 'active',
        failedLoginCount: 0,
      });
      await expect(
        users.create(tenantId, { email: 'ada@example.com', displayName: 'Again' }),
      ).rejects.toMatchObject({ status: 409 });
      expect(await users.findByEmail(tenantId, 'ADA@example.com')).toEqual(ada);
      expect(await users.stateOf(ada.id)).toEqual({ tenantId, status: 'active' });
      expect(await users.homeTenantOf(ada.id)).toBe(tenantId);
      expect(await users.find('00000000-0000-0000-0000-000000000000', ada.id)).toBeUndefined();

      const until = new Date(Date.now() + 60_000);
      expect(await users.reserveLoginAttempt(tenantId, ada.id, () => until)).toBe(1);
      expect(await users.get(tenantId, ada.id)).toMatchObject({
        failedLoginCount: 1,
        lockedUntil: until,
      });
      // locked: the next attempt is not counted
      expect(await users.reserveLoginAttempt(tenantId, ada.id, () => null)).toBeUndefined();
      await users.update(tenantId, ada.id, { password: 'a long new password' });
      expect(await users.get(tenantId, ada.id)).toMatchObject({
        failedLoginCount: 0,
        lockedUntil: null,
      });
      const page = await users.list(tenantId, 10, 0);
      expect(page.total).toBe(1);
      expect(page.items.map((u) => u.id)).toEqual([ada.id]);
    });

    it("ends a user's sessions on a new password but the one it was changed in", async () => {
      const bob = await users.create(tenantId, { email: 'bob@example.com', displayName: 'Bob' });
      const { token, session } = await sessions.create({
        tenantId,
        userId: bob.id,
        ip: '10.0.0.1',
      });
      const kept = await sessions.create({ tenantId, userId: bob.id });
      expect(await sessions.verify(token)).toMatchObject({ id: session.id, userId: bob.id });
      await users.update(tenantId, bob.id, { password: 'another long password' }, kept.session.id);
      expect(await sessions.verify(token)).toBeUndefined();
      expect(await sessions.verify(kept.token)).toMatchObject({ id: kept.session.id });
      await sessions.revoke(tenantId, kept.session.id);
      expect(await sessions.verify(kept.token)).toBeUndefined();
    });

    it('grants a custom role through an assignment and removes it with the role', async () => {
      const eve = await users.create(tenantId, { email: 'eve@example.com', displayName: 'Eve' });
      await rbac.createRole(
        tenantId,
        { name: 'reader', permissions: ['goal:read'], inherits: [] },
        all,
      );
      await expect(
        rbac.createRole(tenantId, { name: 'reader', permissions: [], inherits: [] }, all),
      ).rejects.toMatchObject({ status: 409 });
      const assignment = await rbac.assign(
        tenantId,
        { userId: eve.id, role: 'reader' },
        all,
        eve.id,
      );
      expect(await rbac.getAssignment(tenantId, assignment.id)).toEqual(assignment);
      expect((await rbac.listAssignments(tenantId, eve.id)).map((a) => a.role)).toEqual(['reader']);
      expect((await rbac.subject(tenantId, eve.id)).permissions.has('goal:read')).toBe(true);
      expect(await rbac.isHeldByAnyone(tenantId, 'reader')).toBe(true);

      await rbac.updateRole(tenantId, 'reader', { description: 'reads goals' }, all);
      expect(await rbac.getRole(tenantId, 'reader')).toMatchObject({ description: 'reads goals' });
      await rbac.deleteRole(tenantId, 'reader', all);
      expect(await rbac.listAssignments(tenantId, eve.id)).toEqual([]);
      expect(await rbac.isHeldByAnyone(tenantId, 'reader')).toBe(false);
    });

    it('verifies an API key by its plaintext, rotates it and revokes it', async () => {
      const owner = await users.create(tenantId, { email: 'ops@example.com', displayName: 'Ops' });
      const created = await keys.create(tenantId, owner.id, {
        name: 'ci',
        type: 'service',
        scopes: ['read:goals'],
        creatorPermissions: all,
      });
      expect(await keys.countActive(tenantId)).toBe(1);
      expect((await keys.list(tenantId, owner.id)).map((k) => k.id)).toEqual([created.key.id]);
      expect(await keys.verify(created.plaintext, '10.0.0.1')).toMatchObject({ ok: true });

      const rotated = await keys.rotate(tenantId, created.key.id, all);
      expect(await keys.verify(created.plaintext, '10.0.0.1')).toMatchObject({ ok: false });
      expect(await keys.verify(rotated.plaintext, '10.0.0.1')).toMatchObject({ ok: true });

      const revoked = await keys.revoke(tenantId, created.key.id);
      expect(revoked).toMatchObject({ status: 'revoked' });
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      await keys.delete(tenantId, created.key.id);
      await expect(keys.get(tenantId, created.key.id)).rejects.toMatchObject({ status: 404 });
    });

    it('deletes a user and answers 404 for one that is gone', async () => {
      const tom = await users.create(tenantId, { email: 'tom@example.com', displayName: 'Tom' });
      await users.delete(tenantId, tom.id);
      await expect(users.delete(tenantId, tom.id)).rejects.toMatchObject({ status: 404 });
    });
  });
}
