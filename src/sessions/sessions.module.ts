import { Module } from '@nestjs/common';
import { geoLocatorProvider } from './geo-locator.provider';
import { SessionsService } from './sessions.service';
import { UserSessionRepository } from './user-session.repository';

/**
 * Login sessions: issued at sign-in, verified on every request, rotated at MFA and
 * elevation, listed, locked and ended by their owner or an administrator.
 */
@Module({
  providers: [SessionsService, UserSessionRepository, geoLocatorProvider],
  exports: [SessionsService],
})
export class SessionsModule {}
