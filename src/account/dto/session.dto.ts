import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import type { SessionView } from '../../sessions/sessions.service';

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty({ enum: ['web', 'api', 'cli'] }) type!: string;
  @ApiProperty({ enum: ['password', 'sso', 'oauth', 'api_key'] }) auth_method!: string;
  @ApiProperty({ enum: ['active', 'expired', 'revoked', 'locked'] }) status!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Browser, OS and device type parsed from the User-Agent',
  })
  device!: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, type: String }) ip!: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Country, region and city when known',
  })
  geo!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) last_seen_at!: string;
  @ApiProperty({ format: 'date-time', description: 'Absolute end of the session' })
  expires_at!: string;
  @ApiProperty({ format: 'date-time', description: 'When it ends if left unused' })
  idle_expires_at!: string;
  @ApiProperty() mfa_verified!: boolean;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  elevated_until!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lock_reason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) revoke_reason!: string | null;
  @ApiProperty({ description: 'The session this request was made with' }) current!: boolean;

  static from(s: SessionView, idleMs: number, currentId?: string): SessionDto {
    return {
      id: s.id,
      user_id: s.userId,
      type: s.type,
      auth_method: s.authMethod,
      status: s.status,
      device: s.device,
      ip: s.ip,
      geo: s.geo,
      created_at: s.createdAt.toISOString(),
      last_seen_at: s.lastSeenAt.toISOString(),
      expires_at: s.expiresAt.toISOString(),
      idle_expires_at: new Date(
        Math.min(s.lastSeenAt.getTime() + idleMs, s.expiresAt.getTime()),
      ).toISOString(),
      mfa_verified: s.mfaVerified,
      elevated_until: s.elevatedUntil?.toISOString() ?? null,
      lock_reason: s.lockReason,
      revoke_reason: s.revokeReason,
      current: s.id === currentId,
    };
  }
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
}

export class SessionQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Administrators: another user's sessions" })
  @IsOptional()
  @IsUUID()
  user_id?: string;
}

export class ElevateDto {
  @ApiPropertyOptional({ description: 'The password, or `method` and `code`' })
  @ValidateIf((o: ElevateDto) => o.method === undefined)
  @IsString()
  @Length(1, 256)
  password?: string;

  @ApiPropertyOptional({ enum: ['totp', 'sms', 'email', 'backup_code'] })
  @ValidateIf((o: ElevateDto) => o.password === undefined)
  @IsIn(['totp', 'sms', 'email', 'backup_code'])
  method?: 'totp' | 'sms' | 'email' | 'backup_code';

  @ApiPropertyOptional({ example: '123456' })
  @ValidateIf((o: ElevateDto) => o.method !== undefined)
  @IsString()
  @Length(1, 20)
  code?: string;
}

export class ElevationCodeDto {
  @ApiProperty({ enum: ['sms', 'email'] })
  @IsIn(['sms', 'email'])
  method!: 'sms' | 'email';
}

export class SessionTokenDto {
  @ApiProperty({ description: 'The new session token (also set as the av_session cookie)' })
  token!: string;
  @ApiProperty({ format: 'uuid' }) session_id!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  elevated_until!: string | null;
}

export class LockDto {
  @ApiProperty({ description: 'Why, for the audit trail and the session owner' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class RevokedCountDto {
  @ApiProperty() revoked!: number;
}
