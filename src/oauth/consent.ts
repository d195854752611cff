import {
  grantableResourceScopes,
  IDENTITY_SCOPES,
  keyScopesOfPermissions,
} from '../oauth-tokens/oauth-scopes';

export interface ConsentDecision {
  /** Identity scopes the grant holds. */
  identity: string[];
  /** API scopes the grant holds: only those the user's permissions cover. */
  resource: string[];
  /** What was asked for and cannot be granted (recorded as rejected, not asked again). */
  refusedIdentity: string[];
  refusedResource: string[];
}

const IDENTITY: ReadonlySet<string> = new Set(IDENTITY_SCOPES);

/**
 * What a grant may hold: the scopes the client asked for, that the client is registered for,
 * and (for API scopes) that the user's permissions in the client's tenant cover. A token
 * therefore never carries more than both its user and its client may do.
 */
export function decideConsent(
  requested: readonly string[],
  clientScopes: readonly string[],
  userPermissions: Iterable<string>,
): ConsentDecision {
  const registered = new Set(clientScopes);
  const userScopes = keyScopesOfPermissions(userPermissions);
  const identity: string[] = [];
  const refusedIdentity: string[] = [];
  const apiRequested: string[] = [];
  for (const scope of new Set(requested)) {
    if (IDENTITY.has(scope)) (registered.has(scope) ? identity : refusedIdentity).push(scope);
    else if (registered.has(scope)) apiRequested.push(scope);
  }
  const resource = grantableResourceScopes(apiRequested, userScopes);
  const refusedResource = [...new Set(requested)].filter(
    (s) => !IDENTITY.has(s) && !resource.includes(s),
  );
  return { identity, resource, refusedIdentity, refusedResource };
}
