import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import {
  RateLimitAfterAuthenticationGuard,
  RateLimitBeforeAuthenticationGuard,
} from './rate-limit.guard';
import { RateLimitRulesController } from './rate-limit-rules.controller';
import { RateLimiter } from './rate-limiter.service';
import { RateLimitRuleRepository } from './rules/rate-limit-rule.repository';
import { RateLimitRules } from './rules/rate-limit-rules.service';
import { InMemoryRateLimitStore } from './storage/in-memory-rate-limit.store';
import { RATE_LIMIT_STORE } from './storage/rate-limit.store';
import { RedisRateLimitStore } from './storage/redis-rate-limit.store';

/**
 * The rate limiter: counters in Redis when REDIS_URL is set (shared by every process),
 * in memory otherwise. The guards are exported for AuthModule to place around the access
 * guard; `RateLimiter` for limits counted elsewhere (API keys).
 */
@Module({
  imports: [TenancyModule],
  controllers: [RateLimitRulesController],
  providers: [
    RateLimiter,
    RateLimitRules,
    RateLimitRuleRepository,
    RateLimitBeforeAuthenticationGuard,
    RateLimitAfterAuthenticationGuard,
    {
      provide: RATE_LIMIT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.REDIS_URL
          ? new RedisRateLimitStore(config.REDIS_URL, config.QUEUE_PREFIX)
          : new InMemoryRateLimitStore(),
    },
  ],
  exports: [
    RateLimiter,
    RateLimitRules,
    RateLimitBeforeAuthenticationGuard,
    RateLimitAfterAuthenticationGuard,
  ],
})
export class RateLimitModule {}
