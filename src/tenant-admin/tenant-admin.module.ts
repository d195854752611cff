import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ApiKeysModule } from '../apikeys/api-keys.module';
import { GovernorModule } from '../governor/governor.module';
import { IdentityModule } from '../identity/identity.module';
import { QuotasModule } from '../quotas/quotas.module';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { RbacModule } from '../rbac/rbac.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { TenantAdministration } from './tenant-administration.service';
import { TenantLifecycle } from './tenant-lifecycle.service';
import { TenantStats } from './tenant-stats.service';
import { TenantsController } from './tenants.controller';

/** The tenants API: lifecycle with its effect on goals, tiers, quotas and usage, tenant keys. */
@Module({
  imports: [
    TenancyModule,
    QuotasModule,
    GovernorModule,
    AgentsModule,
    RateLimitModule,
    IdentityModule,
    RbacModule,
    ApiKeysModule,
  ],
  controllers: [TenantsController],
  providers: [TenantAdministration, TenantLifecycle, TenantStats],
  exports: [TenantLifecycle, TenantStats],
})
export class TenantAdminModule {}
