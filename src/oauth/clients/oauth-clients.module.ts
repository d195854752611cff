import { Module } from '@nestjs/common';
import { OAuthTokensModule } from '../../oauth-tokens/oauth-tokens.module';
import { RbacModule } from '../../rbac/rbac.module';
import { OAuthClientRepository } from './oauth-client.repository';
import { OAuthClientsController } from './oauth-clients.controller';
import { OAuthClientsService } from './oauth-clients.service';

/**
 * The registered OAuth clients and their admin API. The authorization server reads clients
 * through the exported repository (`byClientId`, `toProviderMetadata`).
 */
@Module({
  imports: [OAuthTokensModule, RbacModule],
  controllers: [OAuthClientsController],
  providers: [OAuthClientsService, OAuthClientRepository],
  exports: [OAuthClientsService, OAuthClientRepository],
})
export class OAuthClientsModule {}
