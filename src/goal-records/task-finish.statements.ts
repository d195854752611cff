import { sql, type ExpressionBuilder } from 'kysely';
import { cte, recordset, type Columns, type RecordsetRow } from '../database/recordset';
import type { Json } from '../database/schema.generated';

/** The columns of a finished task's `input` row that the tasks' side reads. */
export const COMPLETION_COLUMNS = {
  ord: 'int',
  id: 'uuid',
  output: 'jsonb',
  task_event: 'jsonb',
  agent_event: 'jsonb',
} as const;

type CompletionInput = RecordsetRow<typeof COMPLETION_COLUMNS>;

/** A row of the `change` CTE: a task that was still running, completed, with its token totals. */
export interface CompletionChange {
  task_id: string;
  prompt_tokens: number;
  completion_tokens: number;
  tokens: number;
}

/**
 * The finished tasks, one row each, as the `input` CTE of the statement that stores their
 * results: the tasks' columns and the `columns` the other steps of that statement read.
 */
export const completionInput = <C extends Columns>(rows: readonly object[], columns: C) =>
  cte()((qc) =>
    qc.selectFrom(recordset('i', rows, { ...COMPLETION_COLUMNS, ...columns })).selectAll(),
  );

/**
 * The `change` CTE: the tasks of `input` still running go completed with their output;
 * each returns its token totals (its model calls are stored before the statement runs).
 */
export const completionChange = (tenantId: string, goalId: string) =>
  cte<{ input: CompletionInput }>()((qc) =>
    qc
      .updateTable('tasks as t')
      .from('input as i')
      .set((eb) => ({
        status: sql.lit('completed'),
        // jsonb in both: the recordset column is typed `unknown`
        output: sql<Json>`${eb.ref('i.output')}`,
        error: sql.lit(null),
        completed_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      }))
      .whereRef('t.id', '=', 'i.id')
      .where('t.tenant_id', '=', tenantId)
      .where('t.goal_id', '=', goalId)
      .where('t.status', '=', sql.lit('running'))
      .returning((eb) => [
        't.id as task_id',
        sql<number>`${eb.ref('t.prompt_tokens')}::int`.as('prompt_tokens'),
        sql<number>`${eb.ref('t.completion_tokens')}::int`.as('completion_tokens'),
        sql<number>`(${eb.ref('t.prompt_tokens')} + ${eb.ref('t.completion_tokens')})::int`.as(
          'tokens',
        ),
      ]),
  );

/**
 * The `events` CTE of the stored completions: per task (in `ord` order) task.completed and,
 * for a task with an agent, agent.completed, each with the task's token totals.
 */
export const completedEvents = () =>
  cte<{ input: CompletionInput; change: CompletionChange }>()((qc) => {
    const stored = qc.selectFrom('input as i').innerJoin('change as c', 'c.task_id', 'i.id');
    return stored
      .select((eb) => [
        eb('i.ord', '*', sql.lit(2)).as('ord'),
        sql<string>`'task.completed'`.as('type'),
        'c.task_id',
        sql<unknown>`${eb.ref('i.task_event')} || ${tokensOf(eb)}`.as('data'),
      ])
      .unionAll(
        stored
          .select((eb) => [
            eb(eb('i.ord', '*', sql.lit(2)), '+', sql.lit(1)).as('ord'),
            sql<string>`'agent.completed'`.as('type'),
            'c.task_id',
            sql<unknown>`${eb.ref('i.agent_event')} || ${tokensOf(eb)}`.as('data'),
          ])
          .where('i.agent_event', 'is not', null),
      );
  });

/** The stored task's token totals (`c`, a row of `change`) as JSON for its events' data. */
function tokensOf(eb: ExpressionBuilder<{ c: CompletionChange }, 'c'>) {
  return sql`jsonb_build_object('prompt_tokens', ${eb.ref('c.prompt_tokens')}, 'completion_tokens', ${eb.ref('c.completion_tokens')}, 'tokens', ${eb.ref('c.tokens')})`;
}
