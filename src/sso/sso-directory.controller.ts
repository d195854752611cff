import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/decorators';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { TenantsService } from '../tenancy/tenants.service';
import { SsoProviders } from './sso-providers.service';
import { ssoUrls } from './sso-urls';

export class SsoSignInOptionDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['oidc', 'oauth2', 'saml'] }) protocol!: string;
  @ApiProperty({ description: 'Open in the browser to sign in' }) login_url!: string;
}

export class SsoSignInOptionListDto {
  @ApiProperty({ type: [SsoSignInOptionDto] }) items!: SsoSignInOptionDto[];
}

/** What a sign-in page may show before anyone is signed in: a tenant's enabled providers. */
@ApiTags('sso')
@Controller('api/v1/sso/sign-in-options')
export class SsoDirectoryController {
  constructor(
    private readonly providers: SsoProviders,
    private readonly tenants: TenantsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: "A tenant's identity providers to sign in with (names and links only)" })
  @ApiQuery({ name: 'tenant', required: false, description: 'Tenant slug or id (default tenant)' })
  @ApiOkResponse({ type: SsoSignInOptionListDto })
  async list(@Query('tenant') tenant?: string): Promise<SsoSignInOptionListDto> {
    const ref = typeof tenant === 'string' && tenant.length <= 100 ? tenant : undefined;
    const found = ref ? await this.tenants.findByRef(ref) : { id: DEFAULT_TENANT_ID };
    if (!found) return { items: [] };
    const rows = await this.providers.list(found.id);
    return {
      items: rows
        .filter((r) => r.enabled)
        .map((r) => ({
          id: r.id,
          name: r.name,
          protocol: r.protocol,
          login_url: ssoUrls.login(this.config.publicUrl, r.id),
        })),
    };
  }
}
