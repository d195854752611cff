import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import { ctes, recordset, recordsetOf, type RecordsetRow } from '../database/recordset';
import type { ProgressLedger } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type LedgerRow = Omit<Selectable<ProgressLedger>, 'tenant_id' | 'kind' | 'facts'> & {
  kind: 'turn' | 'task';
  facts: string[];
};

/** One ledger row to write; its step follows the goal's last one. */
export interface LedgerEntry {
  task_id: string;
  plan_version: number;
  kind: 'turn' | 'task';
  agent_id: string;
  fingerprint: string;
  satisfied: boolean;
  looping: boolean;
  progressing: boolean;
  stalls: number;
  next: string;
  facts: string[];
}

/** What a task's ledger step is decided from. */
export interface TaskFacts {
  open: string;
  looping: boolean;
  last_stalls: number | null;
  last_step: number;
}

const LIST_COLUMNS = [
  'id',
  'goal_id',
  'task_id',
  'plan_version',
  'step',
  'kind',
  'agent_id',
  'fingerprint',
  'is_satisfied',
  'is_looping',
  'is_progressing',
  'stall_count',
  'next_instruction',
  'facts',
  'created_at',
] as const;

const TURN_COLUMNS = {
  n: 'integer',
  task_id: 'uuid',
  plan_version: 'integer',
  agent_id: 'text',
  fingerprint: 'text',
  satisfied: 'boolean',
  looping: 'boolean',
  progressing: 'boolean',
  stalls: 'integer',
  next: 'text',
  facts: 'jsonb',
} as const;

const INSERT_COLUMNS = [
  'tenant_id',
  'goal_id',
  'task_id',
  'plan_version',
  'step',
  'kind',
  'agent_id',
  'fingerprint',
  'is_satisfied',
  'is_looping',
  'is_progressing',
  'stall_count',
  'next_instruction',
  'facts',
] as const;

/** The goal's last step (0 before its first row). */
const lastStep = (tenantId: string, goalId: string) =>
  db
    .selectFrom('progress_ledger')
    .select(sql<number>`coalesce(max(step), 0)`.as('step'))
    .where('tenant_id', '=', tenantId)
    .where('goal_id', '=', goalId);

/** The plan's task rows in the ledger. */
const planTaskRows = (tenantId: string, goalId: string, planVersion: number) =>
  db
    .selectFrom('progress_ledger as l')
    .where('l.tenant_id', '=', tenantId)
    .where('l.goal_id', '=', goalId)
    .where('l.plan_version', '=', planVersion)
    .where('l.kind', '=', sql.lit('task'));

/** The stall count of the plan's last task row in the ledger. */
const lastStalls = (tenantId: string, goalId: string, planVersion: number) =>
  planTaskRows(tenantId, goalId, planVersion)
    .select('l.stall_count')
    .orderBy('l.id', 'desc')
    .limit(sql.lit(1));

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

