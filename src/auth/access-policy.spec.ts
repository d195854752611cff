import { evaluateAccess } from './access-policy';
import { effectivePermissions } from '../rbac/permissions';

const subject = (roles: string[], scopes?: string[]) => ({
  roles: new Set(roles),
  permissions: effectivePermissions(roles),
  scopes,
});

describe('evaluateAccess', () => {
  it('denies routes without a policy, even to a system admin', () => {
    expect(evaluateAccess(undefined, subject(['system_admin']))).toMatchObject({
      allowed: false,
      reason: 'no-policy',
    });
    expect(evaluateAccess({}, subject(['system_admin']))).toMatchObject({
      allowed: false,
      reason: 'no-policy',
    });
  });

  it('checks permissions, roles and admin levels', () => {
    expect(evaluateAccess({ public: true }, subject([])).allowed).toBe(true);
    expect(evaluateAccess({ permission: 'goal:read' }, subject(['viewer'])).allowed).toBe(true);
    expect(evaluateAccess({ permission: 'goal:create' }, subject(['viewer']))).toMatchObject({
      reason: 'permission',
    });
    expect(evaluateAccess({ roles: ['operator'] }, subject(['viewer']))).toMatchObject({
      reason: 'role',
    });
    expect(evaluateAccess({ admin: 'tenant' }, subject(['tenant_admin'])).allowed).toBe(true);
    expect(evaluateAccess({ admin: 'system' }, subject(['tenant_admin']))).toMatchObject({
      reason: 'admin',
    });
  });

  it("bounds API keys by their scopes on top of their owner's permissions", () => {
    expect(
      evaluateAccess({ permission: 'goal:create' }, subject(['operator'], ['read:goals'])),
    ).toMatchObject({ reason: 'scope' });
    expect(
      evaluateAccess({ permission: 'goal:read' }, subject(['operator'], ['read:goals'])).allowed,
    ).toBe(true);
    expect(
      evaluateAccess({ permission: 'goal:create' }, subject(['viewer'], ['admin:full'])),
    ).toMatchObject({ reason: 'permission' });
    expect(
      evaluateAccess({ scopes: ['execute:agents'] }, subject(['viewer'], ['read:goals'])),
    ).toMatchObject({ reason: 'scope' });
    expect(evaluateAccess({ scopes: ['execute:agents'] }, subject(['viewer'])).allowed).toBe(true);
  });
});
