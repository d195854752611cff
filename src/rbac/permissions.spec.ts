import {
  BUILT_IN_ROLES,
  effectivePermissions,
  hasScope,
  PERMISSIONS,
  scopeForPermission,
  SCOPES,
} from './permissions';

describe('permission catalogue and built-in roles', () => {
  it('has at least 40 distinct resource:action permissions across every resource', () => {
    expect(PERMISSIONS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PERMISSIONS).size).toBe(PERMISSIONS.length);
    const resources = new Set(PERMISSIONS.map((p) => p.split(':')[0]));
    for (const r of [
      'goal',
      'agent',
      'tool',
      'memory',
      'user',
      'role',
      'tenant',
      'admin',
      'api-key',
      'audit',
      'webhook',
      'session',
    ])
      expect(resources).toContain(r);
    for (const role of Object.values(BUILT_IN_ROLES))
      for (const p of role.permissions) expect(PERMISSIONS).toContain(p);
  });

  it('follows inheritance: viewer ⊂ operator ⊂ tenant_admin ⊂ system_admin, developer ⊂ tenant_admin', () => {
    const viewer = effectivePermissions(['viewer']);
    const operator = effectivePermissions(['operator']);
    const developer = effectivePermissions(['developer']);
    const tenantAdmin = effectivePermissions(['tenant_admin']);
    const systemAdmin = effectivePermissions(['system_admin']);
    for (const p of viewer) expect(operator.has(p) && developer.has(p)).toBe(true);
    for (const p of [...operator, ...developer]) expect(tenantAdmin.has(p)).toBe(true);
    expect(systemAdmin.size).toBe(PERMISSIONS.length);
    expect(viewer.has('goal:read')).toBe(true);
    expect(viewer.has('goal:create')).toBe(false);
    expect(operator.has('goal:cancel')).toBe(true);
    expect(developer.has('goal:create')).toBe(false);
    expect(developer.has('tool:manage')).toBe(true);
    expect(tenantAdmin.has('tenant:create')).toBe(false);
    expect(tenantAdmin.has('role:assign')).toBe(true);
  });

  it('resolves custom roles and survives inheritance cycles', () => {
    const custom = {
      auditor: {
        name: 'auditor',
        description: '',
        permissions: ['audit:read'],
        inherits: ['viewer', 'loop'],
        builtIn: false,
      },
      loop: {
        name: 'loop',
        description: '',
        permissions: ['session:read'],
        inherits: ['auditor'],
        builtIn: false,
      },
    } as const;
    const granted = effectivePermissions(['auditor'], (n) => custom[n as keyof typeof custom]);
    expect(granted.has('audit:read')).toBe(true);
    expect(granted.has('session:read')).toBe(true);
    expect(granted.has('goal:read')).toBe(true);
    expect(granted.has('goal:create')).toBe(false);
    expect(effectivePermissions(['nobody']).size).toBe(0);
  });

  it('maps permissions to key scopes', () => {
    expect(scopeForPermission('goal:read')).toBe('read:goals');
    expect(scopeForPermission('goal:create')).toBe('write:goals');
    expect(scopeForPermission('agent:execute')).toBe('execute:agents');
    expect(scopeForPermission('admin:system')).toBe('admin:full');
    expect(SCOPES).toEqual(
      expect.arrayContaining(['read:goals', 'write:goals', 'execute:agents', 'admin:full']),
    );
    expect(hasScope(['write:goals'], 'read:goals')).toBe(true);
    expect(hasScope(['read:goals'], 'write:goals')).toBe(false);
    expect(hasScope(['admin:full'], 'write:roles')).toBe(true);
  });
});
