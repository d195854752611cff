import { Module } from '@nestjs/common';
import { SessionsService } from './sessions.service';

/** Login sessions: issued at sign-in, verified on every request, ended on credential changes. */
@Module({
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
