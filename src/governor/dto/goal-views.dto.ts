import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GOAL_STATES, GOAL_STATUSES } from '../../goal-records/goal-fsm';

export class AgentUsageDto {
  @ApiProperty() agent!: string;
  @ApiProperty() llm_calls!: number;
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() completion_tokens!: number;
  @ApiProperty() cost_usd!: number;
}

/** A task's model usage. */
export class TaskUsageDto {
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() completion_tokens!: number;
  @ApiProperty() total_tokens!: number;
  @ApiProperty({ description: 'USD, from per-model prices' }) cost_usd!: number;
}

/** A goal's model usage: its tasks' and its own steps' calls. */
export class TokenUsageDto extends TaskUsageDto {
  @ApiProperty() llm_calls!: number;
  @ApiPropertyOptional({
    type: [AgentUsageDto],
    description: 'Roll-up per agent (single-goal view only)',
  })
  by_agent?: AgentUsageDto[];
}

export class GoalTimingsDto {
  @ApiProperty() created_at!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) started_at!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) completed_at!: string | null;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'From start to finish (or now)',
  })
  duration_ms!: number | null;
}

export class GoalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() goal!: string;
  @ApiProperty({ enum: GOAL_STATUSES }) status!: string;
  @ApiProperty({ enum: GOAL_STATES, description: 'The governor FSM state' }) state!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) pattern!: string | null;
  @ApiProperty() priority!: number;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    enum: ['TRIVIAL', 'SIMPLE', 'MODERATE', 'COMPLEX', 'STRATEGIC'],
  })
  complexity!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    enum: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
  })
  risk!: string | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true })
  intent!: Record<string, unknown> | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    example: { summary: '...', outputs: { t1: '...' } },
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ type: [String] }) failure_reasons!: string[];
  @ApiProperty() plan_version!: number;
  @ApiProperty() replan_count!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ type: TokenUsageDto }) usage!: TokenUsageDto;
  @ApiProperty({ type: GoalTimingsDto }) timings!: GoalTimingsDto;
}

export class GoalPageDto {
  @ApiProperty({ type: [GoalDto] }) items!: GoalDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class TaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() key!: string;
  @ApiProperty() plan_version!: number;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String] }) depends_on!: string[];
  @ApiProperty({ type: [String] }) capabilities!: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) acceptance_criteria!: string | null;
  @ApiProperty({ enum: ['pending', 'running', 'completed', 'failed', 'cancelled', 'superseded'] })
  status!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) agent_id!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) agent_kind!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty() max_attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true })
  output!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  errors!: unknown[];
  @ApiProperty({ type: TaskUsageDto }) usage!: TaskUsageDto;
  @ApiPropertyOptional({ type: String, nullable: true }) started_at!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) completed_at!: string | null;
}

export class TaskGraphDto {
  @ApiProperty({ format: 'uuid' }) goal_id!: string;
  @ApiProperty() plan_version!: number;
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
  @ApiProperty({ description: 'Tasks of the goal, all plan versions' }) total!: number;
  @ApiProperty() offset!: number;
}

export class GoalEventDto {
  @ApiProperty({ description: 'Event id; pass as ?after= to resume' }) id!: number;
  @ApiProperty({ description: 'Position in this goal' }) seq!: number;
  @ApiProperty() type!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) task_id!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty() created_at!: string;
}

export class GoalEventPageDto {
  @ApiProperty({ type: [GoalEventDto] }) items!: GoalEventDto[];
  @ApiProperty({ description: 'Id of the last event returned (or the after= given)' })
  last_id!: number;
}
