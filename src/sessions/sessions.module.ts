import { Module } from '@nestjs/common';
import { SessionsService } from './sessions.service';
import { UserSessionRepository } from './user-session.repository';

/** Login sessions: issued at sign-in, verified on every request, ended on credential changes. */
@Module({
  providers: [SessionsService, UserSessionRepository],
  exports: [SessionsService],
})
export class SessionsModule {}
