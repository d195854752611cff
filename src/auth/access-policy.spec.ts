import { deniedType, evaluateAccess } from './access-policy';
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

  describe('session rules', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const session = (
      facts: Partial<{ mfaVerified: boolean; enrollmentOnly: boolean; elevatedUntil: Date | null }>,
    ) => ({
      ...subject(['operator']),
      session: {
        id: 's1',
        mfaVerified: false,
        enrollmentOnly: false,
        elevatedUntil: null,
        ...facts,
      },
    });
    const elevatedRoute = { permission: 'goal:read', elevated: true as const };

    it('refuses a fresh session on an elevated route, and accepts it while elevated', () => {
      const fresh = evaluateAccess(elevatedRoute, session({}), now);
      expect(fresh).toMatchObject({ allowed: false, reason: 'elevation' });
      expect(deniedType('elevation')).toBe('elevation-required');
      const until = new Date(now.getTime() + 60_000);
      expect(evaluateAccess(elevatedRoute, session({ elevatedUntil: until }), now).allowed).toBe(
        true,
      );
      const lapsed = new Date(now.getTime() - 1);
      expect(evaluateAccess(elevatedRoute, session({ elevatedUntil: lapsed }), now).allowed).toBe(
        false,
      );
    });

    it('lets API keys through the session rules but not through session-only routes', () => {
      const key = subject(['operator'], ['read:goals']);
      expect(evaluateAccess(elevatedRoute, key, now).allowed).toBe(true);
      expect(evaluateAccess({ authenticated: true, mfa: true }, key, now).allowed).toBe(true);
      expect(evaluateAccess({ authenticated: true, session: true }, key, now)).toMatchObject({
        reason: 'session',
      });
    });

    it('asks for a second factor where a route needs one', () => {
      const route = { authenticated: true as const, mfa: true as const };
      expect(evaluateAccess(route, session({}), now)).toMatchObject({ reason: 'mfa' });
      expect(evaluateAccess(route, session({ mfaVerified: true }), now).allowed).toBe(true);
    });

    it('keeps a session that must enroll to the enrollment routes', () => {
      const enrolling = session({ enrollmentOnly: true });
      expect(evaluateAccess({ permission: 'goal:read' }, enrolling, now)).toMatchObject({
        reason: 'mfa-enrollment',
      });
      expect(
        evaluateAccess({ authenticated: true, enrollment: true }, enrolling, now).allowed,
      ).toBe(true);
    });
  });
});
