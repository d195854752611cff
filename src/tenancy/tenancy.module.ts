import { Module } from '@nestjs/common';
import { TenantDirectory } from './tenant-directory';
import { TenantRepository } from './tenant.repository';
import { TenantsService } from './tenants.service';

/** Tenants, their tiers, quotas and lifecycle; the administration routes live in tenant-admin/. */
@Module({
  providers: [TenantsService, TenantRepository, TenantDirectory],
  exports: [TenantsService, TenantDirectory, TenantRepository],
})
export class TenancyModule {}
