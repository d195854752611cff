import { QueryInteger } from '../common/query-number';
import { RequirePermission } from '../access/decorators';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ValidationFailed } from '#common';
import { currentContext, currentTenantId } from '../common/request-context';
import { DashboardService } from './dashboard.service';
import {
  DashboardAgentsDto,
  DashboardConfigDto,
  DashboardGoalsDto,
  DashboardSettingsDto,
  DashboardStatsDto,
  WidgetDto,
} from './dto/dashboard.dto';

class DashboardListQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

const WIDGETS = ['goals', 'agents', 'metrics'] as const;

/** The small API behind the web dashboard served at `/` (paths as in the seed). */
@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get('stats')
  @RequirePermission('goal:read', 'goal')
  @ApiOperation({ summary: 'Headline numbers: goals, agents, workers, success rate' })
  @ApiOkResponse({ type: DashboardStatsDto })
  stats(): Promise<DashboardStatsDto> {
    return this.dashboard.stats(currentTenantId());
  }

  @Get('goals')
  @RequirePermission('goal:read', 'goal')
  @ApiOperation({ summary: 'Active and recently finished goals with their task graphs' })
  @ApiOkResponse({ type: DashboardGoalsDto })
  goals(@Query() query: DashboardListQuery): Promise<DashboardGoalsDto> {
    return this.dashboard.goals(currentTenantId(), query.limit ?? 20);
  }

  @Get('agents')
  @RequirePermission('agent:read', 'agent')
  @ApiOperation({ summary: 'Agents with status, task counts and scores' })
  @ApiOkResponse({ type: DashboardAgentsDto })
  agents(@Query() query: DashboardListQuery): Promise<DashboardAgentsDto> {
    return this.dashboard.agents(currentTenantId(), query.limit ?? 20);
  }

  @Get('config')
  @RequirePermission('goal:read', 'goal')
  @ApiOperation({
    summary: "The dashboard's settings: title, URLs, refresh interval, theme, panels",
  })
  @ApiOkResponse({ type: DashboardConfigDto })
  config(): Promise<DashboardConfigDto> {
    return this.dashboard.dashboardConfig(currentTenantId());
  }

  @Get('widgets/:widget')
  @RequirePermission('goal:read', 'goal')
  @ApiOperation({ summary: 'Data of one widget: counts and 24-hour hourly series' })
  @ApiParam({ name: 'widget', enum: WIDGETS })
  @ApiOkResponse({ type: WidgetDto })
  @ApiBadRequestResponse({ description: 'Unknown widget' })
  widget(@Param('widget') widget: string): Promise<WidgetDto> {
    if (!(WIDGETS as readonly string[]).includes(widget))
      throw new ValidationFailed([
        { field: 'widget', message: `must be one of ${WIDGETS.join(', ')}` },
      ]);
    return this.dashboard.widget(currentTenantId(), widget as (typeof WIDGETS)[number]);
  }

  @Post('settings')
  @RequirePermission('admin:settings', 'tenant')
  @HttpCode(200)
  @ApiOperation({ summary: "Save the tenant's dashboard settings (merged over the previous ones)" })
  @ApiOkResponse({ type: DashboardConfigDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  settings(@Body() body: DashboardSettingsDto): Promise<DashboardConfigDto> {
    return this.dashboard.saveSettings(
      currentTenantId(),
      body,
      currentContext()?.principal.id ?? null,
    );
  }
}
