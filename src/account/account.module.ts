import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdentityModule } from '../identity/identity.module';
import { MfaModule } from '../mfa/mfa.module';
import { RbacModule } from '../rbac/rbac.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { Elevation } from './elevation.service';
import { MfaController } from './mfa.controller';
import { SessionsController } from './sessions.controller';

/** What signed-in users do with their own account: sessions, elevation, second factors. */
@Module({
  imports: [AuthModule, IdentityModule, MfaModule, RbacModule, SessionsModule, TenancyModule],
  controllers: [SessionsController, MfaController],
  providers: [Elevation],
})
export class AccountModule {}
