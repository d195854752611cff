import type { OAuthClientRow } from './oauth-client.repository';

/** A client as oidc-provider reads it: its standard metadata and the product's own. */
export interface ProviderClientMetadata {
  client_id: string;
  /** The secret's hash: see `hashClientSecret`, which the server applies to what it is shown. */
  client_secret: string | undefined;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
  client_name: string;
  tenant_id: string;
  skip_consent: boolean;
  owner_user_id: string | null;
}

/**
 * Maps a stored client to oidc-provider client metadata. The stored hash deliberately
 * stands as the secret: every presented secret is replaced by its hash before the server
 * compares (see oauth-client-credentials.ts), so no secret is ever kept. Only the
 * authorization code flow has a response type; the other grants use the token endpoint alone.
 */
export function toProviderMetadata(row: OAuthClientRow): ProviderClientMetadata {
  return {
    client_id: row.client_id,
    client_secret: row.secret_hash ?? undefined,
    redirect_uris: [...row.redirect_uris],
    post_logout_redirect_uris: [...row.post_logout_redirect_uris],
    grant_types: [...row.grant_types],
    response_types: row.grant_types.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: row.auth_method,
    scope: row.scopes.join(' '),
    tenant_id: row.tenant_id,
    skip_consent: row.skip_consent,
    owner_user_id: row.owner_user_id,
    client_name: row.name,
  };
}
