import { Module } from '@nestjs/common';
import { TenantsController } from './tenants.controller';
import { TenantRepository } from './tenant.repository';
import { TenantsService } from './tenants.service';

@Module({
  controllers: [TenantsController],
  providers: [TenantsService, TenantRepository],
  exports: [TenantsService],
})
export class TenancyModule {}
