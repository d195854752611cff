import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@agent-village.local' })
  @IsString()
  @Length(3, 320)
  email!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 256)
  password!: string;

  @ApiPropertyOptional({ description: 'Tenant id or slug (default tenant when omitted)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  tenant?: string;
}

export class LoginResultDto {
  @ApiProperty({ description: 'Bearer token (also set as the HttpOnly av_session cookie)' })
  token!: string;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
}

export class MeDto {
  @ApiProperty({ enum: ['user', 'api_key'] }) principal_kind!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() display_name!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ format: 'uuid' }) home_tenant_id!: string;
  @ApiProperty({ enum: ['header', 'api_key', 'subdomain', 'home'] }) tenant_source!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [String] }) permissions!: string[];
  @ApiPropertyOptional({ type: [String], description: 'API key scopes' }) scopes?: string[];
  @ApiPropertyOptional({ format: 'uuid' }) api_key_id?: string;
}
