import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import { recordset } from '../database/recordset';
import type { ProgressLedger } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';
import { LEDGER_COLUMNS, tasksDone } from './progress-ledger-done.statements';
import { INSERT_COLUMNS, lastStalls, lastStep, planTaskRows } from './progress-ledger.parts';

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

/** What a listing returns of a row: every column but the tenant's. */
const LIST_COLUMNS = [
  'id',
  ...INSERT_COLUMNS.filter((column) => column !== 'tenant_id'),
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
  tasksDone,
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
