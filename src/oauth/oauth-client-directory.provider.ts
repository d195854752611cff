import type { Provider } from '@nestjs/common';
import type { ClientMetadata } from 'oidc-provider';
import { TtlCache } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import { isIdentityScope } from '../oauth-tokens/oauth-scopes';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { OAuthClientRepository } from './clients/oauth-client.repository';
import { toProviderMetadata } from './clients/provider-metadata';
import type { OAuthClientDirectory, RegisteredClient } from './oauth-client-directory';

export const OAUTH_CLIENT_DIRECTORY = Symbol('OAUTH_CLIENT_DIRECTORY');

/**
 * Registered clients as the authorization server reads them, cached per process for
 * AUTH_CACHE_TTL_MS; a change through the admin API (deletion, a new secret, new redirect
 * URIs) drops the entry in every process before it answers.
 */
export const oauthClientDirectoryProvider: Provider = {
  provide: OAUTH_CLIENT_DIRECTORY,
  inject: [OAuthClientRepository, APP_CONFIG],
  useFactory: (repository: OAuthClientRepository, config: AppConfig): OAuthClientDirectory => {
    const cache = new TtlCache<string, RegisteredClient | null>(config.AUTH_CACHE_TTL_MS, 10_000);
    accessInvalidation.on('oauth-client', (clientId: string) => cache.delete(clientId));
    return {
      async find(clientId) {
        const cached = cache.get(clientId);
        if (cached !== undefined) return cached;
        const row = await repository.byClientId(clientId);
        const client: RegisteredClient | null = row
          ? {
              metadata: {
                ...(toProviderMetadata(row) as unknown as ClientMetadata),
                // the provider knows identity scopes only; API scopes are checked per resource
                scope: row.scopes.filter(isIdentityScope).join(' ') || undefined,
              },
              scopes: row.scopes,
              tenantId: row.tenant_id,
              ownerUserId: row.owner_user_id,
              skipConsent: row.skip_consent,
            }
          : null;
        cache.set(clientId, client);
        return client;
      },
    };
  },
};
