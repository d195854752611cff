import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';

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

  @ApiPropertyOptional({
    enum: ['web', 'api', 'cli'],
    description: 'What the session is for (listed with it); web when omitted',
  })
  @IsOptional()
  @IsIn(['web', 'api', 'cli'])
  session_type?: 'web' | 'api' | 'cli';
}

export class LoginResultDto {
  @ApiProperty({
    enum: ['authenticated', 'mfa_required'],
    description: 'mfa_required: complete the sign-in at POST /api/v1/auth/mfa/verify',
  })
  status!: 'authenticated' | 'mfa_required';
  @ApiPropertyOptional({
    description: 'Bearer token (also set as the HttpOnly av_session cookie)',
  })
  token?: string;
  @ApiPropertyOptional({ format: 'uuid' }) session_id?: string;
  @ApiProperty({ format: 'date-time', description: 'When the session or challenge ends' })
  expires_at!: string;
  @ApiPropertyOptional({ format: 'uuid' }) user_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) tenant_id?: string;
  @ApiPropertyOptional() mfa_verified?: boolean;
  @ApiPropertyOptional({
    description: 'The tenant requires MFA: only /api/v1/mfa enrollment is open to this session',
  })
  mfa_enrollment_required?: boolean;
  @ApiPropertyOptional({ description: 'The second-factor challenge to answer' })
  challenge_token?: string;
  @ApiPropertyOptional({ type: [String], enum: ['totp', 'sms', 'email', 'backup_code'] })
  methods?: string[];
}

export class SessionStateDto {
  @ApiProperty({
    description: 'Whether the request carries a live credential (session cookie, token or key)',
  })
  signed_in!: boolean;
}

export class MeDto {
  @ApiProperty({ enum: ['user', 'api_key', 'oauth'] }) principal_kind!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() display_name!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ format: 'uuid' }) home_tenant_id!: string;
  @ApiProperty({ enum: ['header', 'api_key', 'token', 'subdomain', 'home'] })
  tenant_source!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [String] }) permissions!: string[];
  @ApiPropertyOptional({ type: [String], description: 'API key scopes' }) scopes?: string[];
  @ApiPropertyOptional({ format: 'uuid' }) api_key_id?: string;
}

export class MfaVerifyDto {
  @ApiProperty({ description: 'The challenge_token of the mfa_required login answer' })
  @IsString()
  @Length(1, 100)
  challenge_token!: string;

  @ApiProperty({ enum: ['totp', 'sms', 'email', 'backup_code'] })
  @IsIn(['totp', 'sms', 'email', 'backup_code'])
  method!: 'totp' | 'sms' | 'email' | 'backup_code';

  @ApiProperty({ example: '123456' })
  @IsString()
  @Length(1, 20)
  code!: string;

  @ApiPropertyOptional({
    description: 'Remember this browser: later sign-ins skip the second factor',
  })
  @IsOptional()
  @IsBoolean()
  trust_device?: boolean;

  @ApiPropertyOptional({ description: 'A name for the trusted device' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  device_name?: string;

  @ApiPropertyOptional({ enum: ['web', 'api', 'cli'] })
  @IsOptional()
  @IsIn(['web', 'api', 'cli'])
  session_type?: 'web' | 'api' | 'cli';
}

export class MfaSendDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  challenge_token!: string;

  @ApiProperty({ enum: ['sms', 'email'] })
  @IsIn(['sms', 'email'])
  method!: 'sms' | 'email';
}

export class CodeSentDto {
  @ApiProperty({ enum: ['sent', 'failed'] }) delivery_status!: string;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;

  static from(sent: { deliveryStatus: string; expiresAt: Date }): CodeSentDto {
    return { delivery_status: sent.deliveryStatus, expires_at: sent.expiresAt.toISOString() };
  }
}
