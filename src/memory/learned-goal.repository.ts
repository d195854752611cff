import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { db, firstOf } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import type { LearnedGoal } from './memory-learning.types';

/**
 * The one read memory makes of `goals` (every other statement on the table is the
 * governor's): the fields a lesson or a failed episode is written from. Memory reacts to
 * goal events after the fact, so it reads the goal rather than being handed it.
 */
const statements = {
  byId: (tenantId: string, goalId: string) =>
    db
      .selectFrom('goals')
      .select([
        'id',
        'tenant_id',
        'title',
        'goal',
        'pattern',
        'complexity',
        'intent',
        'result',
        'failure_reasons',
        'replan_count',
        'plan_version',
      ])
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId)
      .$castTo<LearnedGoal>(),
};

@Injectable()
export class LearnedGoalRepository {
  constructor(private readonly dataSource: DataSource) {}

  byId(tenantId: string, goalId: string): Promise<LearnedGoal | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, goalId));
  }
}

export const learnedGoalStatements: StatementCatalog = {
  file: 'src/memory/queries/learned-goal.repository.sql',
  samples: () => [
    {
      name: 'byId',
      statement: statements.byId(
        '00000000-0000-0000-0000-000000000001',
        '00000000-0000-0000-0000-000000000002',
      ),
    },
  ],
};
