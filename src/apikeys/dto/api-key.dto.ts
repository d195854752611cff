import { STRICT_DATE } from '../../common/strict-date';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { API_KEY_STATUSES, API_KEY_TYPES, ApiKey, ApiKeysService } from '../api-keys.service';

export class RateLimitsDto {
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  per_minute?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  per_hour?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  per_day?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Requests allowed back to back' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  burst?: number;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CI pipeline' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: API_KEY_TYPES, default: 'personal' })
  @IsOptional()
  @IsIn(API_KEY_TYPES)
  type?: (typeof API_KEY_TYPES)[number];

  @ApiProperty({ type: [String], example: ['read:goals', 'write:goals'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  scopes!: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString(STRICT_DATE)
  expires_at?: string;

  @ApiPropertyOptional({ type: RateLimitsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitsDto)
  rate_limits?: RateLimitsDto;

  @ApiPropertyOptional({ type: [String], example: ['203.0.113.7'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  allowed_ips?: string[];

  @ApiPropertyOptional({ type: [String], example: ['10.0.0.0/8'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  allowed_cidrs?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  blocked_ips?: string[];
}

export class RateLimitsViewDto {
  @ApiProperty() per_minute!: number;
  @ApiProperty() per_hour!: number;
  @ApiProperty() per_day!: number;
  @ApiProperty() burst!: number;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ak_0123456789ab_', description: 'Identifies the key; never the secret' })
  prefix!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_KEY_TYPES }) type!: string;
  @ApiProperty({ enum: API_KEY_STATUSES }) status!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ format: 'uuid' }) owner_user_id!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expires_at!: string | null;
  @ApiProperty({ type: RateLimitsViewDto }) rate_limits!: RateLimitsViewDto;
  @ApiProperty({ type: [String] }) allowed_ips!: string[];
  @ApiProperty({ type: [String] }) allowed_cidrs!: string[];
  @ApiProperty({ type: [String] }) blocked_ips!: string[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_used_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) last_used_ip!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) rotated_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(k: ApiKey): ApiKeyDto {
    return {
      id: k.id,
      prefix: ApiKeysService.prefix(k),
      name: k.name,
      type: k.type,
      status: k.status,
      scopes: k.scopes,
      owner_user_id: k.ownerUserId,
      expires_at: k.expiresAt?.toISOString() ?? null,
      rate_limits: {
        per_minute: k.rateLimits.perMinute,
        per_hour: k.rateLimits.perHour,
        per_day: k.rateLimits.perDay,
        burst: k.rateLimits.burst,
      },
      allowed_ips: k.allowedIps,
      allowed_cidrs: k.allowedCidrs,
      blocked_ips: k.blockedIps,
      last_used_at: k.lastUsedAt?.toISOString() ?? null,
      last_used_ip: k.lastUsedIp,
      rotated_at: k.rotatedAt?.toISOString() ?? null,
      revoked_at: k.revokedAt?.toISOString() ?? null,
      created_at: k.createdAt.toISOString(),
    };
  }
}

export class ApiKeyWithSecretDto extends ApiKeyDto {
  @ApiProperty({ description: 'The full key. Shown once: store it now.' })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) items!: ApiKeyDto[];
}
