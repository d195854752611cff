import { Audit } from '../access/audit.decorator';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  type PipeTransform,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AccessContext } from '../access/access-context';
import { Caller, RequireAdmin, RequireElevated, RequirePermission } from '../access/decorators';
import { ApiKeyWithSecretDto } from '../apikeys/dto/api-key.dto';
import { isUuid, ValidationFailed } from '#common';
import { currentTenantId } from '../common/request-context';
import { TenantsService } from '../tenancy/tenants.service';
import {
  CreateTenantDto,
  SuspendTenantDto,
  TenantDto,
  TenantListDto,
  UpdateTenantConfigDto,
  UpdateTenantDto,
  UpdateTenantSettingsDto,
  UpgradeTenantDto,
} from './dto/tenant.dto';
import { TenantStatsDto } from './dto/tenant-stats.dto';
import { CreateTenantApiKeyDto } from './dto/tenant-api-key.dto';
import { TenantAdministration } from './tenant-administration.service';
import { TenantLifecycle } from './tenant-lifecycle.service';
import { TenantStats } from './tenant-stats.service';

/** Any UUID, the installation's own tenant (00000000-…-0001) included. */
class TenantIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new ValidationFailed([{ field: 'id', message: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}

const uuid = new TenantIdPipe();
const DEFAULT_TENANT_409 =
  "The installation's own tenant keeps the ENTERPRISE tier with no limits (default-tenant)";

/**
 * Tenants: the caller's own (`me`, `current`) for its members; every tenant, its lifecycle,
 * tier, quotas, configuration and keys for platform administrators.
 */
@ApiTags('tenants')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly administration: TenantAdministration,
    private readonly lifecycle: TenantLifecycle,
    private readonly stats: TenantStats,
  ) {}

  @Get('me')
  @RequirePermission('tenant:read', 'tenant')
  @ApiOperation({ summary: 'The tenant this request acts in: tier, status, quotas' })
  @ApiOkResponse({ type: TenantDto })
  async me(): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.get(currentTenantId()));
  }

  @Get('me/stats')
  @RequirePermission('tenant:read', 'tenant')
  @ApiOperation({ summary: "The tenant's usage: quotas (limit, used, remaining), limits, goals" })
  @ApiOkResponse({ type: TenantStatsDto })
  meStats(): Promise<TenantStatsDto> {
    return this.stats.of(currentTenantId());
  }

  @Get('current')
  @RequirePermission('tenant:read', 'tenant')
  @ApiOperation({ summary: 'The tenant this request acts in (the same as /me)' })
  @ApiOkResponse({ type: TenantDto })
  async current(): Promise<TenantDto> {
    return this.me();
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Patch('current')
  @RequireAdmin('tenant')
  @RequireElevated()
  @ApiOperation({
    summary: 'Change the tenant settings (tenant administrators, elevated sessions)',
    description: 'With mfa_required, every user must enroll a second factor at next sign-in.',
  })
  @ApiOkResponse({ type: TenantDto })
  async update(@Body() body: UpdateTenantSettingsDto): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.setMfaRequired(currentTenantId(), body.mfa_required));
  }

  @Get()
  @RequireAdmin('system')
  @ApiOperation({ summary: 'Every tenant but the deleted ones (platform administrators)' })
  @ApiOkResponse({ type: TenantListDto })
  async list(): Promise<TenantListDto> {
    return { items: (await this.tenants.list()).map(TenantDto.from) };
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Post()
  @RequirePermission('tenant:create', 'tenant')
  @ApiOperation({
    summary: 'Create a tenant (platform administrators)',
    description: 'With owner_email, that user is created in the tenant as its administrator.',
  })
  @ApiCreatedResponse({ type: TenantDto })
  async create(@Caller() caller: AccessContext, @Body() body: CreateTenantDto): Promise<TenantDto> {
    return TenantDto.from(await this.administration.create(caller, body));
  }

  @Get(':id')
  @RequireAdmin('system')
  @ApiOperation({ summary: 'A tenant, deleted ones included (platform administrators)' })
  @ApiOkResponse({ type: TenantDto })
  async get(@Param('id', uuid) id: string): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.get(id));
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Patch(':id')
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({ summary: "Change a tenant's name, tier, owner or quota overrides" })
  @ApiOkResponse({ type: TenantDto })
  @ApiConflictResponse({ description: DEFAULT_TENANT_409 })
  async patch(@Param('id', uuid) id: string, @Body() body: UpdateTenantDto): Promise<TenantDto> {
    return TenantDto.from(
      await this.tenants.update(id, {
        name: body.name,
        tier: body.tier,
        ownerEmail: body.owner_email,
        quotaOverrides: body.quotas,
      }),
    );
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Delete(':id')
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({
    summary: 'Delete a tenant: refused at once, its goals paused, its data purged later',
    description: 'The purge removes every row of the tenant after TENANT_RETENTION_DAYS.',
  })
  @ApiOkResponse({ type: TenantDto })
  async remove(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<TenantDto> {
    return TenantDto.from(await this.lifecycle.apply(id, 'delete', null, caller));
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Post(':id/approve')
  @HttpCode(200)
  @RequireAdmin('system')
  @ApiOperation({ summary: 'Approve a pending tenant' })
  @ApiOkResponse({ type: TenantDto })
  async approve(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<TenantDto> {
    return TenantDto.from(await this.lifecycle.apply(id, 'approve', null, caller));
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Post(':id/suspend')
  @HttpCode(200)
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({ summary: 'Suspend a tenant: its requests are refused, its goals paused' })
  @ApiOkResponse({ type: TenantDto })
  async suspend(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Body() body: SuspendTenantDto,
  ): Promise<TenantDto> {
    return TenantDto.from(await this.lifecycle.apply(id, 'suspend', body.reason, caller));
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Post(':id/activate')
  @HttpCode(200)
  @RequireAdmin('system')
  @ApiOperation({ summary: 'Activate a suspended (or pending) tenant: its paused goals resume' })
  @ApiOkResponse({ type: TenantDto })
  async activate(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<TenantDto> {
    return TenantDto.from(await this.lifecycle.apply(id, 'activate', null, caller));
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Post(':id/upgrade')
  @HttpCode(200)
  @RequireAdmin('system')
  @ApiOperation({ summary: "Change a tenant's tier (up or down); its quotas follow at once" })
  @ApiOkResponse({ type: TenantDto })
  @ApiConflictResponse({ description: DEFAULT_TENANT_409 })
  async upgrade(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Body() body: UpgradeTenantDto,
  ): Promise<TenantDto> {
    return TenantDto.from(await this.administration.changeTier(caller, id, body.tier));
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Post(':id/api-keys')
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({
    summary: "Create a tenant API key, owned by the tenant's owner; the key is shown once",
  })
  @ApiCreatedResponse({ type: ApiKeyWithSecretDto })
  createKey(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Body() body: CreateTenantApiKeyDto,
  ): Promise<ApiKeyWithSecretDto> {
    return this.administration.createKey(caller, id, body);
  }

  @Get(':id/stats')
  @RequireAdmin('system')
  @ApiOperation({ summary: "A tenant's usage: quotas, limits, goals" })
  @ApiOkResponse({ type: TenantStatsDto })
  tenantStats(@Param('id', uuid) id: string): Promise<TenantStatsDto> {
    return this.stats.of(id);
  }

  @Audit({ category: 'TENANT', resource: 'tenant' })
  @Patch(':id/config')
  @RequireAdmin('system')
  @ApiOperation({ summary: "Merge keys into a tenant's configuration" })
  @ApiOkResponse({ type: TenantDto })
  async config(
    @Param('id', uuid) id: string,
    @Body() body: UpdateTenantConfigDto,
  ): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.update(id, { config: body.config }));
  }
}
