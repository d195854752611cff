import { QueryInteger } from '../../common/query-number';
import { AfterIdQuery, MAX_OFFSET } from '../../common/pagination.query';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { AGENT_KINDS, AGENT_STATUSES } from '../agent-kinds';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const CAPABILITY = /^[a-z0-9_+-]{1,60}$/;

/** Kinds a user may create: the governor is the product itself, swarm workers are ephemeral. */
export const CREATABLE_KINDS = AGENT_KINDS.filter((k) => k !== 'governor' && k !== 'swarm_worker');

export class CreateAgentDto {
  @ApiProperty({ enum: CREATABLE_KINDS, example: 'tool_agent' })
  @IsIn(CREATABLE_KINDS)
  kind!: string;

  @ApiProperty({ example: 'sql-analyst', description: 'Unique among active agents; lowercase' })
  @IsString()
  @Matches(NAME, { message: 'must be 1-63 lowercase letters, digits, _ or -' })
  name!: string;

  @ApiProperty({ type: [String], example: ['analysis', 'sql'] })
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CAPABILITY, { each: true, message: 'each must be lowercase letters, digits, _ + -' })
  capabilities!: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Task types (capabilities joined by +) this agent is specialized in',
    example: ['analysis'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CAPABILITY, { each: true, message: 'each must be lowercase letters, digits, _ + -' })
  specializations?: string[];

  @ApiPropertyOptional({ description: 'Defaults to the kind’s prompt', maxLength: 8000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  system_prompt?: string;

  @ApiPropertyOptional({ description: 'Model name; the configured model when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;
}

export class UpdateAgentDto {
  @ApiPropertyOptional({ example: 'sql-analyst' })
  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'must be 1-63 lowercase letters, digits, _ or -' })
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CAPABILITY, { each: true, message: 'each must be lowercase letters, digits, _ + -' })
  capabilities?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CAPABILITY, { each: true, message: 'each must be lowercase letters, digits, _ + -' })
  specializations?: string[];

  @ApiPropertyOptional({ maxLength: 8000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  system_prompt?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;
}

export class ListAgentsQuery {
  @ApiPropertyOptional({ enum: AGENT_KINDS })
  @IsOptional()
  @IsIn(AGENT_KINDS)
  kind?: string;

  @ApiPropertyOptional({ enum: AGENT_STATUSES })
  @IsOptional()
  @IsIn(AGENT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;
}

export class RecommendQuery {
  @ApiProperty({ description: 'The task, in natural language', example: 'Analyze sales data' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  task!: string;

  @ApiPropertyOptional({
    description: 'Comma-separated required capabilities; derived from the task when omitted',
    example: 'analysis,sql',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CAPABILITY, { each: true, message: 'each must be lowercase letters, digits, _ + -' })
  capabilities?: string[];
}

export class AgentStatsDto {
  @ApiProperty() tasks!: number;
  @ApiProperty() successes!: number;
  @ApiProperty() failures!: number;
  @ApiProperty({ description: 'successes / tasks (0 before the first task)' })
  success_rate!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Per task type: tasks, successes, success_rate',
  })
  task_type_scores!: Record<string, { tasks: number; successes: number; success_rate: number }>;
  @ApiProperty() avg_tokens!: number;
  @ApiProperty() avg_duration_ms!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } })
  error_kinds!: Record<string, number>;
  @ApiPropertyOptional({ type: String, nullable: true }) last_active!: string | null;
  @ApiProperty() reuse_count!: number;
}

export class AgentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AGENT_KINDS }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty() role!: string;
  @ApiProperty({ type: [String] }) capabilities!: string[];
  @ApiProperty({ type: [String] }) specializations!: string[];
  @ApiProperty() system_prompt!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ enum: AGENT_STATUSES }) status!: string;
  @ApiProperty({ description: 'Task attempts running now' }) running!: number;
  @ApiProperty() ephemeral!: boolean;
  @ApiProperty({ description: 'Seeded default profile' }) builtin!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) spawned_by_goal_id!:
    string | null;
  @ApiProperty({ type: AgentStatsDto }) stats!: AgentStatsDto;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) retired_at!: string | null;
}

export class AgentPageDto {
  @ApiProperty({ type: [AgentDto] }) items!: AgentDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class TerminatedDto {
  @ApiProperty({ format: 'uuid' }) agent_id!: string;
  @ApiProperty({ description: 'Running task attempts stopped in this process' })
  stopped!: number;
}

export class ScoreBreakdownDto {
  @ApiProperty() base!: number;
  @ApiProperty() success_rate!: number;
  @ApiProperty() task_type_match!: number;
  @ApiProperty() capability_match!: number;
  @ApiProperty() recency_bonus!: number;
}

export class RankedAgentDto {
  @ApiProperty({ format: 'uuid' }) agent_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({
    description:
      '0.5 + 0.4·success_rate + 0.3·task_type_match + 0.2·capability_match + 0.1·recency_bonus',
  })
  score!: number;
  @ApiProperty({
    description: '0.5 + 0.3·task_type_match + 0.2·capability_match (drives spawning)',
  })
  requirement_fit!: number;
  @ApiProperty({ type: ScoreBreakdownDto }) breakdown!: ScoreBreakdownDto;
  @ApiProperty() avg_tokens!: number;
}

export class RecommendationDto {
  @ApiProperty() task_type!: string;
  @ApiProperty({ type: [String] }) capabilities!: string[];
  @ApiProperty({ description: 'Below this best requirement fit a specialist would be spawned' })
  threshold!: number;
  @ApiProperty() would_spawn!: boolean;
  @ApiProperty({ type: [RankedAgentDto] }) candidates!: RankedAgentDto[];
}

export class LedgerEntryDto {
  @ApiProperty() id!: number;
  @ApiProperty() step!: number;
  @ApiProperty({ enum: ['turn', 'task'] }) kind!: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) task_id!: string | null;
  @ApiProperty() plan_version!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) agent_id!: string | null;
  @ApiProperty({ description: 'Fingerprint of the step’s action and output' })
  fingerprint!: string;
  @ApiProperty() is_satisfied!: boolean;
  @ApiProperty() is_looping!: boolean;
  @ApiProperty() is_progressing!: boolean;
  @ApiProperty() stall_count!: number;
  @ApiProperty() next_instruction!: string;
  @ApiProperty({ type: [String] }) facts!: string[];
  @ApiProperty() created_at!: string;
}

export class LedgerDto {
  @ApiProperty({ format: 'uuid' }) goal_id!: string;
  @ApiProperty({ type: [LedgerEntryDto] }) items!: LedgerEntryDto[];
}

export class LedgerQuery extends AfterIdQuery {}
