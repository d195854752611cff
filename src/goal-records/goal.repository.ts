import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { affectedBy, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import type { GoalRow } from './goal.types';
import { statements } from './goal.statements';

/** Columns a transition may set alongside the state. */
export interface GoalPatch {
  intent?: unknown;
  complexity?: string;
  risk?: string;
  pattern?: string;
  result?: unknown;
  failure_reasons?: string[];
  feedback?: string | null;
  plan_version?: number;
  replan_count?: number;
}

/** A goal that is due to run but has no live lease (the sweeper queues it again). */
export interface OrphanGoal {
  id: string;
  tenant_id: string;
  event_seq: number;
}

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

export const JSON_COLUMNS = new Set(['intent', 'result', 'failure_reasons', 'feedback']);

/** The goal an idempotency key created, with what its submission asked for. */
export type GoalSubmittedWithKey = Pick<
  GoalRow,
  'id' | 'status' | 'goal' | 'title' | 'requested_pattern' | 'priority' | 'metadata'
>;

/**
 * Goal rows: reads, leases and the sweeper's queries. A goal's state changes and its
 * creation are written together with their events by the event log (GoalEventRepository).
 */
@Injectable()
export class GoalRepository {
  constructor(private readonly dataSource: DataSource) {}

  async byId(
    tenantId: string,
    goalId: string,
    executor: SqlExecutor = this.dataSource,
  ): Promise<GoalRow | undefined> {
    return (await firstOf(executor, statements.byId(tenantId, goalId))) as GoalRow | undefined;
  }

  byIdempotencyKey(tenantId: string, key: string): Promise<GoalSubmittedWithKey | undefined> {
    return firstOf(this.dataSource, statements.byIdempotencyKey(tenantId, key)) as Promise<
      GoalSubmittedWithKey | undefined
    >;
  }

  async count(tenantId: string, status: string | undefined, search?: string): Promise<number> {
    return Number(
      (await firstOf(this.dataSource, statements.count(tenantId, status, search)))?.total,
    );
  }

  async page(
    tenantId: string,
    status: string | undefined,
    limit: number,
    offset: number,
    search?: string,
  ): Promise<GoalRow[]> {
    return (await rowsOf(
      this.dataSource,
      statements.page(tenantId, status, limit, offset, search),
    )) as GoalRow[];
  }

  async acquireLease(
    tenantId: string,
    goalId: string,
    owner: string,
    ttlMs: number,
    executor: SqlExecutor = this.dataSource,
  ): Promise<GoalRow | undefined> {
    return (await firstOf(executor, statements.acquireLease(tenantId, goalId, owner, ttlMs))) as
      GoalRow | undefined;
  }

  /** False when the lease was lost or the goal left the running states. */
  async renewLease(
    tenantId: string,
    goalId: string,
    owner: string,
    ttlMs: number,
  ): Promise<boolean> {
    return (
      (await affectedBy(this.dataSource, statements.renewLease(tenantId, goalId, owner, ttlMs))) ===
      1
    );
  }

  async releaseLease(tenantId: string, goalId: string, owner: string): Promise<void> {
    await affectedBy(this.dataSource, statements.releaseLease(tenantId, goalId, owner));
  }

  async releaseAllLeases(): Promise<void> {
    await affectedBy(this.dataSource, statements.releaseAllLeases());
  }

  orphans(quietMs: number, limit: number): Promise<OrphanGoal[]> {
    return rowsOf(this.dataSource, statements.orphans(quietMs, limit));
  }

  async countByStatus(tenantId: string): Promise<Record<string, number>> {
    const rows = await rowsOf(this.dataSource, statements.countByStatus(tenantId));
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.total)]));
  }

  async countDriven(
    tenantId: string,
    except: string | null = null,
    executor: SqlExecutor = this.dataSource,
  ): Promise<number> {
    return Number((await firstOf(executor, statements.countDriven(tenantId, except)))?.total ?? 0);
  }

  async lockWorkers(executor: SqlExecutor, tenantId: string): Promise<void> {
    await rowsOf(executor, statements.lockWorkers(tenantId));
  }

  nextWaiting(tenantId: string): Promise<{ id: string; event_seq: number } | undefined> {
    return firstOf(this.dataSource, statements.nextWaiting(tenantId));
  }

  /** The ids of the goals it paused. */
  async pauseAllOf(executor: SqlExecutor, tenantId: string): Promise<string[]> {
    return (await rowsOf(executor, statements.pauseAllOf(tenantId))).map((r) => r.id);
  }

  async resumeAllOf(
    executor: SqlExecutor,
    tenantId: string,
  ): Promise<Array<{ id: string; status: string }>> {
    return rowsOf(executor, statements.resumeAllOf(tenantId));
  }

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
  file: 'src/goal-records/queries/goal.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const goal = '00000000-0000-0000-0000-000000000002';
    const owner = 'host:1:abc';
    return [
      { name: 'byId', statement: statements.byId(tenant, goal) },
      { name: 'countByStatus', statement: statements.countByStatus(tenant) },
      { name: 'countDriven', statement: statements.countDriven(tenant, goal) },
      { name: 'lockWorkers', statement: statements.lockWorkers(tenant) },
      { name: 'nextWaiting', statement: statements.nextWaiting(tenant) },
      { name: 'pauseAllOf', statement: statements.pauseAllOf(tenant) },
      { name: 'resumeAllOf', statement: statements.resumeAllOf(tenant) },
      { name: 'byIdempotencyKey', statement: statements.byIdempotencyKey(tenant, 'key-1') },
      { name: 'count', statement: statements.count(tenant, undefined) },
      { name: 'count (one status)', statement: statements.count(tenant, 'running') },
      { name: 'page', statement: statements.page(tenant, undefined, 50, 0) },
      { name: 'page (one status)', statement: statements.page(tenant, 'running', 50, 100) },
      { name: 'page (text search)', statement: statements.page(tenant, undefined, 50, 0, 'q3') },
      { name: 'acquireLease', statement: statements.acquireLease(tenant, goal, owner, 30000) },
      { name: 'renewLease', statement: statements.renewLease(tenant, goal, owner, 30000) },
      { name: 'releaseLease', statement: statements.releaseLease(tenant, goal, owner) },
      { name: 'releaseAllLeases', statement: statements.releaseAllLeases() },
      { name: 'orphans', statement: statements.orphans(5000, 500) },
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
