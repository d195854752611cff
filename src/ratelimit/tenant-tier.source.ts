import { Inject, Injectable } from '@nestjs/common';
import type { TenantTier } from '../common/tenant-tier';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/** Which tier a tenant is on, for its default limits. */
export interface TenantTierSource {
  tierOf(tenantId: string): Promise<TenantTier>;
}

export const TENANT_TIER_SOURCE = Symbol('TENANT_TIER_SOURCE');

/** Until tenants carry a tier, every tenant is on the configured default tier. */
@Injectable()
export class DefaultTenantTierSource implements TenantTierSource {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  tierOf(): Promise<TenantTier> {
    return Promise.resolve(this.config.RATE_LIMIT_DEFAULT_TIER);
  }
}
