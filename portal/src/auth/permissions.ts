import type { Me } from '../api/types';

/** A permission the signed-in user holds (`goal:read`, `audit:export`, ...). */
export function can(me: Me | undefined, permission: string): boolean {
  return !!me?.permissions.includes(permission);
}

/** Platform administrators (`admin:system`): every tenant, the workers, the tenants list. */
export function isSystemAdmin(me: Me | undefined): boolean {
  return can(me, 'admin:system');
}
