import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { DASHBOARD_PANELS } from '../../config/config.schema';

export class DashboardConfigDto {
  @ApiProperty() title!: string;
  @ApiProperty({
    description: 'Base URL of the REST API the browser code calls ("" = same origin)',
  })
  api_url!: string;
  @ApiProperty({ description: 'WebSocket URL ("" = ws(s)://<page host>/ws)' }) ws_url!: string;
  @ApiProperty({ minimum: 500 }) refresh_ms!: number;
  @ApiProperty({ enum: ['dark', 'light'] }) theme!: string;
  @ApiProperty({ enum: DASHBOARD_PANELS, isArray: true }) panels!: string[];
  @ApiProperty() version!: string;
  @ApiProperty({ nullable: true, type: String }) updated_at!: string | null;
}

export class DashboardSettingsDto {
  @ApiPropertyOptional({ minimum: 500, maximum: 3600000 })
  @IsOptional()
  @IsInt()
  @Min(500)
  @Max(3_600_000)
  refresh_ms?: number;

  @ApiPropertyOptional({ enum: ['dark', 'light'] })
  @IsOptional()
  @IsIn(['dark', 'light'])
  theme?: 'dark' | 'light';

  @ApiPropertyOptional({ enum: DASHBOARD_PANELS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DASHBOARD_PANELS.length)
  @IsIn(DASHBOARD_PANELS, { each: true })
  panels?: string[];

  @ApiPropertyOptional({ description: 'http(s) URL, or "" for the page origin' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  api_url?: string;

  @ApiPropertyOptional({ description: 'ws(s) URL, or "" for ws(s)://<page host>/ws' })
  @IsOptional()
  @IsUrl({ protocols: ['ws', 'wss'], require_tld: false, require_protocol: true })
  ws_url?: string;
}

class GoalCountsDto {
  @ApiProperty() total!: number;
  @ApiProperty() active!: number;
  @ApiProperty() completed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
}
class AgentCountsDto {
  @ApiProperty() total!: number;
  @ApiProperty() active!: number;
}
class WorkerCountsDto {
  @ApiProperty({ description: 'Processes holding a live goal lease (executing goals now)' })
  active!: number;
  @ApiProperty({ description: 'Whether this API process also executes goals' })
  api_processes_jobs!: boolean;
}
export class DashboardStatsDto {
  @ApiProperty({ type: GoalCountsDto }) goals!: GoalCountsDto;
  @ApiProperty({ type: AgentCountsDto }) agents!: AgentCountsDto;
  @ApiProperty({ type: WorkerCountsDto }) workers!: WorkerCountsDto;
  @ApiProperty({
    description: 'completed / (completed + failed), 0..1; null before any finished',
    nullable: true,
    type: Number,
  })
  success_rate!: number | null;
  @ApiProperty() total_tokens!: number;
  @ApiProperty() uptime_s!: number;
  @ApiProperty({ description: "This tenant's WebSocket clients connected to this process" })
  ws_clients!: number;
}

export class DashboardTaskDto {
  @ApiProperty() id!: string;
  @ApiProperty() key!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [String] }) depends_on!: string[];
  @ApiProperty({ nullable: true, type: String }) agent_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) agent_kind!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) output!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}
export class DashboardGoalDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ nullable: true, type: String }) complexity!: string | null;
  @ApiProperty({ nullable: true, type: String }) pattern!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) result!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: [String] }) failure_reasons!: string[];
  @ApiProperty() total_tokens!: number;
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: Number }) duration_ms!: number | null;
  @ApiProperty({ type: [DashboardTaskDto] }) tasks!: DashboardTaskDto[];
}
export class DashboardGoalsDto {
  @ApiProperty({ type: [DashboardGoalDto] }) active!: DashboardGoalDto[];
  @ApiProperty({ type: [DashboardGoalDto] }) recent!: DashboardGoalDto[];
}

export class DashboardAgentDto {
  @ApiProperty() agent_id!: string;
  @ApiProperty() agent_kind!: string;
  @ApiProperty({ enum: ['busy', 'idle'] }) status!: string;
  @ApiProperty() tasks_total!: number;
  @ApiProperty() tasks_running!: number;
  @ApiProperty() tasks_completed!: number;
  @ApiProperty() tasks_failed!: number;
  @ApiProperty({ description: 'completed / finished tasks, 0..1', nullable: true, type: Number })
  score!: number | null;
  @ApiProperty() total_tokens!: number;
  @ApiProperty({ nullable: true, type: String }) last_active_at!: string | null;
}
export class DashboardAgentsDto {
  @ApiProperty({ type: [DashboardAgentDto] }) items!: DashboardAgentDto[];
  @ApiProperty({
    description: 'Agents are derived from the tasks they ran until agent profiles land',
  })
  source!: string;
}

export class SeriesPointDto {
  @ApiProperty({ description: 'bucket start (ISO 8601)' }) t!: string;
  @ApiProperty() value!: number;
}
@ApiExtraModels(SeriesPointDto)
export class WidgetDto {
  @ApiProperty() widget!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: 'Named counts or values',
  })
  values!: Record<string, number | null>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { $ref: getSchemaPath(SeriesPointDto) } },
    description: 'Named time series (last 24 hours, hourly buckets)',
  })
  series!: Record<string, SeriesPointDto[]>;
}
