import { ADMIN_SCOPE, hasScope, SCOPES, scopeForPermission } from '../rbac/permissions';

/** Scopes about the signed-in user, not the API: what an ID token and userinfo may say. */
export const IDENTITY_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export function isIdentityScope(scope: string): boolean {
  return (IDENTITY_SCOPES as readonly string[]).includes(scope);
}

/** The OAuth scope that stands for everything, as `admin:full` does for API keys. */
export const OAUTH_ADMIN_SCOPE = 'admin';

/**
 * OAuth resource scopes read as `<resource>:<action>` (`goals:read`, `goals:write`,
 * `agents:execute`), the order OAuth clients expect; API keys write the same rights as
 * `<action>:<resource>`. One right, two spellings: these functions convert between them.
 */
export function oauthScopeFor(keyScope: string): string {
  if (keyScope === ADMIN_SCOPE) return OAUTH_ADMIN_SCOPE;
  const [action, resource] = keyScope.split(':');
  return `${resource}:${action}`;
}

export function keyScopeFor(oauthScope: string): string | undefined {
  if (oauthScope === OAUTH_ADMIN_SCOPE) return ADMIN_SCOPE;
  const [resource, action, ...rest] = oauthScope.split(':');
  if (!resource || !action || rest.length) return undefined;
  const keyScope = `${action}:${resource}`;
  return SCOPES.includes(keyScope) ? keyScope : undefined;
}

/** Every resource scope the authorization server offers, sorted. */
export const RESOURCE_SCOPES: readonly string[] = SCOPES.map(oauthScopeFor).sort();

/** Every scope a client may ask for. */
export const OAUTH_SCOPES: readonly string[] = [...IDENTITY_SCOPES, ...RESOURCE_SCOPES];

export function isOAuthScope(value: string): boolean {
  return OAUTH_SCOPES.includes(value);
}

/** The API-key spelling of a token's scope claim, dropping the identity scopes. */
export function keyScopesOf(scopeClaim: string | undefined): string[] {
  const scopes: string[] = [];
  for (const scope of (scopeClaim ?? '').split(' ')) {
    const keyScope = keyScopeFor(scope);
    if (keyScope) scopes.push(keyScope);
  }
  return scopes;
}

/**
 * The resource scopes of `requested` that a principal holding `allowedKeyScopes` (as an
 * API key would) may carry: a token never says more than its user or client may do.
 */
export function grantableResourceScopes(
  requested: Iterable<string>,
  allowedKeyScopes: readonly string[],
): string[] {
  const granted: string[] = [];
  for (const scope of requested) {
    const keyScope = keyScopeFor(scope);
    if (keyScope && hasScope(allowedKeyScopes, keyScope)) granted.push(scope);
  }
  return granted;
}

/** The API-key scopes a holder of these permissions may use (admin:access gives `admin:full`). */
export function keyScopesOfPermissions(permissions: Iterable<string>): string[] {
  const scopes = new Set<string>();
  for (const permission of permissions) {
    if (permission === 'admin:access') scopes.add(ADMIN_SCOPE);
    else if (!permission.startsWith('admin:')) scopes.add(scopeForPermission(permission));
  }
  return [...scopes];
}
