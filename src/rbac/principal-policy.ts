import { hasScope, scopeForPermission } from './permissions';

/**
 * The one rule for acting on another principal (a user, their keys, sessions and role
 * assignments): an actor may change, rotate, revoke, disable, delete, reset the password
 * of, or read the key records of a principal only if the actor holds every permission that
 * principal holds. A system administrator holds admin:system, which no tenant role can
 * hold, so they are out of reach of tenant roles. Pure: no Nest, no I/O.
 */

export interface PrincipalActor {
  permissions: ReadonlySet<string>;
  /** Present when the actor is an API key: the key can only use what its scopes cover. */
  scopes?: readonly string[];
}

export type PrincipalDecision = { allowed: true } | { allowed: false; missing: string[] };

/**
 * What an actor can actually exercise: a user holds their permissions; a key holds those of
 * its owner's permissions that its scopes cover.
 */
export function heldPermissions(actor: PrincipalActor): ReadonlySet<string> {
  const scopes = actor.scopes;
  if (scopes === undefined) return actor.permissions;
  return new Set([...actor.permissions].filter((p) => hasScope(scopes, scopeForPermission(p))));
}

/** Whether `actor` may act on a principal holding `target` (every target permission held). */
export function canActOnPrincipal(
  actor: PrincipalActor,
  target: ReadonlySet<string>,
): PrincipalDecision {
  const held = heldPermissions(actor);
  const missing = [...target].filter((p) => !held.has(p)).sort();
  return missing.length ? { allowed: false, missing } : { allowed: true };
}

/**
 * The scopes in `scopes` that `permissions` do not back: a scope is backed when some held
 * permission needs exactly that scope (`admin:full` by any admin permission). Unknown
 * scopes are left to the format check.
 */
export function scopesBeyond(
  scopes: readonly string[],
  permissions: ReadonlySet<string>,
): string[] {
  const backed = new Set([...permissions].map(scopeForPermission));
  return [...new Set(scopes)].filter((s) => !backed.has(s)).sort();
}
