import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { GovernorModule } from '../governor/governor.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { ClientMessageHandler } from './client-message.handler';
import { RealtimeGateway } from './realtime.gateway';
import { WsAuthenticator } from './ws-authenticator';

/** The WebSocket gateway at /ws (API processes only; a worker serves no sockets). */
@Module({
  imports: [GovernorModule, AuthModule, ApprovalsModule, EventsModule, MetricsModule],
  providers: [RealtimeGateway, WsAuthenticator, ClientMessageHandler],
  exports: [RealtimeGateway, WsAuthenticator],
})
export class RealtimeModule {}
