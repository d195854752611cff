import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { RbacService } from './rbac.service';
import { RolesController } from './roles.controller';

@Module({
  imports: [IdentityModule],
  controllers: [RolesController],
  providers: [RbacService],
  exports: [RbacService],
})
export class RbacModule {}
