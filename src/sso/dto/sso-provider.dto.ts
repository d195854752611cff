import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import type { SsoProviderRow } from '../sso-provider.repository';
import { SSO_TEMPLATES, type SsoSettings, type SsoTemplate } from '../sso-templates';
import { ssoUrls } from '../sso-urls';

const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

class SsoProviderFieldsDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Settings of the template: client_id, and issuer (oidc), domain (okta, auth0), ' +
      'directory_tenant (microsoft: the directory (tenant) ID, a GUID), subdomain (onelogin), authorization_endpoint, ' +
      'token_endpoint and userinfo_endpoint (oauth2), entry_point and idp_certificate (saml); ' +
      "scopes, email_claim, name_claim, groups_claim; for saml also logout_url (the IdP's " +
      'single logout URL, an https URL like entry_point: sign-out then ends the IdP session ' +
      'too, and the IdP may end ours), idp_issuer, sp_entity_id, ' +
      'sp_certificate, name_id_format, email_attribute, name_attribute, groups_attribute and ' +
      'trust_email (the IdP vouches for its email addresses; without it no SAML email counts ' +
      'as verified).',
    example: { client_id: 'agent-village', domain: 'acme.okta.com' },
  })
  @IsOptional()
  @IsObject()
  settings?: SsoSettings;

  @ApiPropertyOptional({
    type: String,
    description: 'Stored sealed; never answered',
    nullable: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  client_secret?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'SAML: the private key (PEM) opening encrypted assertions; stored sealed',
    nullable: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  decryption_private_key?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Only emails of these domains sign in' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(DOMAIN, { each: true, message: 'each value must be a domain name' })
  allowed_domains?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Emails of these domains never sign in' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(DOMAIN, { each: true, message: 'each value must be a domain name' })
  blocked_domains?: string[];

  @ApiPropertyOptional({ description: 'Create unknown users at their first sign-in' })
  @IsOptional()
  @IsBoolean()
  jit_enabled?: boolean;

  @ApiPropertyOptional({ description: 'The role of a user created at sign-in (default viewer)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  default_role?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'IdP group → role given at sign-in',
  })
  @IsOptional()
  @IsObject()
  group_roles?: Record<string, string>;

  @ApiPropertyOptional({
    description: "Accept the IdP's MFA (amr contains mfa) instead of our second factor",
  })
  @IsOptional()
  @IsBoolean()
  trust_idp_mfa?: boolean;
}

export class CreateSsoProviderDto extends SsoProviderFieldsDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: SSO_TEMPLATES })
  @IsIn(SSO_TEMPLATES)
  template!: SsoTemplate;
}

export class UpdateSsoProviderDto extends SsoProviderFieldsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class SsoProviderDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SSO_TEMPLATES }) template!: string;
  @ApiProperty({ enum: ['oidc', 'oauth2', 'saml'] }) protocol!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
  @ApiProperty() has_client_secret!: boolean;
  @ApiProperty({ description: 'SAML: whether encrypted assertions can be opened' })
  has_decryption_key!: boolean;
  @ApiProperty({ type: [String] }) allowed_domains!: string[];
  @ApiProperty({ type: [String] }) blocked_domains!: string[];
  @ApiProperty() jit_enabled!: boolean;
  @ApiProperty() default_role!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  group_roles!: Record<string, string>;
  @ApiProperty() trust_idp_mfa!: boolean;
  @ApiProperty({ description: 'Where staff start a sign-in with this provider' })
  login_url!: string;
  @ApiProperty({
    description:
      'The redirect URI to register at the identity provider (SAML: the assertion consumer service)',
  })
  callback_url!: string;
  @ApiPropertyOptional({ description: "SAML: our service provider's metadata" })
  metadata_url?: string;
  @ApiPropertyOptional({ description: 'SAML: our entity id (the audience of assertions)' })
  entity_id?: string;
  @ApiPropertyOptional({
    description:
      'SAML with a logout_url: our single logout service, where the IdP sends its LogoutResponse and LogoutRequest',
  })
  logout_callback_url?: string;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;

  static from(row: SsoProviderRow, publicUrl: string): SsoProviderDto {
    const saml = row.protocol === 'saml';
    const settings = row.settings as SsoSettings;
    return {
      id: row.id,
      name: row.name,
      template: row.template,
      protocol: row.protocol,
      enabled: row.enabled,
      settings,
      has_client_secret: row.sealed_secrets !== null && !saml,
      has_decryption_key: row.sealed_secrets !== null && saml,
      allowed_domains: row.allowed_domains,
      blocked_domains: row.blocked_domains,
      jit_enabled: row.jit_enabled,
      default_role: row.default_role,
      group_roles: row.group_roles as Record<string, string>,
      trust_idp_mfa: row.trust_idp_mfa,
      login_url: ssoUrls.login(publicUrl, row.id),
      callback_url: ssoUrls.callback(publicUrl, row.id),
      ...(saml
        ? {
            metadata_url: ssoUrls.samlMetadata(publicUrl, row.id),
            entity_id: ssoUrls.samlEntityId(publicUrl, row.id, settings),
            ...(settings.logout_url
              ? { logout_callback_url: ssoUrls.samlLogoutCallback(publicUrl, row.id) }
              : {}),
          }
        : {}),
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
  }
}

export class SsoProviderListDto {
  @ApiProperty({ type: [SsoProviderDto] }) items!: SsoProviderDto[];
}

export class DiscoveryReportDto {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() issuer?: string;
  @ApiPropertyOptional() authorization_endpoint?: string;
  @ApiPropertyOptional() token_endpoint?: string;
  @ApiPropertyOptional() userinfo_endpoint?: string;
  @ApiPropertyOptional() jwks_uri?: string;
  @ApiPropertyOptional() error?: string;
}
