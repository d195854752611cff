import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentProfileStore } from '../agents/agent-profile.store';
import { GoalRepository } from '../goal-records/goal.repository';
import { QuotaService } from '../quotas/quota.service';
import { RateLimiter } from '../ratelimit/rate-limiter.service';
import { API_CALLS_QUOTA_RULE } from '../ratelimit/rules/api-calls-quota';
import { RateLimitRules } from '../ratelimit/rules/rate-limit-rules.service';
import { TenantsService } from '../tenancy/tenants.service';
import type { TenantStatsDto } from './dto/tenant-stats.dto';

/**
 * A tenant's usage: its quotas (counters, plus gauges of what runs now: spawned agents at
 * work, goals a process drives, API calls this minute), its per-tenant rate limits and its
 * goals per status.
 */
@Injectable()
export class TenantStats {
  constructor(
    dataSource: DataSource,
    agents: AgentProfileStore,
    private readonly goals: GoalRepository,
    private readonly quotas: QuotaService,
    limiter: RateLimiter,
    private readonly rules: RateLimitRules,
    private readonly tenants: TenantsService,
  ) {
    quotas.registerGauge('agents', (tenantId) => agents.countRunning(dataSource.manager, tenantId));
    quotas.registerGauge('workers', (tenantId) => goals.countDriven(tenantId));
    quotas.registerGauge('api_calls_per_minute', async (tenantId) => {
      const rule = (await rules.tenantRules(tenantId)).find((r) => r.name === API_CALLS_QUOTA_RULE);
      if (!rule) return 0;
      return limiter.used({
        rule: rule.name,
        key: tenantId,
        spec: { strategy: rule.strategy, limit: rule.limit, windowMs: rule.windowS * 1000 },
      });
    });
  }

  async of(tenantId: string): Promise<TenantStatsDto> {
    const tenant = await this.tenants.get(tenantId);
    const [quotas, rules, goals] = await Promise.all([
      this.quotas.report(tenantId),
      this.rules.perTenant(tenantId),
      this.goals.countByStatus(tenantId),
    ]);
    return {
      tenant_id: tenant.id,
      tier: tenant.tier,
      status: tenant.status,
      quotas: quotas.map((q) => ({
        resource: q.resource,
        limit: q.limit,
        used: q.used,
        remaining: q.remaining,
        percent: q.percent === null ? null : Math.round(q.percent * 10) / 10,
        resets_at: q.resetsAt?.toISOString() ?? null,
      })),
      rate_limits: rules.map((r) => ({
        rule: r.name,
        scope: r.scope,
        strategy: r.strategy,
        path: r.path,
        limit: r.limit,
        window_s: r.windowS,
      })),
      goals,
    };
  }
}
