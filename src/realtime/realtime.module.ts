import { Module } from '@nestjs/common';
import { GovernorModule } from '../governor/governor.module';
import { RealtimeGateway } from './realtime.gateway';
import { WsAuthenticator } from './ws-authenticator';

/** The WebSocket gateway at /ws (API processes only; a worker serves no sockets). */
@Module({
  imports: [GovernorModule],
  providers: [RealtimeGateway, WsAuthenticator],
  exports: [RealtimeGateway, WsAuthenticator],
})
export class RealtimeModule {}
