import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { TtlCache } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { SqlExecutor } from '../database/query-builder';
import { type Tenant, TenantsService } from './tenants.service';

/**
 * What every request and every quota check asks of a tenant (its status, tier and quotas),
 * cached per process for TENANT_CACHE_MS. A change made through TenantsService signals every
 * process (Redis in production) before it answers, so a suspension holds at once everywhere.
 */
@Injectable()
export class TenantDirectory implements OnModuleDestroy {
  private readonly cache: TtlCache<string, Tenant>;
  private readonly reading = new Map<string, Promise<Tenant | undefined>>();
  private readonly onTenantChanged = (tenantId: string) => {
    this.cache.delete(tenantId);
    this.reading.delete(tenantId);
  };

  constructor(
    private readonly tenants: TenantsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new TtlCache(config.TENANT_CACHE_MS);
    accessInvalidation.on('tenant', this.onTenantChanged);
  }

  onModuleDestroy(): void {
    accessInvalidation.off('tenant', this.onTenantChanged);
  }

  /**
   * The tenant as of at most TENANT_CACHE_MS ago; undefined when there is none. Inside a unit
   * of work, pass its executor: a miss is then read in the same transaction.
   */
  async lookup(tenantId: string, executor?: SqlExecutor): Promise<Tenant | undefined> {
    const cached = this.cache.get(tenantId);
    if (cached) return cached;
    if (executor) {
      const tenant = await this.tenants.find(tenantId, executor);
      if (tenant) this.cache.set(tenantId, tenant);
      return tenant;
    }
    let read = this.reading.get(tenantId);
    if (!read) {
      read = this.tenants.find(tenantId).then(
        (tenant) => {
          if (this.reading.get(tenantId) === read) {
            this.reading.delete(tenantId);
            if (tenant) this.cache.set(tenantId, tenant);
          }
          return tenant;
        },
        (error: unknown) => {
          this.reading.delete(tenantId);
          throw error;
        },
      );
      this.reading.set(tenantId, read);
    }
    return read;
  }
}
