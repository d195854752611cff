import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module';
import { IdentityModule } from '../identity/identity.module';
import { UsersController } from './users.controller';
import { MfaModule } from '../mfa/mfa.module';
import { SessionsModule } from '../sessions/sessions.module';

/**
 * The users API. Apart from IdentityModule because acting on a user asks RBAC (which itself
 * builds on identity) whether the caller holds everything that user holds.
 */
@Module({
  imports: [IdentityModule, RbacModule, MfaModule, SessionsModule],
  controllers: [UsersController],
})
export class UserAdministrationModule {}
