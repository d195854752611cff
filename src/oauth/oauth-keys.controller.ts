import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Audit } from '../access/audit.decorator';
import { RequireAdmin, RequireElevated } from '../access/decorators';
import { securityEvents } from '../observability/security-events';
import { type KeyDescription, OAuthSigningKeys } from '../oauth-tokens/oauth-signing-keys.service';
import { OAuthNotConfigured } from './oauth-errors';

export class OAuthSigningKeyDto {
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['RS256', 'ES256'] }) alg!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When it stopped signing' })
  retired_at!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When it leaves the JWKS (its last token has expired)',
  })
  unpublish_after!: string | null;

  static from(key: KeyDescription): OAuthSigningKeyDto {
    return {
      kid: key.kid,
      alg: key.alg,
      created_at: key.created_at.toISOString(),
      retired_at: key.retired_at?.toISOString() ?? null,
      unpublish_after: key.unpublish_after?.toISOString() ?? null,
    };
  }
}

export class OAuthSigningKeyListDto {
  @ApiProperty({ type: [OAuthSigningKeyDto] }) items!: OAuthSigningKeyDto[];
}

@ApiTags('oauth')
@Controller('api/v1/oauth/keys')
export class OAuthKeysController {
  constructor(private readonly keys: OAuthSigningKeys) {}

  @Get()
  @RequireAdmin('system')
  @ApiOperation({
    summary: "The authorization server's signing keys (platform administrators)",
    description: 'Public facts only: the JWKS at /oauth/jwks publishes the public keys.',
  })
  @ApiOkResponse({ type: OAuthSigningKeyListDto })
  list(): OAuthSigningKeyListDto {
    if (!this.keys.available) throw new OAuthNotConfigured();
    return { items: this.keys.describe().map(OAuthSigningKeyDto.from) };
  }

  @Audit({ category: 'SECURITY', resource: 'oauth-key' })
  @Post('rotate')
  @HttpCode(200)
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({
    summary: 'Rotate the signing keys',
    description:
      'New keys sign from now on in every process; the old ones stay in the JWKS until the ' +
      'tokens they signed have expired.',
  })
  @ApiOkResponse({ type: OAuthSigningKeyListDto })
  async rotate(): Promise<OAuthSigningKeyListDto> {
    if (!this.keys.available) throw new OAuthNotConfigured();
    const keys = await this.keys.rotate();
    securityEvents.publish({ type: 'oauth.keys_rotated', details: { keys: keys.length } });
    return { items: keys.map(OAuthSigningKeyDto.from) };
  }
}
