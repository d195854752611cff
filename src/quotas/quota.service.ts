import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SqlExecutor } from '../database/query-builder';
import { TenantDirectory } from '../tenancy/tenant-directory';
import { NotFound } from '#common';
import { QUOTA_RESOURCES, type QuotaLimits, type QuotaResource } from '../tenancy/tiers';
import { QuotaExceeded } from './quota-errors';
import { resetsAt, WINDOW_OF } from './quota-windows';
import { TenantUsageRepository, type UsageUse } from './tenant-usage.repository';

export const BYTES_PER_MB = 1024 * 1024;

/** One resource of a tenant's quota as the API and the dashboard show it. */
export interface QuotaUsage {
  resource: QuotaResource;
  /** null: no limit. */
  limit: number | null;
  used: number;
  remaining: number | null;
  percent: number | null;
  resetsAt: Date | null;
}

/** Counts what is not a stored counter (agents running, goals being driven, API calls). */
export type UsageGauge = (tenantId: string) => Promise<number>;

/** Stored counters: what `consume` adds to. Storage is counted in bytes. */
const COUNTER_OF: Partial<Record<QuotaResource, { name: string; unit: number }>> = {
  goals_per_day: { name: 'goals_per_day', unit: 1 },
  tokens_per_day: { name: 'tokens_per_day', unit: 1 },
  storage_mb: { name: 'storage_bytes', unit: BYTES_PER_MB },
};

/**
 * A tenant's quotas: limits from its tier and overrides, usage from the `tenant_usage`
 * counters (checked and consumed in one statement) and from gauges the owning modules
 * register (agents, workers, API calls per minute).
 */
@Injectable()
export class QuotaService {
  private readonly gauges = new Map<QuotaResource, UsageGauge>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: TenantDirectory,
    private readonly usage: TenantUsageRepository,
  ) {}

  registerGauge(resource: QuotaResource, gauge: UsageGauge): void {
    this.gauges.set(resource, gauge);
  }

  /** Inside a unit of work, pass its executor (see TenantDirectory.lookup). */
  async limitsOf(tenantId: string, executor?: SqlExecutor): Promise<QuotaLimits> {
    const tenant = await this.directory.lookup(tenantId, executor);
    if (!tenant) throw new NotFound('tenant', tenantId);
    return tenant.quotas;
  }

  async limitOf(
    tenantId: string,
    resource: QuotaResource,
    executor?: SqlExecutor,
  ): Promise<number | null> {
    return (await this.limitsOf(tenantId, executor))[resource];
  }

  /**
   * Checks and uses `amount` of stored bytes in one statement on `executor` (a unit of
   * work's manager, so the use rolls back with it); throws QuotaExceeded when it would pass
   * the limit. Returns the counter after the use. Goals are counted by `admission`, in the
   * statement that stores them.
   */
  async consume(
    executor: SqlExecutor,
    tenantId: string,
    resource: 'storage_mb',
    amount: number,
  ): Promise<number> {
    const counter = COUNTER_OF[resource]!;
    const limit = await this.limitOf(tenantId, resource, executor);
    const used = await this.usage.consume(
      executor,
      tenantId,
      counter.name,
      WINDOW_OF[resource],
      amount,
      limit === null ? null : limit * counter.unit,
    );
    if (used === undefined)
      throw new QuotaExceeded(resource, limit!, resetsAt(WINDOW_OF[resource], new Date()));
    return used;
  }

  /**
   * The use of `amount` that a statement of another repository makes together with its own
   * write (see `consumeUsage`), with the error to throw when the statement reports it
   * refused: the limit is read here, the check and the use happen in that statement.
   */
  async admission(
    tenantId: string,
    resource: 'goals_per_day',
    amount: number,
  ): Promise<{ use: UsageUse; refused: () => QuotaExceeded }> {
    const counter = COUNTER_OF[resource]!;
    const limit = await this.limitOf(tenantId, resource);
    return {
      use: {
        tenantId,
        resource: counter.name,
        window: WINDOW_OF[resource],
        amount,
        limit: limit === null ? null : limit * counter.unit,
      },
      refused: () => new QuotaExceeded(resource, limit!, resetsAt(WINDOW_OF[resource], new Date())),
    };
  }

  /** Gives back a use an admission counted for a write that did not happen after all. */
  async giveBack(use: UsageUse): Promise<void> {
    await this.usage.release(use.tenantId, use.resource, use.window, use.amount);
  }

  /** Adds tokens already spent (they cannot be refused after the fact); the day's total after. */
  addTokens(executor: SqlExecutor, tenantId: string, tokens: number): Promise<number> {
    return this.usage
      .consume(executor, tenantId, 'tokens_per_day', 'day', tokens, null)
      .then((used) => used ?? 0);
  }

  /** Gives back stored bytes (a deleted artifact). */
  releaseStorage(tenantId: string, bytes: number): Promise<void> {
    return this.usage.release(tenantId, 'storage_bytes', 'total', bytes);
  }

  /** Every resource: limit, used, remaining, percent and when it resets. */
  async report(tenantId: string, now = new Date()): Promise<QuotaUsage[]> {
    const limits = await this.limitsOf(tenantId);
    const counters = new Map(
      (await this.usage.current(tenantId)).map((c) => [c.resource, c.used] as const),
    );
    return Promise.all(
      QUOTA_RESOURCES.map(async (resource) => {
        const counter = COUNTER_OF[resource];
        const gauge = this.gauges.get(resource);
        const used = counter
          ? Math.ceil((counters.get(counter.name) ?? 0) / counter.unit)
          : gauge
            ? await gauge(tenantId)
            : 0;
        const limit = limits[resource];
        return {
          resource,
          limit,
          used,
          remaining: limit === null ? null : Math.max(0, limit - used),
          percent: limit === null ? null : limit === 0 ? 100 : Math.min(100, (used / limit) * 100),
          resetsAt: resetsAt(WINDOW_OF[resource], now),
        };
      }),
    );
  }

  /** The data source, for callers outside a unit of work. */
  get executor(): SqlExecutor {
    return this.dataSource.manager;
  }
}
