import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ValidationFailed } from '#common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { RequirePermission } from '../access/decorators';
import { currentContext, currentTenantId } from '../common/request-context';
import { CreateGoalDto, GoalAcceptedDto } from './dto/create-goal.dto';
import { GoalDto, GoalEventPageDto, GoalPageDto, TaskGraphDto } from './dto/goal-views.dto';
import { ListEventsQuery, ListGoalsQuery, ListTasksQuery } from './dto/list-goals.query';
import { GoalsService } from './goals.service';
import { IdempotencyKey } from './idempotency-key.decorator';

const uuid = new UuidParamPipe();

@ApiTags('goals')
@Controller('api/v1/goals')
export class GoalsController {
  constructor(private readonly goals: GoalsService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('goal:create', 'goal')
  @ApiOperation({
    summary: 'Submit a goal',
    description:
      'Accepted for asynchronous execution; follow it with GET /goals/{id} or its events.',
  })
  @ApiAcceptedResponse({ type: GoalAcceptedDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiPayloadTooLargeResponse({ description: 'The goal text exceeds GOAL_MAX_CHARS' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The body is not application/json' })
  @ApiUnprocessableEntityResponse({
    description:
      'problem+json `goal-refused-by-plugin`: a plugin refused the goal; `detail`, `plugin` and `reason` say which and why. `idempotency-key-reused`: the Idempotency-Key created goal `goal_id` from another body; `errors` names the fields that differ',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Up to 200 printable characters. A submission sent again with the same key answers the goal the first one created; the same key with another goal, title, pattern, priority or metadata answers 422.',
  })
  submit(
    @Body() body: CreateGoalDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<GoalAcceptedDto> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey))
      throw new ValidationFailed([
        { field: 'Idempotency-Key', message: 'must be 1 to 200 printable characters' },
      ]);
    return this.goals.submit(
      currentTenantId(),
      body,
      currentContext()?.principal.id ?? null,
      idempotencyKey,
    );
  }

  @Get()
  @RequirePermission('goal:read', 'goal')
  @ApiOperation({ summary: 'List goals, newest first' })
  @ApiOkResponse({ type: GoalPageDto })
  list(@Query() query: ListGoalsQuery): Promise<GoalPageDto> {
    return this.goals.list(currentTenantId(), query.status, query.limit, query.offset, query.q);
  }

  @Get(':id')
  @RequirePermission('goal:read', 'goal', 'id')
  @ApiOperation({ summary: 'A goal: status, FSM state, result, token usage and timings' })
  @ApiOkResponse({ type: GoalDto })
  @ApiNotFoundResponse({ description: 'No such goal' })
  get(@Param('id', uuid) id: string): Promise<GoalDto> {
    return this.goals.get(currentTenantId(), id);
  }

  @Get(':id/tasks')
  @RequirePermission('goal:read', 'goal', 'id')
  @ApiOperation({
    summary: "The goal's task graph: dependencies, agent, attempts, outputs, errors",
  })
  @ApiOkResponse({ type: TaskGraphDto })
  @ApiNotFoundResponse({ description: 'No such goal' })
  tasks(@Param('id', uuid) id: string, @Query() query: ListTasksQuery): Promise<TaskGraphDto> {
    return this.goals.tasks(currentTenantId(), id, query.offset, query.limit);
  }

  @Get(':id/events')
  @RequirePermission('goal:read', 'goal', 'id')
  @ApiOperation({
    summary: "The goal's event log after an event id (resume from the last one you saw)",
  })
  @ApiOkResponse({ type: GoalEventPageDto })
  @ApiNotFoundResponse({ description: 'No such goal' })
  events(
    @Param('id', uuid) id: string,
    @Query() query: ListEventsQuery,
  ): Promise<GoalEventPageDto> {
    return this.goals.events(currentTenantId(), id, query.after, query.limit);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('goal:cancel', 'goal', 'id')
  @ApiOperation({ summary: 'Cancel a goal that has not finished' })
  @ApiOkResponse({ type: GoalDto })
  @ApiNotFoundResponse({ description: 'No such goal' })
  @ApiConflictResponse({ description: 'The goal already finished' })
  cancel(@Param('id', uuid) id: string): Promise<GoalDto> {
    return this.goals.cancel(currentTenantId(), id);
  }
}
