import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AccessContext } from '../access/access-context';
import { Audit } from '../access/audit.decorator';
import { Caller, RequireAdmin, RequireElevated } from '../access/decorators';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  CreateSsoProviderDto,
  DiscoveryReportDto,
  SsoProviderDto,
  SsoProviderListDto,
  UpdateSsoProviderDto,
} from './dto/sso-provider.dto';
import { type SsoProviderInput, SsoProviders } from './sso-providers.service';

const uuid = new UuidParamPipe();

function toInput(body: CreateSsoProviderDto | UpdateSsoProviderDto): SsoProviderInput {
  return {
    name: body.name,
    template: 'template' in body ? body.template : undefined,
    settings: body.settings,
    clientSecret: body.client_secret,
    decryptionPrivateKey: body.decryption_private_key,
    enabled: body.enabled,
    allowedDomains: body.allowed_domains,
    blockedDomains: body.blocked_domains,
    jitEnabled: body.jit_enabled,
    defaultRole: body.default_role,
    groupRoles: body.group_roles,
    trustIdpMfa: body.trust_idp_mfa,
  };
}

/** A tenant's identity providers, for its administrators. */
@ApiTags('sso')
@Controller('api/v1/sso/providers')
export class SsoProvidersController {
  constructor(
    private readonly providers: SsoProviders,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Audit({ category: 'SECURITY', resource: 'sso-provider' })
  @Post()
  @RequireAdmin('tenant')
  @RequireElevated()
  @ApiOperation({ summary: 'Add an identity provider from a template' })
  @ApiCreatedResponse({ type: SsoProviderDto })
  async create(
    @Caller() caller: AccessContext,
    @Body() body: CreateSsoProviderDto,
  ): Promise<SsoProviderDto> {
    return SsoProviderDto.from(
      await this.providers.create(caller.tenantId, toInput(body)),
      this.config.publicUrl,
    );
  }

  @Get()
  @RequireAdmin('tenant')
  @ApiOperation({ summary: "The tenant's identity providers" })
  @ApiOkResponse({ type: SsoProviderListDto })
  async list(@Caller() caller: AccessContext): Promise<SsoProviderListDto> {
    const rows = await this.providers.list(caller.tenantId);
    return { items: rows.map((r) => SsoProviderDto.from(r, this.config.publicUrl)) };
  }

  @Get(':id')
  @RequireAdmin('tenant')
  @ApiOperation({ summary: 'An identity provider' })
  @ApiOkResponse({ type: SsoProviderDto })
  async get(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<SsoProviderDto> {
    return SsoProviderDto.from(
      await this.providers.get(caller.tenantId, id),
      this.config.publicUrl,
    );
  }

  @Audit({ category: 'SECURITY', resource: 'sso-provider' })
  @Patch(':id')
  @RequireAdmin('tenant')
  @RequireElevated()
  @ApiOperation({ summary: 'Change an identity provider' })
  @ApiOkResponse({ type: SsoProviderDto })
  async update(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Body() body: UpdateSsoProviderDto,
  ): Promise<SsoProviderDto> {
    return SsoProviderDto.from(
      await this.providers.update(caller.tenantId, id, toInput(body)),
      this.config.publicUrl,
    );
  }

  @Audit({ category: 'SECURITY', resource: 'sso-provider' })
  @Delete(':id')
  @HttpCode(204)
  @RequireAdmin('tenant')
  @RequireElevated()
  @ApiOperation({ summary: 'Remove an identity provider' })
  @ApiNoContentResponse()
  async delete(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<void> {
    await this.providers.delete(caller.tenantId, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequireAdmin('tenant')
  @ApiOperation({
    summary: "Fetch the provider's discovery document, as a sign-in would",
    description: 'Answers what was found, or why it could not be.',
  })
  @ApiOkResponse({ type: DiscoveryReportDto })
  testDiscovery(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<DiscoveryReportDto> {
    return this.providers.testDiscovery(caller.tenantId, id);
  }
}
