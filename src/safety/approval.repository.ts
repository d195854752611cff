import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Selectable } from 'kysely';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { Approvals } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type ApprovalRow = Selectable<Approvals>;
export type NewApproval = Omit<Insertable<Approvals>, 'status' | 'requested_at'>;
export type ApprovalDecision = 'approved' | 'rejected' | 'expired';

/** Who decided, as recorded on the approval. */
export interface Decider {
  id: string;
  kind: string;
}

/** Every statement on `approvals`; each takes the tenant's id. */
const statements = {
  /** A pending request; nothing when the same action of the goal is already pending. */
  insertPending: (row: NewApproval) =>
    db
      .insertInto('approvals')
      .values({ ...row, status: 'pending' })
      .onConflict((oc) =>
        oc
          .columns(['goal_id', 'action_fingerprint'])
          // a literal: the partial unique index is only inferred from a constant predicate
          .where('status', '=', sql.lit('pending'))
          .doNothing(),
      )
      .returning('id'),
  ofGoal: (tenantId: string, goalId: string) =>
    db
      .selectFrom('approvals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .orderBy('requested_at')
      .orderBy('id'),
  ofTask: (tenantId: string, goalId: string, taskId: string) =>
    db
      .selectFrom('approvals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('task_id', '=', taskId)
      .orderBy('requested_at', 'desc'),
  byId: (tenantId: string, id: string) =>
    db.selectFrom('approvals').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId),
  /** The latest request for the same action of the goal that is still in force. */
  lastDecision: (tenantId: string, goalId: string, fingerprint: string) =>
    db
      .selectFrom('approvals')
      .select(['status', 'decided_by', 'comment'])
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('action_fingerprint', '=', fingerprint)
      .where('status', '<>', 'superseded')
      .orderBy('requested_at', 'desc')
      .limit(1),
  /**
   * Goals with pending requests past their expiry, across tenants (the expiry sweep). A
   * paused goal (its tenant suspended) is left out: it cannot move until activation, and
   * its requests would otherwise take the sweep's places every time.
   */
  goalsWithOverdue: (limit: number) =>
    db
      .selectFrom('approvals')
      .select(['tenant_id', 'goal_id'])
      .distinct()
      .where('status', '=', 'pending')
      .where('expires_at', '<', db.fn<Date>('now'))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('goals')
              .select(sql.lit(1).as('one'))
              .whereRef('goals.id', '=', 'approvals.goal_id')
              .whereRef('goals.tenant_id', '=', 'approvals.tenant_id')
              .where('goals.status', '=', sql.lit('paused')),
          ),
        ),
      )
      .limit(limit),
  overdueOfGoal: (tenantId: string, goalId: string) =>
    db
      .selectFrom('approvals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('status', '=', 'pending')
      .where('expires_at', '<', db.fn<Date>('now')),
  pendingCount: (tenantId: string, goalId: string) =>
    db
      .selectFrom('approvals')
      .select((eb) => eb.fn.countAll<string>().as('pending'))
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('status', '=', 'pending'),
  decide: (
    tenantId: string,
    ids: string[],
    decision: ApprovalDecision,
    decider: Decider,
    comment: string | null,
  ) =>
    db
      .updateTable('approvals')
      .set({
        status: decision,
        decided_at: db.fn('now'),
        decided_by: decider.id,
        decided_by_kind: decider.kind,
        comment,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', (eb) => eb.fn.any(eb.val(ids))),
  /** The goal's other pending requests once one was refused: they are moot. */
  supersedePending: (tenantId: string, goalId: string) =>
    db
      .updateTable('approvals')
      .set({ status: 'superseded', decided_at: db.fn('now') })
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('status', '=', 'pending'),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class ApprovalRepository {
  /** The id of the new request, or undefined when the same action is already pending. */
  async insertPending(executor: SqlExecutor, row: NewApproval): Promise<string | undefined> {
    return (await firstOf(executor, statements.insertPending(row)))?.id;
  }

  ofGoal(executor: SqlExecutor, tenantId: string, goalId: string): Promise<ApprovalRow[]> {
    return rowsOf(executor, statements.ofGoal(tenantId, goalId));
  }

  /** A task's requests, newest first. */
  ofTask(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    taskId: string,
  ): Promise<ApprovalRow[]> {
    return rowsOf(executor, statements.ofTask(tenantId, goalId, taskId));
  }

  byId(executor: SqlExecutor, tenantId: string, id: string): Promise<ApprovalRow | undefined> {
    return firstOf(executor, statements.byId(tenantId, id));
  }

  lastDecision(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    fingerprint: string,
  ): Promise<{ status: string; decided_by: string | null; comment: string | null } | undefined> {
    return firstOf(executor, statements.lastDecision(tenantId, goalId, fingerprint));
  }

  goalsWithOverdue(
    executor: SqlExecutor,
    limit: number,
  ): Promise<Array<{ tenant_id: string; goal_id: string }>> {
    return rowsOf(executor, statements.goalsWithOverdue(limit));
  }

  overdueOfGoal(executor: SqlExecutor, tenantId: string, goalId: string): Promise<ApprovalRow[]> {
    return rowsOf(executor, statements.overdueOfGoal(tenantId, goalId));
  }

  async pendingCount(executor: SqlExecutor, tenantId: string, goalId: string): Promise<number> {
    return Number((await firstOf(executor, statements.pendingCount(tenantId, goalId)))?.pending);
  }

  async decide(
    executor: SqlExecutor,
    tenantId: string,
    ids: string[],
    decision: ApprovalDecision,
    decider: Decider,
    comment: string | null,
  ): Promise<void> {
    if (ids.length)
      await rowsOf(executor, statements.decide(tenantId, ids, decision, decider, comment));
  }

  async supersedePending(executor: SqlExecutor, tenantId: string, goalId: string): Promise<void> {
    await rowsOf(executor, statements.supersedePending(tenantId, goalId));
  }
}

export const approvalStatements: StatementCatalog = {
  file: 'src/safety/queries/approval.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const goal = '00000000-0000-0000-0000-000000000002';
    const task = '00000000-0000-0000-0000-000000000003';
    const approval = '00000000-0000-0000-0000-000000000004';
    return [
      {
        name: 'insertPending',
        statement: statements.insertPending({
          id: approval,
          tenant_id: tenant,
          goal_id: goal,
          task_id: task,
          task_key: 't1',
          plan_version: 1,
          action_fingerprint: 'f',
          tool: 'delete_file',
          args: '{"path":"a"}',
          categories: ['delete'],
          reason: 'deletes a file',
          resume_state: 'EXECUTING',
          expires_at: '2026-01-01T00:00:00.000Z',
        }),
      },
      { name: 'ofGoal', statement: statements.ofGoal(tenant, goal) },
      { name: 'ofTask', statement: statements.ofTask(tenant, goal, task) },
      { name: 'byId', statement: statements.byId(tenant, approval) },
      { name: 'lastDecision', statement: statements.lastDecision(tenant, goal, 'f') },
      { name: 'goalsWithOverdue', statement: statements.goalsWithOverdue(200) },
      { name: 'overdueOfGoal', statement: statements.overdueOfGoal(tenant, goal) },
      { name: 'pendingCount', statement: statements.pendingCount(tenant, goal) },
      {
        name: 'decide',
        statement: statements.decide(
          tenant,
          [approval],
          'approved',
          { id: 'u', kind: 'user' },
          null,
        ),
      },
      { name: 'supersedePending', statement: statements.supersedePending(tenant, goal) },
    ];
  },
};