/** Every statement on `progress_ledger`; each takes the tenant's id. */
const statements = {
  /** Buffered turn rows at the steps after the goal's last one, in the given order. */
  appendTurns: (tenantId: string, goalId: string, entries: readonly LedgerEntry[]) =>
    db
      .insertInto('progress_ledger')
      .columns(INSERT_COLUMNS)
      .expression((eb) =>
        eb
          .selectFrom([
            lastStep(tenantId, goalId).as('last'),
            recordset(
              'e',
              entries.map((e, i) => ({ ...e, n: i + 1 })),
              TURN_COLUMNS,
            ),
          ])
          .select([
            sql<string>`${tenantId}`.as('tenant_id'),
            sql<string>`${goalId}`.as('goal_id'),
            'e.task_id',
            'e.plan_version',
            sql<number>`last.step + e.n`.as('step'),
            sql.lit('turn').as('kind'),
            'e.agent_id',
            'e.fingerprint',
            'e.satisfied',
            'e.looping',
            'e.progressing',
            'e.stalls',
            'e.next',
            'e.facts',
          ])
          .orderBy('e.n'),
      ),
  /** One row at the step after the goal's last one. */
  appendOne: (tenantId: string, goalId: string, e: LedgerEntry) =>
    db
      .insertInto('progress_ledger')
      .columns(INSERT_COLUMNS)
      .expression((eb) =>
        eb
          .selectFrom('progress_ledger')
          .select([
            sql<string>`${tenantId}`.as('tenant_id'),
            sql<string>`${goalId}`.as('goal_id'),
            sql<string>`${e.task_id}`.as('task_id'),
            sql<number>`${e.plan_version}`.as('plan_version'),
            sql<number>`coalesce(max(step), 0) + 1`.as('step'),
            sql<string>`${e.kind}`.as('kind'),
            sql<string>`${e.agent_id}`.as('agent_id'),
            sql<string>`${e.fingerprint}`.as('fingerprint'),
            sql<boolean>`${e.satisfied}`.as('satisfied'),
            sql<boolean>`${e.looping}`.as('looping'),
            sql<boolean>`${e.progressing}`.as('progressing'),
            sql<number>`${e.stalls}`.as('stalls'),
            sql<string>`${e.next}`.as('next'),
            sql<string>`${JSON.stringify(e.facts)}`.as('facts'),
          ])
          .where('tenant_id', '=', tenantId)
          .where('goal_id', '=', goalId),
      ),
  /** Rows at the given steps. */
  insertAt: (
    tenantId: string,
    goalId: string,
    rows: ReadonlyArray<{ step: number; entry: LedgerEntry }>,
  ) =>
    db.insertInto('progress_ledger').values(
      rows.map(({ step, entry: e }) => ({
        tenant_id: tenantId,
        goal_id: goalId,
        task_id: e.task_id,
        plan_version: e.plan_version,
        step,
        kind: e.kind,
        agent_id: e.agent_id,
        fingerprint: e.fingerprint,
        is_satisfied: e.satisfied,
        is_looping: e.looping,
        is_progressing: e.progressing,
        stall_count: e.stalls,
        next_instruction: e.next,
        facts: JSON.stringify(e.facts),
      })),
    ),
  /**
   * The facts a task's step is decided from: open tasks of the plan, whether this result
   * (`fingerprint`) repeats one the task gave before, the last stall count and step.
   */
  taskFacts: (
    tenantId: string,
    goalId: string,
    planVersion: number,
    taskId: string,
    fingerprint: string,
  ) =>
    db.selectNoFrom((eb) => [
      eb
        .selectFrom('tasks')
        .select(eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('goal_id', '=', goalId)
        .where('plan_version', '=', planVersion)
        .where('status', '<>', 'completed')
        .$asScalar()
        .as('open'),
      eb
        .exists(
          planTaskRows(tenantId, goalId, planVersion)
            .select(sql.lit(1).as('one'))
            .where('l.task_id', '=', taskId)
            .where('l.fingerprint', '=', fingerprint),
        )
        .as('looping'),
      lastStalls(tenantId, goalId, planVersion).$asScalar().as('last_stalls'),
      lastStep(tenantId, goalId).$asScalar().as('last_step'),
    ]),
  /**
   * The ledger step of several successful tasks of one plan, as CTEs of the statement that
   * stores their results: the rows `recordTask` writes, one task after the other in `ord`
   * order. `input` has one row per task; `change` returns the tasks that were still running
   * (only those are recorded). A task loops when it repeats a result it gave before; stalls
   * count consecutive loops.
   */
  tasksDone: (tenantId: string, goalId: string, planVersion: number) =>
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
                    .crossJoinLateral((lb) =>
                      recordsetOf('t', lb.ref('r.turns'), DONE_TURN_COLUMNS),
                    )
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
    ),
  list: (tenantId: string, goalId: string, afterId: number, limit: number) =>
    db
      .selectFrom('progress_ledger')
      .select(LIST_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('id', '>', String(afterId))
      .orderBy('id')
      .limit(limit),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class ProgressLedgerRepository {
  async appendTurns(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    entries: readonly LedgerEntry[],
  ): Promise<void> {
    if (entries.length) await rowsOf(executor, statements.appendTurns(tenantId, goalId, entries));
  }

  async appendOne(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    entry: LedgerEntry,
  ): Promise<void> {
    await rowsOf(executor, statements.appendOne(tenantId, goalId, entry));
  }

  async insertAt(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    rows: ReadonlyArray<{ step: number; entry: LedgerEntry }>,
  ): Promise<void> {
    if (rows.length) await rowsOf(executor, statements.insertAt(tenantId, goalId, rows));
  }

  async taskFacts(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    planVersion: number,
    taskId: string,
    fingerprint: string,
  ): Promise<TaskFacts> {
    return (await firstOf(
      executor,
      statements.taskFacts(tenantId, goalId, planVersion, taskId, fingerprint),
    )) as TaskFacts;
  }

  /** The ledger step of several successful tasks, as CTEs of the statement storing their results. */
  tasksDone(tenantId: string, goalId: string, planVersion: number) {
    return statements.tasksDone(tenantId, goalId, planVersion);
  }

  list(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    afterId: number,
    limit: number,
  ): Promise<LedgerRow[]> {
    return rowsOf(executor, statements.list(tenantId, goalId, afterId, limit)) as Promise<
      LedgerRow[]
    >;
  }
}

export const progressLedgerStatements: StatementCatalog = {
  file: 'src/agents/queries/progress-ledger.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const goal = '00000000-0000-0000-0000-000000000002';
    const task = '00000000-0000-0000-0000-000000000003';
    const entry: LedgerEntry = {
      task_id: task,
      plan_version: 1,
      kind: 'turn',
      agent_id: 'generalist',
      fingerprint: 'f',
      satisfied: false,
      looping: false,
      progressing: true,
      stalls: 0,
      next: 'continue',
      facts: [],
    };
    return [
      { name: 'appendTurns', statement: statements.appendTurns(tenant, goal, [entry]) },
      { name: 'appendOne', statement: statements.appendOne(tenant, goal, entry) },
      {
        name: 'insertAt',
        statement: statements.insertAt(tenant, goal, [{ step: 3, entry }]),
      },
      { name: 'taskFacts', statement: statements.taskFacts(tenant, goal, 1, task, 'f') },
      {
        name: 'tasksDone',
        statement: statements
          .tasksDone(
            tenant,
            goal,
            1,
          )(
            db
              .with('input', (qc) =>
                qc
                  .selectFrom(
                    recordset('i', [], {
                      ord: 'int',
                      id: 'uuid',
                      ...LEDGER_COLUMNS,
                    }),
                  )
                  .selectAll(),
              )
              .with('change', (qc) => qc.selectFrom('tasks').select('id as task_id')),
          )
          .selectFrom('ledger')
          .selectAll(),
      },
      { name: 'list', statement: statements.list(tenant, goal, 0, 500) },
    ];
  },
};
