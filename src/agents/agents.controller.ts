import { Audit } from '../access/audit.decorator';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermission } from '../access/decorators';
import { currentTenantId } from '../common/request-context';
import { AgentsService } from './agents.service';
import {
  AgentDto,
  AgentPageDto,
  CreateAgentDto,
  LedgerDto,
  LedgerQuery,
  ListAgentsQuery,
  RecommendationDto,
  RecommendQuery,
  TerminatedDto,
  UpdateAgentDto,
} from './dto/agent.dto';

const uuid = new UuidParamPipe();

@ApiTags('agents')
@Controller('api/v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @RequirePermission('agent:read', 'agent')
  @ApiOperation({ summary: 'List agent profiles with their learned stats' })
  @ApiOkResponse({ type: AgentPageDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid filter' })
  list(@Query() query: ListAgentsQuery): Promise<AgentPageDto> {
    return this.agents.list(currentTenantId(), query);
  }

  @Get('recommend')
  @RequirePermission('agent:read', 'agent')
  @ApiOperation({
    summary: 'Rank the agents for a task, with each score’s breakdown',
    description:
      'score = 0.5 + 0.4·success_rate + 0.3·task_type_match + 0.2·capability_match + 0.1·recency_bonus; ties by lower average tokens.',
  })
  @ApiOkResponse({ type: RecommendationDto })
  @ApiBadRequestResponse({ description: 'task missing or invalid capabilities' })
  recommend(@Query() query: RecommendQuery): Promise<RecommendationDto> {
    return this.agents.recommend(currentTenantId(), query.task, query.capabilities);
  }

  @Get(':id')
  @RequirePermission('agent:read', 'agent', 'id')
  @ApiOperation({ summary: 'One agent profile with its stats' })
  @ApiOkResponse({ type: AgentDto })
  @ApiNotFoundResponse({ description: 'No such agent' })
  get(@Param('id', uuid) id: string): Promise<AgentDto> {
    return this.agents.get(currentTenantId(), id);
  }

  @Audit({ category: 'AGENT', resource: 'agent' })
  @Post()
  @RequirePermission('agent:create', 'agent')
  @ApiOperation({ summary: 'Create a custom agent profile' })
  @ApiCreatedResponse({ type: AgentDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiConflictResponse({ description: 'An active agent already has this name' })
  create(@Body() body: CreateAgentDto): Promise<AgentDto> {
    return this.agents.create(currentTenantId(), body);
  }

  @Audit({ category: 'AGENT', resource: 'agent' })
  @Patch(':id')
  @RequirePermission('agent:update', 'agent', 'id')
  @ApiOperation({
    summary: 'Change an agent’s name, capabilities, specializations, prompt or model',
  })
  @ApiOkResponse({ type: AgentDto })
  @ApiNotFoundResponse({ description: 'No such agent' })
  @ApiConflictResponse({ description: 'The agent is retired, or the name is taken' })
  update(@Param('id', uuid) id: string, @Body() body: UpdateAgentDto): Promise<AgentDto> {
    return this.agents.update(currentTenantId(), id, body);
  }

  @Audit({ category: 'AGENT', resource: 'agent' })
  @Delete(':id')
  @RequirePermission('agent:delete', 'agent', 'id')
  @ApiOperation({ summary: 'Retire an agent: it is no longer selected; its stats are kept' })
  @ApiOkResponse({ type: AgentDto })
  @ApiNotFoundResponse({ description: 'No such agent' })
  @ApiConflictResponse({ description: 'Already retired' })
  retire(@Param('id', uuid) id: string): Promise<AgentDto> {
    return this.agents.retire(currentTenantId(), id);
  }

  @Audit({ category: 'AGENT', resource: 'agent' })
  @Post(':id/terminate')
  @RequirePermission('agent:execute', 'agent', 'id')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Stop the agent’s running work; the stopped attempts fail and are retried or replanned',
  })
  @ApiOkResponse({ type: TerminatedDto })
  @ApiNotFoundResponse({ description: 'No such agent' })
  @ApiConflictResponse({ description: 'The agent is retired or has no running work' })
  terminate(@Param('id', uuid) id: string): Promise<TerminatedDto> {
    return this.agents.terminate(currentTenantId(), id);
  }
}

@ApiTags('goals')
@Controller('api/v1/goals')
export class GoalLedgerController {
  constructor(private readonly agents: AgentsService) {}

  @Get(':id/ledger')
  @RequirePermission('goal:read', 'goal', 'id')
  @ApiOperation({
    summary:
      "The goal's progress ledger: per step, satisfied / looping / progressing, stalls and the next instruction",
  })
  @ApiOkResponse({ type: LedgerDto })
  @ApiNotFoundResponse({ description: 'No such goal' })
  ledger(@Param('id', uuid) id: string, @Query() query: LedgerQuery): Promise<LedgerDto> {
    return this.agents.ledgerOf(currentTenantId(), id, query.after, query.limit);
  }
}
