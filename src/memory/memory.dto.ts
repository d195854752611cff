import { QueryInteger, QueryNumber } from '../common/query-number';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { isKnownMemoryType } from './memory-backend-registry';
import { MEMORY_TYPES, MemoryType } from './memory.types';

export class CreateMemoryDto {
  @ApiProperty({
    example: 'semantic',
    description: 'episodic, semantic, procedural, strategic, or a memory type a plugin keeps',
  })
  @ValidateBy({
    name: 'isKnownMemoryType',
    validator: {
      validate: isKnownMemoryType,
      defaultMessage: () =>
        `must be one of ${MEMORY_TYPES.join(', ')} or a memory type a loaded plugin keeps`,
    },
  })
  type!: string;

  @ApiProperty({ description: 'The memory text (embedded for search)', maxLength: 20000 })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  content!: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ description: 'Lookup key (e.g. a procedure key)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  key?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0.5 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  importance?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Free-form JSON; strategic memories use decision, rationale, alternatives, outcome, lessons',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The goal this memory came from, a goal of this tenant',
  })
  @IsOptional()
  @IsUUID()
  source_goal_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The task this memory came from, a task of source_goal_id (required with it)',
  })
  @IsOptional()
  @IsUUID()
  source_task_id?: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'The agent this memory came from' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source_agent?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 36500, description: 'Forget after this many days' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36500)
  ttl_days?: number;
}

export class UpdateMemoryDto {
  @ApiPropertyOptional({ maxLength: 20000, description: 'New text (re-embedded)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  content?: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  importance?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Merged into the existing metadata',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class SearchMemoryQuery {
  @ApiProperty({ description: 'What to look for', maxLength: 4000 })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  q!: string;

  @ApiPropertyOptional({ enum: MEMORY_TYPES })
  @IsOptional()
  @IsIn(MEMORY_TYPES)
  type?: MemoryType;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(100)
  k?: number;

  @ApiPropertyOptional({ minimum: -1, maximum: 1, description: 'Least cosine similarity' })
  @IsOptional()
  @QueryNumber()
  @IsNumber()
  @Min(-1)
  @Max(1)
  min_similarity?: number;
}

export class MemorySourceDto {
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) goal_id!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) task_id!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) agent!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) model!: string | null;
}

export class MemoryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'semantic', description: 'a built-in type or a plugin’s memory type' })
  type!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) title!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) key!: string | null;
  @ApiProperty() content!: string;
  @ApiProperty() importance!: number;
  @ApiProperty({ description: 'Written from a critic-verified outcome' }) verified!: boolean;
  @ApiProperty({ type: MemorySourceDto }) source!: MemorySourceDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) provenance!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty() access_count!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) last_accessed_at!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) expires_at!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) embedding_model!: string | null;
}

export class MemoryHitDto {
  @ApiProperty({ type: MemoryDto }) memory!: MemoryDto;
  @ApiProperty({ description: 'Cosine similarity (lexical with the local embedding)' })
  similarity!: number;
}

export class MemorySearchResultDto {
  @ApiProperty({ type: [MemoryHitDto] }) items!: MemoryHitDto[];
  @ApiProperty() embedding_model!: string;
  @ApiProperty({ description: 'true when similarity is lexical (local hashed n-grams)' })
  lexical!: boolean;
  @ApiProperty({ enum: ['pgvector-hnsw', 'exact-cosine'] }) vector_backend!: string;
}

export class MemoryTypeStatsDto {
  @ApiProperty() count!: number;
  @ApiProperty() verified!: number;
  @ApiProperty() avg_importance!: number;
  @ApiProperty() accesses!: number;
}

@ApiExtraModels(MemoryTypeStatsDto)
export class MemoryStatsDto {
  @ApiProperty() total!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(MemoryTypeStatsDto) },
  })
  types!: Record<string, MemoryTypeStatsDto>;
  @ApiProperty({
    type: 'object',
    properties: { entities: { type: 'number' }, relations: { type: 'number' } },
  })
  graph!: { entities: number; relations: number };
  @ApiProperty({
    type: 'object',
    properties: {
      model: { type: 'string' },
      dimensions: { type: 'number' },
      lexical: { type: 'boolean' },
    },
  })
  embedding!: { model: string; dimensions: number; lexical: boolean };
  @ApiProperty({ enum: ['pgvector-hnsw', 'exact-cosine'] }) vector_backend!: string;
}

export class MaintenanceReportDto {
  @ApiProperty({ description: 'Near-duplicates merged into another memory' }) merged!: number;
  @ApiProperty({ description: 'Old episodes summarised into semantic facts' }) summarised!: number;
  @ApiProperty({ description: 'Expired (TTL) memories deleted' }) expired!: number;
  @ApiProperty({ description: 'Memories whose decayed importance fell below the threshold' })
  forgotten!: number;
}
