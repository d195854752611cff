import { QueryInteger } from '../../common/query-number';
import { AfterIdQuery, MAX_OFFSET, PaginationQuery } from '../../common/pagination.query';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { GOAL_STATUSES } from '../../goal-records/goal-fsm';

export class ListGoalsQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: GOAL_STATUSES })
  @IsOptional()
  @IsIn(GOAL_STATUSES)
  status?: string;

  @ApiPropertyOptional({
    description: 'Goals whose text contains this, in any case (the goal as submitted)',
    maxLength: 200,
    example: 'invoices',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class ListEventsQuery extends AfterIdQuery {}

/** `?limit=&offset=` over a goal's tasks; without a limit, every task. */
export class ListTasksQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'Default: every task' })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;
}
