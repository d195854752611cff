import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { currentTenantId } from '../common/request-context';
import { RequireAdmin, RequireElevated, RequirePermission } from '../access/decorators';
import {
  CreateTenantDto,
  TenantDto,
  TenantListDto,
  UpdateTenantSettingsDto,
} from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get('current')
  @RequirePermission('tenant:read', 'tenant')
  @ApiOperation({ summary: 'The tenant this request acts in' })
  @ApiOkResponse({ type: TenantDto })
  async current(): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.get(currentTenantId()));
  }

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
  @ApiOperation({ summary: 'Every tenant (platform administrators)' })
  @ApiOkResponse({ type: TenantListDto })
  async list(): Promise<TenantListDto> {
    return { items: (await this.tenants.list()).map(TenantDto.from) };
  }

  @Post()
  @RequirePermission('tenant:create', 'tenant')
  @ApiOperation({ summary: 'Create a tenant (platform administrators)' })
  @ApiCreatedResponse({ type: TenantDto })
  async create(@Body() body: CreateTenantDto): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.create(body.slug, body.name));
  }
}
