import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy/tenancy.module';
import { QuotaMetrics } from './quota-metrics';
import { QuotaService } from './quota.service';
import { TenantUsageRepository } from './tenant-usage.repository';
import { TokenBudget } from './token-budget';

/** Tenant quotas: counters checked and used in one statement, the daily token budget. */
@Module({
  imports: [TenancyModule],
  providers: [QuotaService, TenantUsageRepository, TokenBudget, QuotaMetrics],
  exports: [QuotaService, TokenBudget],
})
export class QuotasModule {}
