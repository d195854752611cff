import { sql } from 'kysely';
import { db } from '../database/query-builder';
import { ctes, recordsetOf, type RecordsetRow } from '../database/recordset';
import { INSERT_COLUMNS, lastStalls, lastStep, planTaskRows } from './progress-ledger.parts';

/** The columns of a finished task's `input` row that the ledger step reads. */
export const LEDGER_COLUMNS = {
  agent_text: 'text',
  step_offset: 'int',
  fingerprint: 'text',
  turns: 'jsonb',
  turn_count: 'int',
  loop_fact: 'text',
} as const;

type DoneInput = RecordsetRow<typeof LEDGER_COLUMNS> & { id: string | null; ord: number | null };

/** A buffered turn row of a finished task (`turns` of its `input` row). */
const DONE_TURN_COLUMNS = {
  offset: 'int',
  task_id: 'uuid',
  plan_version: 'int',
  agent_id: 'text',
  fingerprint: 'text',
  satisfied: 'boolean',
  looping: 'boolean',
  progressing: 'boolean',
  stalls: 'int',
  next: 'text',
  facts: 'jsonb',
} as const;

const DONE_ALL = 'all tasks are done: verify the result with the critic';

/** The plan's open tasks, its last stall count and the goal's last step, before the statement. */
const ledgerBase = (tenantId: string, goalId: string, planVersion: number) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('tasks')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('plan_version', '=', planVersion)
      .where('status', '<>', sql.lit('completed'))
      .$asScalar()
      .as('open'),
    lastStalls(tenantId, goalId, planVersion).$asScalar().as('last_stalls'),
    lastStep(tenantId, goalId).$asScalar().as('last_step'),
  ]);

/**
 * The ledger step of several successful tasks of one plan, as CTEs of the statement that
 * stores their results: the rows `recordTask` writes, one task after the other in `ord`
 * order. `input` has one row per task; `change` returns the tasks that were still running
 * (only those are recorded). A task loops when it repeats a result it gave before; stalls
 * count consecutive loops.
 */
export const tasksDone = (tenantId: string, goalId: string, planVersion: number) =>
  ctes<{ input: DoneInput; change: { task_id: string } }>()((qc) =>
    qc
      .with('ledger_base', () => ledgerBase(tenantId, goalId, planVersion))
      .with('ledger_tasks', (q) =>
        q
          .selectFrom('input as i')
          .innerJoin('change as c', 'c.task_id', 'i.id')
          .selectAll('i')
          .select((eb) => [
            sql<number>`row_number() OVER (ORDER BY ${eb.ref('i.ord')})`.as('rank'),
            eb
              .exists(
                planTaskRows(tenantId, goalId, planVersion)
                  .select(sql.lit(1).as('one'))
                  .where('l.task_id', '=', sql.ref<string>('i.id'))
                  .where('l.fingerprint', '=', sql.ref<string>('i.fingerprint')),
              )
              .as('looping'),
          ]),
      )
      .with('ledger_rows', (q) =>
        q
          .selectFrom([
            q
              .selectFrom('ledger_tasks as t')
              .selectAll('t')
              .select((eb) =>
                sql<number>`sum(CASE WHEN ${eb.ref('t.looping')} THEN 0 ELSE 1 END) OVER (ORDER BY ${eb.ref('t.rank')})`.as(
                  'grp',
                ),
              )
              .as('r'),
            'ledger_base as b',
          ])
          .selectAll('r')
          .select((eb) => {
            const nth = sql<number>`row_number() OVER (PARTITION BY ${eb.ref('r.grp')} ORDER BY ${eb.ref('r.rank')})`;
            return [
              sql<number>`${eb.ref('b.open')} - ${eb.ref('r.rank')}`.as('open_after'),
              'b.last_step',
              sql<number>`CASE WHEN NOT ${eb.ref('r.looping')} THEN 0
                WHEN ${eb.ref('r.grp')} = 0 THEN coalesce(${eb.ref('b.last_stalls')}, 0) + ${nth}
                ELSE ${nth} - 1 END`.as('stalls'),
            ];
          }),
      )
      .with('ledger', (q) =>
        q
          .insertInto('progress_ledger')
          .columns(INSERT_COLUMNS)
          .expression((eb) =>
            eb
              .selectFrom(
                q
                  .selectFrom('ledger_rows as r')
                  .crossJoinLateral((lb) => recordsetOf('t', lb.ref('r.turns'), DONE_TURN_COLUMNS))
                  .select((sb) => [
                    't.task_id',
                    't.plan_version',
                    sql<number>`${sb.ref('r.last_step')} + ${sb.ref('r.step_offset')} + ${sb.ref('t.offset')}`.as(
                      'step',
                    ),
                    sql<string>`'turn'`.as('kind'),
                    't.agent_id',
                    't.fingerprint',
                    't.satisfied',
                    't.looping',
                    't.progressing',
                    't.stalls',
                    't.next',
                    't.facts',
                  ])
                  .unionAll((sb) =>
                    sb.selectFrom('ledger_rows as r').select((rb) => [
                      'r.id as task_id',
                      sql<number | null>`${planVersion}::int`.as('plan_version'),
                      sql<number>`${rb.ref('r.last_step')} + ${rb.ref('r.step_offset')} + ${rb.ref('r.turn_count')} + 1`.as(
                        'step',
                      ),
                      sql<string>`'task'`.as('kind'),
                      'r.agent_text as agent_id',
                      'r.fingerprint',
                      sql<boolean | null>`${rb.ref('r.open_after')} = 0`.as('satisfied'),
                      sql<boolean | null>`${rb.ref('r.looping')}`.as('looping'),
                      sql<boolean | null>`NOT ${rb.ref('r.looping')}`.as('progressing'),
                      sql<number | null>`${rb.ref('r.stalls')}::int`.as('stalls'),
                      sql<
                        string | null
                      >`CASE WHEN ${rb.ref('r.open_after')} = 0 THEN ${sql.lit(DONE_ALL)}
                          ELSE ${rb.ref('r.open_after')} || ' task(s) left: run the next ready tasks' END`.as(
                        'next',
                      ),
                      sql<unknown>`CASE WHEN ${rb.ref('r.looping')} THEN jsonb_build_array(${rb.ref('r.loop_fact')}) ELSE '[]'::jsonb END`.as(
                        'facts',
                      ),
                    ]),
                  )
                  .as('x'),
              )
              .select([
                sql<string>`${tenantId}::uuid`.as('tenant_id'),
                sql<string>`${goalId}::uuid`.as('goal_id'),
                'x.task_id',
                'x.plan_version',
                'x.step',
                'x.kind',
                'x.agent_id',
                'x.fingerprint',
                'x.satisfied',
                'x.looping',
                'x.progressing',
                'x.stalls',
                'x.next',
                'x.facts',
              ])
              .orderBy('x.step'),
          )
          .returning('id'),
      ),
  );
