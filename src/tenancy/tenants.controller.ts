import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { currentTenantId } from '../common/request-context';
import { RequireAdmin, RequirePermission } from '../access/decorators';
import { CreateTenantDto, TenantDto, TenantListDto } from './dto/tenant.dto';
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
