import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** What the safety gate reads of a goal's use of its budget. */
export interface GoalUsageRow {
  prompt_tokens: string;
  completion_tokens: string;
  cost_usd: string;
  agents_spawned: number;
  tool_calls: number;
  started_at: Date | null;
  created_at: Date;
  approval_wait_ms: string;
}

/** Every statement on `goals`; each takes the tenant's id. */
const statements = {
  // --- safety counters, approval waits and the ledger's goal check ---
  exists: (tenantId: string, goalId: string) =>
    db
      .selectFrom('goals')
      .select(sql.lit(1).as('one'))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId),
  /** Counts tool calls or spawned agents against the goal's limits; answers its usage. */
  countUsage: (
    tenantId: string,
    goalId: string,
    counter: 'tool_calls' | 'agents_spawned',
    by: number,
  ) =>
    db
      .updateTable('goals')
      .set((eb) => ({ [counter]: eb(counter, '+', sql<number>`${by}::int`) }))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId)
      .returning([
        'prompt_tokens',
        'completion_tokens',
        'cost_usd',
        'agents_spawned',
        'tool_calls',
        'started_at',
        'created_at',
        'approval_wait_ms',
      ]),
  /** The time since the goal's last change (the wait for a decision) added to its approval wait. */
  addApprovalWait: (tenantId: string, goalId: string) =>
    db
      .updateTable('goals')
      .set((eb) => ({
        approval_wait_ms: sql<string>`${eb.ref('approval_wait_ms')} + (extract(epoch from now() - ${eb.ref('updated_at')}) * 1000)::bigint`,
      }))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId),
  /** A refusal of the safety gate, appended to the goal's record. */
  addSafetyViolations: (tenantId: string, goalId: string, entries: readonly object[]) =>
    db
      .updateTable('goals')
      .set((eb) => ({
        safety_violations: sql`${eb.ref('safety_violations')} || ${JSON.stringify(entries)}::jsonb`,
      }))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class GoalRepository {
  // --- safety counters, approval waits and the ledger's goal check ---
  async exists(executor: SqlExecutor, tenantId: string, goalId: string): Promise<boolean> {
    return (await firstOf(executor, statements.exists(tenantId, goalId))) !== undefined;
  }

  /** The goal's usage after counting; undefined when the tenant has no such goal. */
  async countUsage(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    counter: 'tool_calls' | 'agents_spawned',
    by: number,
  ): Promise<GoalUsageRow | undefined> {
    const rows = await rowsOf(executor, statements.countUsage(tenantId, goalId, counter, by));
    return rows[0] as GoalUsageRow | undefined;
  }

  async addApprovalWait(executor: SqlExecutor, tenantId: string, goalId: string): Promise<void> {
    await affectedBy(executor, statements.addApprovalWait(tenantId, goalId));
  }

  async addSafetyViolations(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    entries: readonly object[],
  ): Promise<void> {
    await affectedBy(executor, statements.addSafetyViolations(tenantId, goalId, entries));
  }
}

export const goalStatements: StatementCatalog = {
  file: 'src/governor/queries/goal.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const goal = '00000000-0000-0000-0000-000000000002';
    return [
      // --- safety counters, approval waits and the ledger's goal check ---
      { name: 'exists', statement: statements.exists(tenant, goal) },
      { name: 'countUsage', statement: statements.countUsage(tenant, goal, 'tool_calls', 1) },
      { name: 'addApprovalWait', statement: statements.addApprovalWait(tenant, goal) },
      {
        name: 'addSafetyViolations',
        statement: statements.addSafetyViolations(tenant, goal, [{ check: 'blocked_action' }]),
      },
    ];
  },
};
