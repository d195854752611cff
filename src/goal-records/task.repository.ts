import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { Columns } from '../database/recordset';
import type { StatementCatalog } from '../database/statement-catalog';
import type { PlannedTask, TaskRow, TaskStart } from './goal.types';
import { completedEvents, completionChange, completionInput } from './task-finish.statements';
import { startsChange } from './task-start.statements';

export type { PlannedTask, TaskStart } from './goal.types';

/** Every statement on `tasks` of the goal runner and the goals API; each takes the tenant's id. */
const statements = {
  /** A goal's tasks (of one plan version, or all), in plan order. */
  ofGoal: (tenantId: string, goalId: string, planVersion?: number) =>
    db
      .selectFrom('tasks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .$if(planVersion !== undefined, (q) => q.where('plan_version', '=', planVersion!))
      .orderBy('plan_version')
      .orderBy('created_at')
      .orderBy('key'),
  /** A plan's tasks, pending; a task the plan already has (a step run again) is kept. */
  insertPlan: (
    tenantId: string,
    goalId: string,
    planVersion: number,
    maxAttempts: number,
    tasks: readonly PlannedTask[],
  ) =>
    db
      .insertInto('tasks')
      .columns([
        'id',
        'tenant_id',
        'goal_id',
        'plan_version',
        'key',
        'title',
        'description',
        'depends_on',
        'capabilities',
        'acceptance_criteria',
        'status',
        'max_attempts',
      ])
      .expression(
        db
          .selectFrom(
            sql<PlannedTask>`jsonb_to_recordset(${JSON.stringify(tasks)}::jsonb)`.as<'t'>(
              sql`t(id uuid, key text, title text, description text, depends_on text[], capabilities text[], acceptance_criteria text)`,
            ),
          )
          .select((eb) => [
            't.id',
            eb.val(tenantId).as('tenant_id'),
            eb.val(goalId).as('goal_id'),
            eb.val(planVersion).as('plan_version'),
            't.key',
            't.title',
            't.description',
            't.depends_on',
            't.capabilities',
            't.acceptance_criteria',
            sql.lit('pending').as('status'),
            eb.val(maxAttempts).as('max_attempts'),
          ]),
      )
      .onConflict((oc) => oc.columns(['goal_id', 'plan_version', 'key']).doNothing())
      .returningAll(),
  /** A replan: the old plan's unfinished tasks will not run. */
  supersedeUnfinished: (tenantId: string, goalId: string, planVersion: number) =>
    db
      .updateTable('tasks')
      .set({ status: sql.lit('superseded'), updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('plan_version', '=', planVersion)
      .where('status', '<>', sql.lit('completed')),
  /** A goal that failed or was cancelled: its open tasks will not run. */
  cancelOpen: (tenantId: string, goalId: string) =>
    db
      .updateTable('tasks')
      .set({ status: sql.lit('cancelled'), updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('status', 'in', [sql.lit('pending'), sql.lit('running')]),
  /** A failed attempt of a running task: pending again (a retry follows) or failed. */
  attemptFailed: (
    tenantId: string,
    taskId: string,
    status: 'pending' | 'failed',
    error: string,
    entry: { attempt: number; error: string; at: string },
  ) =>
    db
      .updateTable('tasks')
      .set({
        status,
        error,
        errors: sql<string>`errors || ${JSON.stringify([entry])}::jsonb`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', taskId)
      .where('tenant_id', '=', tenantId)
      .where('status', '=', sql.lit('running'))
      .returning('id'),
  // --- the task side of attempts, holds, refusals and assignments ---
  /** A task held for approval goes back to pending, its held attempt not counted. */
  holdForApproval: (tenantId: string, taskId: string, attempts: number) =>
    db
      .updateTable('tasks')
      .set({ status: 'pending', attempts, updated_at: sql`now()` })
      .where('id', '=', taskId)
      .where('tenant_id', '=', tenantId),
  /** A task stopped by a fatal safety violation. */
  failFatally: (tenantId: string, taskId: string, error: string) =>
    db
      .updateTable('tasks')
      .set({ status: 'failed', error, updated_at: sql`now()` })
      .where('id', '=', taskId)
      .where('tenant_id', '=', tenantId),
  /** A refusal of the safety gate, appended to the task's record. */
  addSafetyViolations: (tenantId: string, taskId: string, entries: readonly object[]) =>
    db
      .updateTable('tasks')
      .set((eb) => ({
        safety_violations: sql`${eb.ref('safety_violations')} || ${JSON.stringify(entries)}::jsonb`,
      }))
      .where('id', '=', taskId)
      .where('tenant_id', '=', tenantId),
  /** The agents of several tasks. */
  assignAgents: (
    tenantId: string,
    assignments: ReadonlyArray<{ taskId: string; agentId: string; agentKind: string }>,
  ) =>
    db
      .updateTable('tasks as t')
      .from(
        sql<{
          task_id: string;
          agent_id: string;
          agent_kind: string;
        }>`unnest(${assignments.map((a) => a.taskId)}::uuid[], ${assignments.map((a) => a.agentId)}::text[], ${assignments.map((a) => a.agentKind)}::text[])`.as<'a'>(
          sql`a(task_id, agent_id, agent_kind)`,
        ),
      )
      .set((eb) => ({
        agent_id: eb.ref('a.agent_id'),
        agent_kind: eb.ref('a.agent_kind'),
        updated_at: sql`now()`,
      }))
      .whereRef('t.id', '=', 'a.task_id')
      .where('t.tenant_id', '=', tenantId),
};

/**
 * Task rows of the goal runner and the goals API. The writes that go with events (a task
 * starting, finishing or failing an attempt) are handed to the event log as parts of its
 * statement.
 */
@Injectable()
export class TaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  async ofGoal(
    tenantId: string,
    goalId: string,
    planVersion?: number,
    executor: SqlExecutor = this.dataSource,
  ): Promise<TaskRow[]> {
    return (await rowsOf(
      executor,
      statements.ofGoal(tenantId, goalId, planVersion),
    )) as unknown as TaskRow[];
  }

  /** The plan's new task rows (none for tasks the plan already had). */
  async insertPlan(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    planVersion: number,
    maxAttempts: number,
    tasks: readonly PlannedTask[],
  ): Promise<TaskRow[]> {
    return (await rowsOf(
      executor,
      statements.insertPlan(tenantId, goalId, planVersion, maxAttempts, tasks),
    )) as unknown as TaskRow[];
  }

  async supersedeUnfinished(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    planVersion: number,
  ): Promise<void> {
    await affectedBy(executor, statements.supersedeUnfinished(tenantId, goalId, planVersion));
  }

  async cancelOpen(executor: SqlExecutor, tenantId: string, goalId: string): Promise<void> {
    await affectedBy(executor, statements.cancelOpen(tenantId, goalId));
  }

  /** The change of a failed attempt, for the event log's `appendWithChange`. */
  attemptFailedChange(
    tenantId: string,
    taskId: string,
    status: 'pending' | 'failed',
    error: string,
    entry: { attempt: number; error: string; at: string },
  ) {
    return statements.attemptFailed(tenantId, taskId, status, error, entry);
  }

  /**
   * Tasks of one goal going running (attempt number, start time), as a CTE of the start
   * statement: per task `ord, task_id, agent_id, type, data` for its task.started event.
   */
  startsChange(tenantId: string, goalId: string, starts: readonly TaskStart[]) {
    return startsChange(tenantId, goalId, starts);
  }

  /**
   * The finished tasks as the `input` CTE of the statement storing their results: their
   * own columns (`ord, id, output, task_event, agent_event`) and the `columns` given.
   */
  completionInput<C extends Columns>(rows: readonly object[], columns: C) {
    return completionInput(rows, columns);
  }

  /** The `change` CTE: the tasks of `input` still running complete; each returns its token totals. */
  completionChange(tenantId: string, goalId: string) {
    return completionChange(tenantId, goalId);
  }

  /** The `events` CTE: task.completed and (with an agent) agent.completed per stored task. */
  completedEvents() {
    return completedEvents();
  }

  // --- the task side of attempts, holds, refusals and assignments ---
  async holdForApproval(
    executor: SqlExecutor,
    tenantId: string,
    taskId: string,
    attempts: number,
  ): Promise<void> {
    await affectedBy(executor, statements.holdForApproval(tenantId, taskId, attempts));
  }

  async failFatally(
    executor: SqlExecutor,
    tenantId: string,
    taskId: string,
    error: string,
  ): Promise<void> {
    await affectedBy(executor, statements.failFatally(tenantId, taskId, error));
  }

  async addSafetyViolations(
    executor: SqlExecutor,
    tenantId: string,
    taskId: string,
    entries: readonly object[],
  ): Promise<void> {
    await affectedBy(executor, statements.addSafetyViolations(tenantId, taskId, entries));
  }

  async assignAgents(
    executor: SqlExecutor,
    tenantId: string,
    assignments: ReadonlyArray<{ taskId: string; agentId: string; agentKind: string }>,
  ): Promise<void> {
    if (assignments.length)
      await affectedBy(executor, statements.assignAgents(tenantId, assignments));
  }
}

export const taskStatements: StatementCatalog = {
  file: 'src/goal-records/queries/task.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const goal = '00000000-0000-0000-0000-000000000002';
    const task = '00000000-0000-0000-0000-000000000003';
    const agent = '00000000-0000-0000-0000-000000000004';
    return [
      { name: 'ofGoal', statement: statements.ofGoal(tenant, goal) },
      { name: 'ofGoal (one plan)', statement: statements.ofGoal(tenant, goal, 2) },
      {
        name: 'insertPlan',
        statement: statements.insertPlan(tenant, goal, 1, 3, [
          {
            id: task,
            key: 't1',
            title: 'Research',
            description: 'Research the topic',
            depends_on: [],
            capabilities: ['research'],
            acceptance_criteria: null,
          },
        ]),
      },
      { name: 'supersedeUnfinished', statement: statements.supersedeUnfinished(tenant, goal, 1) },
      { name: 'cancelOpen', statement: statements.cancelOpen(tenant, goal) },
      {
        name: 'attemptFailed',
        statement: statements.attemptFailed(tenant, task, 'pending', 'timeout', {
          attempt: 1,
          error: 'timeout',
          at: '2026-01-01T00:00:00.000Z',
        }),
      },
      {
        name: 'starts',
        statement: db
          .with(
            'change',
            startsChange(tenant, goal, [{ ord: 0, id: task, attempt: 1, agent_id: agent }]),
          )
          .selectFrom('change')
          .selectAll(),
      },
      {
        name: 'completions',
        statement: db
          .with(
            'input',
            completionInput(
              [{ ord: 0, id: task, output: { text: 'done' }, task_event: {}, agent_event: null }],
              {},
            ),
          )
          .with('change', completionChange(tenant, goal))
          .with('events', completedEvents())
          .selectFrom('events')
          .selectAll(),
      },
      // --- the task side of attempts, holds, refusals and assignments ---
      { name: 'holdForApproval', statement: statements.holdForApproval(tenant, task, 1) },
      { name: 'failFatally', statement: statements.failFatally(tenant, task, 'refused') },
      {
        name: 'addSafetyViolations',
        statement: statements.addSafetyViolations(tenant, task, [{ check: 'blocked_action' }]),
      },
      {
        name: 'assignAgents',
        statement: statements.assignAgents(tenant, [
          { taskId: task, agentId: agent, agentKind: 'tool_agent' },
        ]),
      },
    ];
  },
};
