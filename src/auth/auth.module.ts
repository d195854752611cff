import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../apikeys/api-keys.module';
import { IdentityModule } from '../identity/identity.module';
import { RbacModule } from '../rbac/rbac.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator.service';
import { BootstrapService } from './bootstrap.service';
import { SessionsModule } from '../sessions/sessions.module';

/**
 * The security pipeline. `Authenticator` is exported for the WebSocket gateway and the
 * dashboard: they authenticate a raw header set the same way REST does.
 */
@Module({
  imports: [IdentityModule, TenancyModule, RbacModule, ApiKeysModule, SessionsModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    Authenticator,
    BootstrapService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [Authenticator, SessionsModule, BootstrapService],
})
export class AuthModule {}
