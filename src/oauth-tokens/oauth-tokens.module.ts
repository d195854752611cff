import { Module } from '@nestjs/common';
import { OAuthAccessTokens } from './oauth-access-tokens.service';
import { OAuthArtifactCleanup } from './oauth-artifact-cleanup.job';
import { OAuthArtifactRepository } from './oauth-artifact.repository';
import { OAuthKeyRepository } from './oauth-key.repository';
import { oauthKeySealerProvider } from './oauth-key-sealer.provider';
import { OAuthSigningKeys } from './oauth-signing-keys.service';

/**
 * What both sides of OAuth share: the authorization server's storage and keys, and the
 * verification of the access tokens it issues (used by the access guard).
 */
@Module({
  providers: [
    OAuthArtifactRepository,
    OAuthKeyRepository,
    oauthKeySealerProvider,
    OAuthSigningKeys,
    OAuthAccessTokens,
    OAuthArtifactCleanup,
  ],
  exports: [OAuthArtifactRepository, OAuthSigningKeys, OAuthAccessTokens],
})
export class OAuthTokensModule {}
