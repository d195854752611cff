import { BUILT_IN_ROLE_NAMES, effectivePermissions, PERMISSIONS } from './permissions';
import { canActOnPrincipal, heldPermissions, scopesBeyond } from './principal-policy';

const holder = (role: string, scopes?: string[]) => ({
  permissions: effectivePermissions([role]),
  scopes,
});

describe('acting on principals', () => {
  it('lets an actor act on a principal only when it holds every permission of that principal', () => {
    for (const actor of BUILT_IN_ROLE_NAMES)
      for (const target of BUILT_IN_ROLE_NAMES) {
        const actorPermissions = effectivePermissions([actor]);
        const covers = [...effectivePermissions([target])].every((p) => actorPermissions.has(p));
        expect([
          actor,
          target,
          canActOnPrincipal(holder(actor), effectivePermissions([target])).allowed,
        ]).toEqual([actor, target, covers]);
      }
  });

  it('keeps a system administrator out of reach of a tenant administrator, naming what is missing', () => {
    expect(
      canActOnPrincipal(holder('tenant_admin'), effectivePermissions(['system_admin'])),
    ).toEqual({
      allowed: false,
      missing: ['admin:system', 'plugin:manage', 'tenant:create', 'tenant:delete'],
    });
    expect(
      canActOnPrincipal(holder('system_admin'), effectivePermissions(['tenant_admin'])).allowed,
    ).toBe(true);
    expect(canActOnPrincipal(holder('tenant_admin'), new Set()).allowed).toBe(true);
  });

  it('bounds a key by its scopes: a narrow key of an administrator cannot act on a wider principal', () => {
    const narrowKey = holder('system_admin', ['write:users', 'read:users']);
    expect(heldPermissions(narrowKey)).toEqual(
      new Set(['user:create', 'user:read', 'user:update', 'user:delete']),
    );
    expect(canActOnPrincipal(narrowKey, effectivePermissions(['viewer'])).allowed).toBe(false);
    expect(canActOnPrincipal(narrowKey, new Set(['user:read'])).allowed).toBe(true);
    const fullKey = holder('tenant_admin', ['admin:full']);
    expect(heldPermissions(fullKey)).toEqual(effectivePermissions(['tenant_admin']));
    expect(canActOnPrincipal(fullKey, effectivePermissions(['operator'])).allowed).toBe(true);
  });

  it('finds the scopes a set of permissions does not back', () => {
    const operator = effectivePermissions(['operator']);
    expect(scopesBeyond(['read:goals', 'write:goals', 'execute:agents'], operator)).toEqual([]);
    expect(
      scopesBeyond(['admin:full', 'read:users', 'write:roles', 'read:goals'], operator),
    ).toEqual(['admin:full', 'read:users', 'write:roles']);
    expect(scopesBeyond(['read:goals'], effectivePermissions(['viewer']))).toEqual([]);
    expect(scopesBeyond(['write:goals'], effectivePermissions(['viewer']))).toEqual([
      'write:goals',
    ]);
    expect(scopesBeyond(['admin:full'], effectivePermissions(['tenant_admin']))).toEqual([]);
    expect(scopesBeyond(['admin:full', 'write:tenants'], new Set(PERMISSIONS))).toEqual([]);
  });
});
