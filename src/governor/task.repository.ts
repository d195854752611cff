import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { affectedBy, db, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** Every statement on `tasks`; each takes the tenant's id. */
const statements = {
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
  /** The goal's unfinished tasks, when it fails. */
  cancelOpen: (tenantId: string, goalId: string) =>
    db
      .updateTable('tasks')
      .set({ status: 'cancelled', updated_at: sql`now()` })
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('status', 'in', ['pending', 'running']),
  /** The plan's tasks not completed, when the goal replans. */
  supersedePlan: (tenantId: string, goalId: string, planVersion: number) =>
    db
      .updateTable('tasks')
      .set({ status: 'superseded', updated_at: sql`now()` })
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('plan_version', '=', planVersion)
      .where('status', '<>', 'completed'),
  /** A refusal of the safety gate, appended to the task's record. */
  addSafetyViolations: (tenantId: string, taskId: string, entries: readonly object[]) =>
    db
      .updateTable('tasks')
      .set((eb) => ({
        safety_violations: sql`${eb.ref('safety_violations')} || ${JSON.stringify(entries)}::jsonb`,
      }))
      .where('id', '=', taskId)
      .where('tenant_id', '=', tenantId),
  /** The keys and dependencies of a plan's tasks (its shape). */
  planShape: (tenantId: string, goalId: string, planVersion: number) =>
    db
      .selectFrom('tasks')
      .select(['key', 'depends_on'])
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('plan_version', '=', planVersion),
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

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class TaskRepository {
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

  async cancelOpen(executor: SqlExecutor, tenantId: string, goalId: string): Promise<void> {
    await affectedBy(executor, statements.cancelOpen(tenantId, goalId));
  }

  async supersedePlan(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    planVersion: number,
  ): Promise<void> {
    await affectedBy(executor, statements.supersedePlan(tenantId, goalId, planVersion));
  }

  async addSafetyViolations(
    executor: SqlExecutor,
    tenantId: string,
    taskId: string,
    entries: readonly object[],
  ): Promise<void> {
    await affectedBy(executor, statements.addSafetyViolations(tenantId, taskId, entries));
  }

  planShape(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    planVersion: number,
  ): Promise<Array<{ key: string; depends_on: string[] }>> {
    return rowsOf(executor, statements.planShape(tenantId, goalId, planVersion));
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
  file: 'src/governor/queries/task.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const goal = '00000000-0000-0000-0000-000000000002';
    const task = '00000000-0000-0000-0000-000000000003';
    const agent = '00000000-0000-0000-0000-000000000004';
    return [
      // --- the task side of attempts, holds, refusals and assignments ---
      { name: 'holdForApproval', statement: statements.holdForApproval(tenant, task, 1) },
      { name: 'failFatally', statement: statements.failFatally(tenant, task, 'refused') },
      { name: 'cancelOpen', statement: statements.cancelOpen(tenant, goal) },
      { name: 'supersedePlan', statement: statements.supersedePlan(tenant, goal, 1) },
      {
        name: 'addSafetyViolations',
        statement: statements.addSafetyViolations(tenant, task, [{ check: 'blocked_action' }]),
      },
      { name: 'planShape', statement: statements.planShape(tenant, goal, 1) },
      {
        name: 'assignAgents',
        statement: statements.assignAgents(tenant, [
          { taskId: task, agentId: agent, agentKind: 'tool_agent' },
        ]),
      },
    ];
  },
};
