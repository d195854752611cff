import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import type { Tenant } from '../tenants.service';

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
}

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ description: 'Users must sign in with a second factor' }) mfa_required!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(t: Tenant): TenantDto {
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      status: t.status,
      mfa_required: t.mfaRequired,
      created_at: t.createdAt.toISOString(),
    };
  }
}

export class TenantListDto {
  @ApiProperty({ type: [TenantDto] }) items!: TenantDto[];
}

export class UpdateTenantSettingsDto {
  @ApiProperty({ description: 'Require a second factor of every user of the tenant' })
  @IsBoolean()
  mfa_required!: boolean;
}
