import { Module } from '@nestjs/common';
import { OAuthClientRepository } from './oauth-client.repository';
import { OAuthClientsController } from './oauth-clients.controller';
import { OAuthClientsService } from './oauth-clients.service';

/**
 * The registered OAuth clients and their admin API. The authorization server reads clients
 * through the exported repository (`byClientId`, `toProviderMetadata`).
 */
@Module({
  controllers: [OAuthClientsController],
  providers: [OAuthClientsService, OAuthClientRepository],
  exports: [OAuthClientsService, OAuthClientRepository],
})
export class OAuthClientsModule {}
