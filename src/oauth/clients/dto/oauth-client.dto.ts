import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';
import { PaginationQuery } from '../../../common/pagination.query';
import { OAUTH_SCOPES } from '../../../oauth-tokens/oauth-scopes';
import type { OAuthClient } from '../oauth-clients.service';
import {
  AUTH_METHODS,
  CLIENT_TYPES,
  DEFAULT_GRANT_TYPES,
  DEFAULT_SCOPES,
  GRANT_TYPES,
  MAX_REDIRECT_URI_LENGTH,
  MAX_REDIRECT_URIS,
} from '../oauth-client-rules';

const REDIRECT_URIS_DESCRIPTION =
  'Absolute URLs without a fragment: https, or http to localhost, 127.0.0.1 or [::1] on any ' +
  'port; public clients may also use a private-use scheme (com.example.app:/cb).';

/** The fields a client's settings share between creation and change. */
class OAuthClientSettingsDto {
  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_REDIRECT_URIS,
    example: ['https://app.example.com/callback'],
    description: REDIRECT_URIS_DESCRIPTION,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REDIRECT_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_REDIRECT_URI_LENGTH, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_REDIRECT_URIS,
    example: ['https://app.example.com/'],
    description: `Where to return after sign-out. ${REDIRECT_URIS_DESCRIPTION}`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REDIRECT_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_REDIRECT_URI_LENGTH, { each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    type: [String],
    enum: GRANT_TYPES,
    default: DEFAULT_GRANT_TYPES,
    example: DEFAULT_GRANT_TYPES,
    description:
      'client_credentials only for confidential clients; authorization_code needs a redirect URI.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GRANT_TYPES.length)
  @IsIn(GRANT_TYPES, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({
    type: [String],
    enum: OAUTH_SCOPES,
    default: DEFAULT_SCOPES,
    example: DEFAULT_SCOPES,
    description: 'The scopes the client may ask for.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(OAUTH_SCOPES.length)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({
    default: false,
    description:
      'A first-party client: users are not asked to consent. Only tenant administrators ' +
      '(admin:access) may set it (otherwise 403).',
  })
  @IsOptional()
  @IsBoolean()
  skip_consent?: boolean;
}

export class CreateOAuthClientDto extends OAuthClientSettingsDto {
  @ApiProperty({ example: 'Reporting dashboard', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    enum: CLIENT_TYPES,
    default: 'confidential',
    description: 'Confidential clients get a secret; public ones (SPAs, native apps) do not.',
  })
  @IsOptional()
  @IsIn(CLIENT_TYPES)
  client_type?: (typeof CLIENT_TYPES)[number];

  @ApiPropertyOptional({
    enum: AUTH_METHODS,
    description: 'client_secret_basic (default) or client_secret_post; always none for public',
  })
  @IsOptional()
  @IsIn(AUTH_METHODS)
  token_endpoint_auth_method?: (typeof AUTH_METHODS)[number];
}

/** What may change; the client's type may not (400 naming it). */
export class UpdateOAuthClientDto extends OAuthClientSettingsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class ListOAuthClientsQuery extends PaginationQuery {}

export class OAuthClientDto {
  @ApiProperty({ example: 'avc_3q2-7wEhAeiPhw9qzkHcSg' }) client_id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CLIENT_TYPES }) client_type!: string;
  @ApiProperty({ enum: AUTH_METHODS }) token_endpoint_auth_method!: string;
  @ApiProperty({ type: [String] }) redirect_uris!: string[];
  @ApiProperty({ type: [String] }) post_logout_redirect_uris!: string[];
  @ApiProperty({ type: [String] }) grant_types!: string[];
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty() skip_consent!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) owner_user_id!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  secret_rotated_at!: string | null;

  static from(c: OAuthClient): OAuthClientDto {
    return {
      client_id: c.clientId,
      tenant_id: c.tenantId,
      name: c.name,
      client_type: c.clientType,
      token_endpoint_auth_method: c.authMethod,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris,
      grant_types: c.grantTypes,
      scopes: c.scopes,
      skip_consent: c.skipConsent,
      owner_user_id: c.ownerUserId,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
      secret_rotated_at: c.secretRotatedAt?.toISOString() ?? null,
    };
  }
}

export class OAuthClientWithSecretDto extends OAuthClientDto {
  @ApiPropertyOptional({
    description:
      'The client secret, for confidential clients only. Shown once: store it now; only its ' +
      'hash is kept.',
  })
  client_secret?: string;
}

export class OAuthClientPageDto {
  @ApiProperty({ type: [OAuthClientDto] }) items!: OAuthClientDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
