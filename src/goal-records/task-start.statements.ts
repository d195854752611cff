import { sql } from 'kysely';
import { cte, recordset } from '../database/recordset';
import type { TaskStart } from './goal.types';

/**
 * Tasks of one goal going running (attempt number, start time), as the `change` CTE of the
 * statement that starts them (with their agents' running slots and task.started events):
 * per task `ord, task_id, agent_id, type, data` for its event. Only pending or running
 * tasks start.
 */
export const startsChange = (tenantId: string, goalId: string, starts: readonly TaskStart[]) =>
  cte()((qc) =>
    qc
      .updateTable('tasks as t')
      .set({
        status: sql.lit('running'),
        attempts: sql<number>`i.attempt`,
        started_at: sql<Date>`coalesce(t.started_at, now())`,
        updated_at: sql<Date>`now()`,
      })
      .from(recordset('i', starts, { ord: 'int', id: 'uuid', attempt: 'int', agent_id: 'uuid' }))
      .whereRef('t.id', '=', 'i.id')
      .where('t.tenant_id', '=', tenantId)
      .where('t.goal_id', '=', goalId)
      .where('t.status', 'in', [sql.lit('pending'), sql.lit('running')])
      .returning([
        'i.ord',
        't.id as task_id',
        'i.agent_id',
        sql<string>`'task.started'`.as('type'),
        sql<unknown>`jsonb_build_object('task_key', t.key, 'attempt', i.attempt, 'agent_id', t.agent_id)`.as(
          'data',
        ),
      ]),
  );
