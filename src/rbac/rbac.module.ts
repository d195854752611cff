import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PrincipalAccess } from './principal-access.service';
import { RbacService } from './rbac.service';
import { RolesController } from './roles.controller';

@Module({
  imports: [IdentityModule, SessionsModule],
  controllers: [RolesController],
  providers: [RbacService, PrincipalAccess],
  exports: [RbacService, PrincipalAccess],
})
export class RbacModule {}
