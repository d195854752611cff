import { AfterIdQuery, PaginationQuery } from '../../common/pagination.query';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { GOAL_STATUSES } from '../../goal-records/goal-fsm';

export class ListGoalsQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: GOAL_STATUSES })
  @IsOptional()
  @IsIn(GOAL_STATUSES)
  status?: string;
}

export class ListEventsQuery extends AfterIdQuery {}
