import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { MfaStatus } from '../../mfa/mfa-enrollment.service';
import type { TrustedDeviceListing } from '../../mfa/trusted-device.repository';

export class MfaMethodDto {
  @ApiProperty({ enum: ['totp', 'sms', 'email'] }) kind!: string;
  @ApiProperty({ enum: ['pending', 'active'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Masked phone or address' })
  destination!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  confirmed_at!: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  last_used_at!: string | null;
}

export class MfaStatusDto {
  @ApiProperty({ description: 'At least one second factor is active' }) enabled!: boolean;
  @ApiProperty({ type: [MfaMethodDto] }) methods!: MfaMethodDto[];
  @ApiProperty() backup_codes_left!: number;
  @ApiProperty({ description: 'The tenant requires a second factor' }) required!: boolean;

  static from(s: MfaStatus, required: boolean): MfaStatusDto {
    return {
      enabled: s.enabled,
      methods: s.methods.map((m) => ({
        kind: m.kind,
        status: m.status,
        destination: m.destination,
        created_at: m.createdAt.toISOString(),
        confirmed_at: m.confirmedAt?.toISOString() ?? null,
        last_used_at: m.lastUsedAt?.toISOString() ?? null,
      })),
      backup_codes_left: s.backupCodesLeft,
      required,
    };
  }
}

export class TotpEnrollmentDto {
  @ApiProperty({ description: 'Base32 secret, for manual entry' }) secret!: string;
  @ApiProperty({ example: 'otpauth://totp/Agent%20Village:ada@example.com?secret=...' })
  otpauth_uri!: string;
  @ApiProperty({ description: 'The provisioning URI as an SVG QR code' }) qr_svg!: string;
}

export class MfaCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Length(1, 20)
  code!: string;
}

export class SmsEnrollDto {
  @ApiProperty({ example: '+15550100199', description: 'E.164 phone number' })
  @Matches(/^\+[1-9][0-9]{6,14}$/, { message: 'must be an E.164 phone number like +15550100199' })
  phone!: string;
}

export class EmailEnrollDto {
  @ApiPropertyOptional({ description: 'Where codes go; the account email when omitted' })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @Length(3, 320)
  email?: string;
}

export class ConfirmationDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'Ten one-time backup codes, shown once (when the user had none)',
  })
  backup_codes?: string[];
  @ApiPropertyOptional({
    description: 'The session verified by this confirmation carries a new token',
  })
  token?: string;
}

export class BackupCodesDto {
  @ApiProperty({ type: [String], description: 'Ten one-time codes XXXX-XXXX, shown once' })
  backup_codes!: string[];
}

export class TrustedDeviceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) device!: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  last_used_at!: string | null;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;

  static from(d: TrustedDeviceListing): TrustedDeviceDto {
    const device = typeof d.device === 'string' ? (JSON.parse(d.device) as unknown) : d.device;
    return {
      id: d.id,
      name: d.name,
      device: (device ?? {}) as Record<string, unknown>,
      ip: d.ip,
      created_at: new Date(d.created_at).toISOString(),
      last_used_at: d.last_used_at ? new Date(d.last_used_at).toISOString() : null,
      expires_at: new Date(d.expires_at).toISOString(),
    };
  }
}

export class TrustedDeviceListDto {
  @ApiProperty({ type: [TrustedDeviceDto] }) items!: TrustedDeviceDto[];
}
