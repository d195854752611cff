import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { InMemoryRateLimitStore } from './rate-limiter';

/** Where per-key counters live; a Redis store can replace the in-memory one here. */
export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

@Module({
  imports: [RbacModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysService,
    ApiKeyRepository,
    { provide: RATE_LIMIT_STORE, useValue: new InMemoryRateLimitStore() },
  ],
  exports: [ApiKeysService, RATE_LIMIT_STORE],
})
export class ApiKeysModule {}
