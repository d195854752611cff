import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PATTERNS } from '../pattern';

export class CreateGoalDto {
  @ApiProperty({
    description: 'What you want done, in natural language',
    example: 'Research three vector databases then write a comparison',
  })
  @IsString()
  @MinLength(1)
  goal!: string;

  @ApiPropertyOptional({
    description: 'A short title (not blank); derived from the goal when omitted',
    example: 'Vector DB comparison',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({
    description: 'Execution pattern; chosen from the complexity when omitted',
    enum: PATTERNS,
  })
  @IsOptional()
  @IsIn(PATTERNS)
  pattern?: (typeof PATTERNS)[number];

  @ApiPropertyOptional({ description: 'Higher runs first', minimum: 0, maximum: 10, default: 5 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Free-form JSON kept with the goal',
    example: { ticket: 'OPS-42' },
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class GoalAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  goal_id!: string;

  @ApiProperty({ enum: ['queued'], example: 'queued' })
  status!: string;
}
