import { ApiProperty } from '@nestjs/swagger';
import { QUOTA_RESOURCES } from '../../tenancy/tiers';

export class QuotaUsageDto {
  @ApiProperty({ enum: QUOTA_RESOURCES }) resource!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'null: no limit' })
  limit!: number | null;
  @ApiProperty() used!: number;
  @ApiProperty({ nullable: true, type: Number }) remaining!: number | null;
  @ApiProperty({ nullable: true, type: Number }) percent!: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the window resets (null: a running total)',
  })
  resets_at!: string | null;
}

export class TenantLimitDto {
  @ApiProperty() rule!: string;
  @ApiProperty() scope!: string;
  @ApiProperty() strategy!: string;
  @ApiProperty() path!: string;
  @ApiProperty() limit!: number;
  @ApiProperty() window_s!: number;
}

export class TenantStatsDto {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty() tier!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [QuotaUsageDto] }) quotas!: QuotaUsageDto[];
  @ApiProperty({ type: [TenantLimitDto], description: 'Rate limits that count per tenant' })
  rate_limits!: TenantLimitDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Goals per status',
  })
  goals!: Record<string, number>;
}
