import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const nullableString = { type: String, nullable: true } as const;

export class AuditActorDto {
  @ApiProperty(nullableString) id!: string | null;
  @ApiProperty({ example: 'user', description: 'user, api_key, system, ...' }) type!: string;
  @ApiProperty(nullableString) ip!: string | null;
}

export class AuditResourceDto {
  @ApiProperty(nullableString) type!: string | null;
  @ApiProperty(nullableString) id!: string | null;
}

export class AuditRequestContextDto {
  @ApiProperty(nullableString) request_id!: string | null;
  @ApiProperty(nullableString) endpoint!: string | null;
  @ApiProperty(nullableString) method!: string | null;
  @ApiProperty({ type: Number, nullable: true }) duration_ms!: number | null;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ description: "Position in the tenant's hash chain" }) seq!: number;
  @ApiProperty({ example: 'AUTHENTICATION' }) category!: string;
  @ApiProperty({ example: 'auth.login' }) event_type!: string;
  @ApiProperty({ example: 'INFO' }) severity!: string;
  @ApiProperty({ example: 'SUCCESS' }) outcome!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({ type: AuditResourceDto }) resource!: AuditResourceDto;
  @ApiProperty({ type: AuditRequestContextDto }) context!: AuditRequestContextDto;
  @ApiProperty({
    description: 'Field changes (before and after; secrets masked)',
    oneOf: [
      { type: 'object', additionalProperties: true },
      { type: 'array', items: { type: 'object', additionalProperties: true } },
    ],
  })
  changes!: unknown;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: unknown;
  @ApiProperty(nullableString) message!: string | null;
  @ApiProperty() hash!: string;
  @ApiProperty() prev_hash!: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items!: AuditEntryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ChainBreakDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The entry that does not match' })
  id?: string;
  @ApiProperty() seq!: number;
  @ApiProperty({
    enum: [
      'hash-mismatch',
      'link-broken',
      'missing-entries',
      'checkpoint-signature',
      'checkpoint-unverifiable',
    ],
  })
  reason!: string;
}

export class ChainReportDto {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'Entries checked' }) entries!: number;
  @ApiProperty({ description: 'Where the chain starts: 0, or the checkpoint retention left' })
  starts_after!: number;
  @ApiPropertyOptional({ type: ChainBreakDto }) first_broken?: ChainBreakDto;
}
