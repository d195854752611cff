import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PrincipalAccess } from './principal-access.service';
import { RbacService } from './rbac.service';
import { RoleAssignmentRepository } from './role-assignment.repository';
import { RoleRepository } from './role.repository';
import { RolesController } from './roles.controller';

@Module({
  imports: [IdentityModule, SessionsModule],
  controllers: [RolesController],
  providers: [RbacService, PrincipalAccess, RoleRepository, RoleAssignmentRepository],
  exports: [RbacService, PrincipalAccess],
})
export class RbacModule {}
