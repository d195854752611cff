import type { ClientMetadata } from 'oidc-provider';

/** A registered client as the authorization server reads it, with the tenant it belongs to. */
export interface RegisteredClient {
  metadata: ClientMetadata;
  tenantId: string;
  ownerUserId: string | null;
  skipConsent: boolean;
  /** Every scope it is registered for (identity and API); its metadata lists identity ones. */
  scopes: string[];
}

/** Finds a registered client by its id, in whichever tenant (null when there is none). */
export interface OAuthClientDirectory {
  find(clientId: string): Promise<RegisteredClient | null>;
}
