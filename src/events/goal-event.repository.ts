import { Injectable } from '@nestjs/common';
import { sql, type QueryCreator } from 'kysely';
import type { DB } from '../database/schema.generated';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import { consumeUsage } from '../quotas/tenant-usage.repository';
import {
  statements,
  type EventItem,
  type EventRow,
  type EventSourceRow,
  type GoalUpdate,
  type RowChange,
  type SeqSource,
} from './goal-event.statements';
import {
  insertGoalWithEvents,
  type GoalAdmission,
  type SubmittedGoal,
} from './goal-submission.statement';

export type {
  EventItem,
  EventRow,
  EventSourceRow,
  GoalAdmission,
  GoalUpdate,
  RowChange,
  SeqSource,
  SubmittedGoal,
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class GoalEventRepository {
  async append(
    executor: SqlExecutor,
    source: SeqSource,
    tenantId: string,
    goalId: string,
    event: EventItem,
  ): Promise<EventRow> {
    return (await firstOf(
      executor,
      statements.append(source, tenantId, goalId, event),
    )) as EventRow;
  }

  appendMany(
    executor: SqlExecutor,
    source: SeqSource,
    tenantId: string,
    goalId: string,
    events: EventItem[],
  ): Promise<EventRow[]> {
    return rowsOf(executor, statements.appendMany(source, tenantId, goalId, events)) as Promise<
      EventRow[]
    >;
  }

  /** The stored events with the change's row; none when the change touched no row. */
  appendAfterChange<R extends object>(
    executor: SqlExecutor,
    source: SeqSource,
    change: RowChange<R>,
    tenantId: string,
    goalId: string,
    events: EventItem[],
  ): Promise<Array<EventRow & { change: R }>> {
    return rowsOf(
      executor,
      statements.appendAfterChange(source, change, tenantId, goalId, events),
    ) as Promise<Array<EventRow & { change: R }>>;
  }

  /** The stored events, each with its row of the `events` CTE (`source`), in log order. */
  appendFromRows<Q extends DB & { events: EventSourceRow }>(
    executor: SqlExecutor,
    source: SeqSource,
    tenantId: string,
    goalId: string,
    withs: (qc: QueryCreator<DB>) => QueryCreator<Q>,
  ): Promise<Array<EventRow & { source: Record<string, unknown> | null }>> {
    return rowsOf(executor, statements.appendFromRows(source, tenantId, goalId, withs)) as Promise<
      Array<EventRow & { source: Record<string, unknown> | null }>
    >;
  }

  /** The submission's outcome (see the statement); always one row. */
  async insertGoalWithEvents(
    executor: SqlExecutor,
    source: SeqSource,
    row: SubmittedGoal,
    events: EventItem[],
    admission: GoalAdmission,
  ): Promise<{ admitted: string | null; events: EventRow[] | null }> {
    return (await firstOf(executor, insertGoalWithEvents(source, row, events, admission)))!;
  }

  /** The updated row with its stored events; undefined when no row matched (nothing written). */
  async updateGoalWithEvents(
    executor: SqlExecutor,
    source: SeqSource,
    tenantId: string,
    goalId: string,
    update: GoalUpdate,
    events: EventItem[],
  ): Promise<Record<string, unknown> | undefined> {
    return firstOf(
      executor,
      statements.updateGoalWithEvents(source, tenantId, goalId, update, events),
    );
  }

  list(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    afterId: number,
    limit: number,
  ): Promise<EventRow[]> {
    return rowsOf(executor, statements.list(tenantId, goalId, afterId, limit));
  }

  async seqAt(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    eventId: number,
  ): Promise<number> {
    return Number((await firstOf(executor, statements.seqAt(tenantId, goalId, eventId)))?.seq ?? 0);
  }

  async lastSeq(executor: SqlExecutor, tenantId: string, goalId: string): Promise<number> {
    return Number((await firstOf(executor, statements.lastSeq(tenantId, goalId)))?.seq ?? 0);
  }

  listForTenant(
    executor: SqlExecutor,
    tenantId: string,
    afterId: number,
    limit: number,
  ): Promise<EventRow[]> {
    return rowsOf(executor, statements.listForTenant(tenantId, afterId, limit));
  }

  deleteOfEndedGoals(executor: SqlExecutor, days: number): Promise<number> {
    return affectedBy(executor, statements.deleteOfEndedGoals(days));
  }
}

export const goalEventStatements: StatementCatalog = {
  file: 'src/events/queries/goal-event.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const goal = '00000000-0000-0000-0000-000000000002';
    const task = '00000000-0000-0000-0000-000000000003';
    const event: EventItem = {
      type: 'task.failed',
      task_id: task,
      data: { task_key: 't1' },
      merge: false,
    };
    const startedEvents = (qc: QueryCreator<DB>) =>
      qc.with('events', (q) =>
        q
          .selectFrom('tasks')
          .select([
            sql<number>`1`.as('ord'),
            sql<string>`'task.started'`.as('type'),
            'id as task_id',
            sql`'{}'::jsonb`.as('data'),
          ])
          .where('id', '=', task),
      );
    const change = db
      .updateTable('tasks')
      .set({ status: 'failed' })
      .where('id', '=', task)
      .where('tenant_id', '=', tenant)
      .returning('id');
    return [
      { name: 'append', statement: statements.append('goal-row', tenant, goal, event) },
      { name: 'append (embedded)', statement: statements.append('log', tenant, goal, event) },
      { name: 'appendMany', statement: statements.appendMany('goal-row', tenant, goal, [event]) },
      {
        name: 'appendMany (embedded)',
        statement: statements.appendMany('log', tenant, goal, [event]),
      },
      {
        name: 'appendAfterChange',
        statement: statements.appendAfterChange('goal-row', change, tenant, goal, [event]),
      },
      {
        name: 'appendFromRows',
        statement: statements.appendFromRows('goal-row', tenant, goal, startedEvents),
      },
      {
        name: 'appendFromRows (embedded)',
        statement: statements.appendFromRows('log', tenant, goal, startedEvents),
      },
      {
        name: 'insertGoalWithEvents',
        statement: insertGoalWithEvents(
          'goal-row',
          {
            id: goal,
            tenant_id: tenant,
            title: 't',
            goal: 'g',
            status: 'queued',
            state: 'RECEIVED',
            requested_pattern: null,
            priority: 5,
            metadata: {},
            created_by: null,
            idempotency_key: 'key-1',
          },
          [{ type: 'goal.created', task_id: null, data: { title: 't' }, merge: false }],
          (qc, unlessReplay) =>
            qc.with(
              'admitted',
              consumeUsage(
                {
                  tenantId: tenant,
                  resource: 'goals_per_day',
                  window: 'day',
                  amount: 1,
                  limit: 10,
                },
                unlessReplay,
              ),
            ),
        ),
      },
      {
        name: 'updateGoalWithEvents',
        statement: statements.updateGoalWithEvents(
          'goal-row',
          tenant,
          goal,
          {
            set: { state: 'PLANNING', status: 'running' },
            where: { state: 'ANALYZING_INTENT', notPaused: true },
          },
          [{ type: 'goal.status', task_id: null, data: { to: 'PLANNING' }, merge: false }],
        ),
      },
      { name: 'list', statement: statements.list(tenant, goal, 0, 1000) },
      { name: 'seqAt', statement: statements.seqAt(tenant, goal, 10) },
      { name: 'lastSeq', statement: statements.lastSeq(tenant, goal) },
      { name: 'listForTenant', statement: statements.listForTenant(tenant, 0, 1000) },
      { name: 'deleteOfEndedGoals', statement: statements.deleteOfEndedGoals(30) },
    ];
  },
};
