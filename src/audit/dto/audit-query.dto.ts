import { STRICT_DATE } from '../../common/strict-date';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';
import { IsAnyUuid } from '../../common/is-any-uuid';
import { PaginationQuery } from '../../common/pagination.query';
import { ACTOR_TYPES, AUDIT_CATEGORIES, AUDIT_OUTCOMES, AUDIT_SEVERITIES } from '../audit-event';

/** `a,b` or repeated `?x=a&x=b`: a list either way. */
const list = ({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [])
    .map((v) => String(v).trim())
    .filter(Boolean);

export class AuditQueryDto extends PaginationQuery {
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString(STRICT_DATE)
  start_time?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString(STRICT_DATE)
  end_time?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) actor_id?: string;
  @ApiPropertyOptional({ enum: ACTOR_TYPES }) @IsOptional() @IsIn(ACTOR_TYPES) actor_type?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Another tenant: platform administrators' })
  @IsOptional()
  @IsAnyUuid()
  tenant_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) ip?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) resource_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) resource_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) event_type?: string;

  @ApiPropertyOptional({ type: [String], enum: AUDIT_CATEGORIES, description: 'Comma-separated' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(AUDIT_CATEGORIES.length)
  @IsIn(AUDIT_CATEGORIES, { each: true })
  categories?: (typeof AUDIT_CATEGORIES)[number][];

  @ApiPropertyOptional({ type: [String], enum: AUDIT_SEVERITIES, description: 'Comma-separated' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(AUDIT_SEVERITIES.length)
  @IsIn(AUDIT_SEVERITIES, { each: true })
  severities?: (typeof AUDIT_SEVERITIES)[number][];

  @ApiPropertyOptional({ type: [String], enum: AUDIT_OUTCOMES, description: 'Comma-separated' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(AUDIT_OUTCOMES.length)
  @IsIn(AUDIT_OUTCOMES, { each: true })
  outcomes?: (typeof AUDIT_OUTCOMES)[number][];

  @ApiPropertyOptional({ type: [String], description: 'Entries with every tag; comma-separated' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    description: 'Words that must all appear (type, message, resource, actor)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  search?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  sort?: 'asc' | 'desc';
}

export class AuditExportQueryDto extends AuditQueryDto {
  @ApiPropertyOptional({ enum: ['jsonl', 'csv'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['jsonl', 'csv'])
  format?: 'jsonl' | 'csv';
}

export class AuditVerifyQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Another tenant: platform administrators' })
  @IsOptional()
  @IsAnyUuid()
  tenant_id?: string;
}
