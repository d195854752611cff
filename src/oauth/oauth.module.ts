import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdentityModule } from '../identity/identity.module';
import { OAuthTokensModule } from '../oauth-tokens/oauth-tokens.module';
import { RbacModule } from '../rbac/rbac.module';
import { AuthorizationServer } from './authorization-server.service';
import { OAuthClientsModule } from './clients/oauth-clients.module';
import { oauthClientDirectoryProvider } from './oauth-client-directory.provider';
import { OAuthHttp } from './oauth-http';
import { OAuthInteractions } from './oauth-interactions';
import { OAuthKeysController } from './oauth-keys.controller';

/**
 * The OAuth 2.0 / OpenID Connect authorization server (API processes only): oidc-provider
 * under /oauth (mounted by the API factory through `OAuthHttp`), our sign-in and consent
 * pages, and the signing keys' admin routes.
 */
@Module({
  imports: [OAuthTokensModule, OAuthClientsModule, AuthModule, IdentityModule, RbacModule],
  controllers: [OAuthKeysController],
  providers: [AuthorizationServer, OAuthInteractions, OAuthHttp, oauthClientDirectoryProvider],
  exports: [OAuthHttp],
})
export class OAuthModule {}
