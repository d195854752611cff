import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy/tenancy.module';
import { TenantPurgeJob } from './tenant-purge.job';
import { TenantPurgeRepository } from './tenant-purge.repository';
import { TenantPurge } from './tenant-purge.service';
import { TenantTables } from './tenant-tables';

/** The purge of deleted tenants once their retention has ended. */
@Module({
  imports: [TenancyModule],
  providers: [TenantPurge, TenantPurgeRepository, TenantTables, TenantPurgeJob],
  exports: [TenantPurge],
})
export class TenantPurgeModule {}
