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
import { MfaModule } from '../mfa/mfa.module';
import { OAuthTokensModule } from '../oauth-tokens/oauth-tokens.module';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { InMemoryLoginThrottleStore, LOGIN_THROTTLE_STORE } from './login-throttle';
import { RedisLoginThrottleStore } from './redis-login-throttle.store';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import {
  RateLimitAfterAuthenticationGuard,
  RateLimitBeforeAuthenticationGuard,
} from '../ratelimit/rate-limit.guard';

/**
 * The security pipeline. `Authenticator` is exported for the WebSocket gateway and the
 * dashboard: they authenticate a raw header set the same way REST does.
 */
@Module({
  imports: [
    IdentityModule,
    TenancyModule,
    RbacModule,
    ApiKeysModule,
    SessionsModule,
    MfaModule,
    RateLimitModule,
    OAuthTokensModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    Authenticator,
    BootstrapService,
    {
      provide: LOGIN_THROTTLE_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.REDIS_URL
          ? new RedisLoginThrottleStore(config.REDIS_URL, config.QUEUE_PREFIX)
          : new InMemoryLoginThrottleStore(),
    },
    // Global guards run in the order given here: limits that need no caller, then
    // authentication and authorization, then limits on the caller.
    { provide: APP_GUARD, useExisting: RateLimitBeforeAuthenticationGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useExisting: RateLimitAfterAuthenticationGuard },
  ],
  exports: [Authenticator, AuthService, SessionsModule, MfaModule, BootstrapService],
})
export class AuthModule {}
