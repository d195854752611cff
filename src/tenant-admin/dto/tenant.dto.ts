import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { TENANT_STATUSES } from '../../tenancy/tenant-lifecycle';
import type { Tenant } from '../../tenancy/tenants.service';
import { TENANT_TIERS, type TenantTier } from '../../tenancy/tiers';

const MAX_LIMIT = 1_000_000_000_000;

/** Per-tenant quota overrides; null lifts a limit, an absent field keeps the tier's. */
export class QuotaOverridesDto {
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  goals_per_day?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  tokens_per_day?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  agents?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  workers?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  storage_mb?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  api_calls_per_minute?: number | null;
}

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', description: 'Lower-case letters, digits and dashes' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, {
    message: 'must be 2-63 lower-case letters, digits or dashes',
  })
  slug!: string;

  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: TENANT_TIERS, description: 'TENANT_DEFAULT_TIER when absent' })
  @IsOptional()
  @IsIn(TENANT_TIERS)
  tier?: TenantTier;

  @ApiPropertyOptional({
    enum: ['PENDING', 'ACTIVE'],
    default: 'ACTIVE',
    description: 'PENDING waits for approval',
  })
  @IsOptional()
  @IsIn(['PENDING', 'ACTIVE'])
  status?: 'PENDING' | 'ACTIVE';

  @ApiPropertyOptional({
    description: "The tenant's owner: becomes its first administrator (a user without a password)",
  })
  @IsOptional()
  @IsEmail()
  @Length(3, 320)
  owner_email?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: QuotaOverridesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuotaOverridesDto)
  quotas?: QuotaOverridesDto;
}

export class UpdateTenantDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: TENANT_TIERS })
  @IsOptional()
  @IsIn(TENANT_TIERS)
  tier?: TenantTier;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @Length(3, 320)
  owner_email?: string;

  @ApiPropertyOptional({ type: QuotaOverridesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuotaOverridesDto)
  quotas?: QuotaOverridesDto;
}

export class UpdateTenantConfigDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Merged over the saved configuration',
  })
  @IsObject()
  config!: Record<string, unknown>;
}

export class SuspendTenantDto {
  @ApiProperty({ example: 'billing overdue' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class UpgradeTenantDto {
  @ApiProperty({ enum: TENANT_TIERS })
  @IsIn(TENANT_TIERS)
  tier!: TenantTier;
}

export class UpdateTenantSettingsDto {
  @ApiProperty({ description: 'Require a second factor of every user of the tenant' })
  @IsBoolean()
  mfa_required!: boolean;
}

export class QuotaLimitsDto extends QuotaOverridesDto {}

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TENANT_STATUSES }) status!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "The status's reason (a suspension's)",
  })
  status_reason!: string | null;
  @ApiProperty({ enum: TENANT_TIERS }) tier!: string;
  @ApiProperty({ type: QuotaLimitsDto, description: 'The limits in force (null: none)' })
  quotas!: Record<string, number | null>;
  @ApiProperty({ type: 'object', additionalProperties: true }) config!: Record<string, unknown>;
  @ApiPropertyOptional({ type: String, nullable: true }) owner_email!: string | null;
  @ApiProperty({ description: 'Users must sign in with a second factor' }) mfa_required!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) deleted_at!:
    string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the purge removes a deleted tenant',
  })
  purge_after!: string | null;

  static from(t: Tenant): TenantDto {
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      status: t.status,
      status_reason: t.statusReason,
      tier: t.tier,
      quotas: t.quotas,
      config: t.config,
      owner_email: t.ownerEmail,
      mfa_required: t.mfaRequired,
      created_at: t.createdAt.toISOString(),
      deleted_at: t.deletedAt?.toISOString() ?? null,
      purge_after: t.purgeAfter?.toISOString() ?? null,
    };
  }
}

export class TenantListDto {
  @ApiProperty({ type: [TenantDto] }) items!: TenantDto[];
}
