import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db, rowsOf } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** A count as the driver returns it (bigint comes back as text). */
type Count = string | number;

const FINISHED = ['completed', 'failed', 'cancelled'].map((s) => sql.lit(s));

/**
 * The platform gauges read at scrape time: read-only aggregates across every tenant
 * (the platform's own metrics), so no statement here takes a tenant id.
 */
const statements = {
  unfinishedGoalsByStatus: () =>
    db
      .selectFrom('goals')
      .select((eb) => ['status', eb.fn.countAll<Count>().as('n')])
      .where('status', 'not in', FINISHED)
      .groupBy('status'),
  runningAgentsByKind: () =>
    db
      .selectFrom('tasks')
      .select((eb) => [
        sql<string>`coalesce(agent_kind, 'unknown')`.as('kind'),
        eb.fn.count<Count>('agent_id').distinct().as('n'),
      ])
      .where('status', '=', sql.lit('running'))
      .where('agent_id', 'is not', null)
      .groupBy(sql`1`),
};

@Injectable()
export class PlatformGaugeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** How many goals are in each unfinished status. */
  unfinishedGoalsByStatus(): Promise<Array<{ status: string; n: Count }>> {
    return rowsOf(this.dataSource, statements.unfinishedGoalsByStatus());
  }

  /** How many distinct agents of each kind run a task now. */
  runningAgentsByKind(): Promise<Array<{ kind: string; n: Count }>> {
    return rowsOf(this.dataSource, statements.runningAgentsByKind());
  }
}

export const platformGaugeStatements: StatementCatalog = {
  file: 'src/metrics/queries/platform-gauge.repository.sql',
  samples: () => [
    { name: 'unfinishedGoalsByStatus', statement: statements.unfinishedGoalsByStatus() },
    { name: 'runningAgentsByKind', statement: statements.runningAgentsByKind() },
  ],
};
