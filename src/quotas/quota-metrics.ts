import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { logFor } from '../observability/logger';
import { TenantsService } from '../tenancy/tenants.service';
import { BYTES_PER_MB } from './quota.service';
import { TenantUsageRepository } from './tenant-usage.repository';

const log = logFor('QuotaMetrics');

const gauge = (name: string, help: string): Gauge<string> =>
  (register.getSingleMetric(name) as Gauge<string> | undefined) ??
  new Gauge({ name, help, labelNames: ['tenant', 'tier', 'resource'] });

/** What a stored counter is called on /metrics, and how its value is shown. */
const SHOWN: Record<string, { resource: string; unit: number }> = {
  goals_per_day: { resource: 'goals_per_day', unit: 1 },
  tokens_per_day: { resource: 'tokens_per_day', unit: 1 },
  storage_bytes: { resource: 'storage_mb', unit: BYTES_PER_MB },
};

/**
 * Per tenant and tier, read at scrape time: what each tenant used of its counted quotas
 * today (goals, tokens, storage) and its limits. The same on every instance: aggregate
 * with max().
 */
@Injectable()
export class QuotaMetrics implements OnModuleInit {
  private readonly used = gauge('tenant_quota_used', "A tenant's use of a quota in its window");
  private readonly limit = gauge('tenant_quota_limit', "A tenant's quota (absent: no limit)");

  constructor(
    private readonly tenants: TenantsService,
    private readonly usage: TenantUsageRepository,
  ) {}

  /** One read per scrape, for both gauges (prom-client collects them concurrently). */
  private reading: Promise<void> | undefined;

  onModuleInit(): void {
    const collect = () => {
      this.reading ??= this.collect().finally(() => (this.reading = undefined));
      return this.reading;
    };
    for (const metric of [this.used, this.limit])
      (metric as unknown as { collect: () => Promise<void> }).collect = collect;
  }

  private async collect(): Promise<void> {
    try {
      const [tenants, counters] = await Promise.all([this.tenants.list(), this.usage.today()]);
      this.used.reset();
      this.limit.reset();
      const tierOf = new Map(tenants.map((t) => [t.id, t.tier]));
      for (const tenant of tenants) {
        for (const [resource, limit] of Object.entries(tenant.quotas))
          if (limit !== null)
            this.limit.set({ tenant: tenant.id, tier: tenant.tier, resource }, limit);
        for (const shown of Object.values(SHOWN))
          this.used.set({ tenant: tenant.id, tier: tenant.tier, resource: shown.resource }, 0);
      }
      for (const counter of counters) {
        const shown = SHOWN[counter.resource];
        const tier = tierOf.get(counter.tenantId);
        if (!shown || !tier) continue;
        this.used.set(
          { tenant: counter.tenantId, tier, resource: shown.resource },
          counter.used / shown.unit,
        );
      }
    } catch (error) {
      log.warn(`could not read tenant usage for /metrics: ${(error as Error).message}`);
    }
  }
}
