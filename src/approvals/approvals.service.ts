import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Conflict, DomainError, NotFound } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { Principal } from '../common/request-context';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import type { GoalState } from '../goal-records/goal-fsm';
import { GoalStore } from '../governor/goal-store.service';
import type { GoalRow } from '../goal-records/goal.types';
import { GoalsService } from '../governor/goals.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { TaskRepository } from '../goal-records/task.repository';
import { logFor } from '../observability/logger';
import {
  ApprovalRepository,
  type ApprovalDecision,
  type ApprovalRow,
} from '../safety/approval.repository';
import type { ApprovalDecisionDto, ApprovalDto } from './dto/approval.dto';

type Decision = ApprovalDecision;

class ApprovalNotFound extends DomainError {
  constructor(taskId: string) {
    super(
      404,
      'approval-not-found',
      'Approval not found',
      `No approval was requested for task ${taskId} of this goal.`,
    );
  }
}

const SYSTEM: Principal = { kind: 'system', id: 'system' };

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function view(row: ApprovalRow): ApprovalDto {
  return {
    id: row.id,
    goal_id: row.goal_id,
    task_id: row.task_id,
    task_key: row.task_key,
    tool: row.tool,
    args: row.args,
    categories: row.categories,
    reason: row.reason,
    status: row.status,
    requested_at: iso(row.requested_at)!,
    expires_at: iso(row.expires_at)!,
    decided_at: iso(row.decided_at),
    decided_by: row.decided_by,
    decided_by_kind: row.decided_by_kind,
    comment: row.comment,
  };
}

/**
 * Human decisions on held actions. Approval resumes the goal where it paused once nothing
 * else of it is pending; rejection (or expiry) sends the goal to replanning with the
 * reason as feedback, or fails it when the replans are used up. Who decided is recorded.
 */
@Injectable()
export class ApprovalsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = logFor('Approvals');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly store: GoalStore,
    private readonly events: GoalEventLog,
    private readonly goals: GoalsService,
    private readonly approvals: ApprovalRepository,
    private readonly goalRows: GoalRepository,
    private readonly tasks: TaskRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESS_JOBS) return;
    const every = Math.min(this.config.SWEEPER_INTERVAL_MS, this.config.APPROVAL_TTL_MS);
    this.timer = setInterval(() => void this.expireDue(), every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async list(tenantId: string, goalId: string): Promise<{ items: ApprovalDto[] }> {
    await this.store.get(tenantId, goalId);
    const rows = await this.approvals.ofGoal(this.dataSource, tenantId, goalId);
    return { items: rows.map(view) };
  }

  async decide(tenantId: string, goalId: string, input: ApprovalDecisionDto, principal: Principal) {
    const decision: Decision = input.decision === 'approve' ? 'approved' : 'rejected';
    let resumed: { generation: number } | undefined;
    const result = await inTransaction(this.dataSource, async (uow) => {
      const goal = await this.store.get(tenantId, goalId, uow.manager);
      const rows = await this.approvals.ofTask(uow.manager, tenantId, goalId, input.task_id);
      if (!rows.length) throw new ApprovalNotFound(input.task_id);
      const pending = rows.filter((r) => r.status === 'pending');
      if (!pending.length)
        throw new Conflict(
          'approval-already-decided',
          'Approval already decided',
          `The action of task ${input.task_id} was already ${rows[0].status}.`,
          { approval_status: rows[0].status },
        );
      if (pending.some((r) => new Date(r.expires_at).getTime() < Date.now()))
        throw new Conflict(
          'approval-expired',
          'Approval expired',
          `The approval for task ${input.task_id} expired at ${iso(pending[0].expires_at)}.`,
        );
      if (goal.state !== 'AWAITING_APPROVAL')
        throw new Conflict(
          'goal-not-awaiting-approval',
          'Goal is not awaiting approval',
          `Goal ${goalId} is ${goal.state}.`,
          { state: goal.state },
        );
      resumed = await this.apply(uow, goal, pending, decision, principal, input.comment ?? null);
      const row = (await this.approvals.byId(uow.manager, tenantId, pending[0].id))!;
      const after = await this.store.get(tenantId, goalId, uow.manager);
      return { approval: view(row), goal_state: after.state, goal_status: after.status };
    });
    if (resumed) await this.goals.enqueue(tenantId, goalId, resumed.generation);
    return result;
  }

  /** The same decision, the approval named by its own id (as `goal_status` of the MCP server shows it). */
  async decideById(
    tenantId: string,
    approvalId: string,
    input: Omit<ApprovalDecisionDto, 'task_id'>,
    principal: Principal,
  ) {
    const row = await this.approvals.byId(this.dataSource, tenantId, approvalId);
    if (!row) throw new NotFound('approval', approvalId);
    return this.decide(tenantId, row.goal_id, { ...input, task_id: row.task_id }, principal);
  }

  /** Expires approvals nobody decided in time; their goals replan or fail. */
  async expireDue(): Promise<number> {
    let count = 0;
    let due: Array<{ tenant_id: string; goal_id: string }>;
    try {
      due = await this.approvals.goalsWithOverdue(this.dataSource, 200);
    } catch (error) {
      this.log.warn(`approval expiry failed: ${(error as Error).message}`);
      return 0;
    }
    // one goal that cannot move (a concurrent change) must not hold up the others' expiry
    for (const { tenant_id: tenantId, goal_id: goalId } of due) {
      try {
        count += await this.expireOverdueOf(tenantId, goalId);
      } catch (error) {
        this.log.warn(`approval expiry of goal ${goalId} failed: ${(error as Error).message}`);
      }
    }
    return count;
  }

  /** Expires one goal's overdue requests; answers how many moved the goal on. */
  private async expireOverdueOf(tenantId: string, goalId: string): Promise<number> {
    let count = 0;
    const resumed = await inTransaction(this.dataSource, async (uow) => {
      const goal = await this.store.get(tenantId, goalId, uow.manager);
      const rows = await this.approvals.overdueOfGoal(uow.manager, tenantId, goalId);
      if (goal.status === 'paused') return undefined;
      if (!rows.length || goal.state !== 'AWAITING_APPROVAL') {
        await this.approvals.decide(
          uow.manager,
          tenantId,
          rows.map((r) => r.id),
          'expired',
          SYSTEM,
          null,
        );
        return undefined;
      }
      count = rows.length;
      return this.apply(
        uow,
        goal,
        rows,
        'expired',
        SYSTEM,
        `not decided within ${Math.round(this.config.APPROVAL_TTL_MS / 1000)} s`,
      );
    });
    if (resumed) await this.goals.enqueue(tenantId, goalId, resumed.generation);
    return count;
  }

  /** Records the decision and moves the goal on; returns a job generation when it should run again. */
  private async apply(
    uow: UnitOfWork,
    goal: GoalRow,
    approvals: ApprovalRow[],
    decision: Decision,
    principal: Principal,
    comment: string | null,
  ): Promise<{ generation: number } | undefined> {
    await this.approvals.decide(
      uow.manager,
      goal.tenant_id,
      approvals.map((a) => a.id),
      decision,
      principal,
      comment,
    );
    for (const a of approvals) {
      await this.events.append(
        uow,
        goal.tenant_id,
        goal.id,
        'approval.decided',
        {
          approval_id: a.id,
          task_id: a.task_id,
          action: a.tool,
          decision,
          decided_by: principal.id,
          comment,
        },
        a.task_id,
      );
    }
    if (decision === 'approved') {
      if ((await this.approvals.pendingCount(uow.manager, goal.tenant_id, goal.id)) > 0)
        return undefined;
      await this.goalRows.addApprovalWait(uow.manager, goal.tenant_id, goal.id);
      await this.store.transition(
        uow,
        goal,
        'AWAITING_APPROVAL',
        approvals[0].resume_state as GoalState,
        {},
        `approved by ${principal.id}`,
      );
      return { generation: await this.generation(uow, goal) };
    }
    // rejected or expired: the other pending requests of this plan are moot
    await this.approvals.supersedePending(uow.manager, goal.tenant_id, goal.id);
    await this.goalRows.addApprovalWait(uow.manager, goal.tenant_id, goal.id);
    const what = approvals.map((a) => `${a.tool} (task ${a.task_key})`).join(', ');
    const reason =
      decision === 'expired'
        ? `the approval for ${what} expired (${comment})`
        : `a human (${principal.id}) rejected ${what}${comment ? `: ${comment}` : ''}`;
    if (goal.replan_count >= this.config.MAX_REPLANS) {
      const reasons = [
        ...(goal.failure_reasons ?? []),
        reason,
        `gave up after ${goal.replan_count} replans`,
      ];
      await this.tasks.cancelOpen(uow.manager, goal.tenant_id, goal.id);
      await this.store.transition(
        uow,
        goal,
        'AWAITING_APPROVAL',
        'FAILED',
        { failure_reasons: reasons },
        reason,
      );
      await this.events.append(uow, goal.tenant_id, goal.id, 'goal.failed', { reasons });
      return undefined;
    }
    await this.tasks.supersedeUnfinished(uow.manager, goal.tenant_id, goal.id, goal.plan_version);
    await this.events.append(uow, goal.tenant_id, goal.id, 'goal.replanning', {
      replan: goal.replan_count + 1,
      reason,
    });
    await this.store.transition(
      uow,
      goal,
      'AWAITING_APPROVAL',
      'REPLANNING',
      {
        replan_count: goal.replan_count + 1,
        feedback: `${reason}. Plan the goal without that action.`,
        failure_reasons: [...(goal.failure_reasons ?? []), reason],
      },
      reason,
    );
    return { generation: await this.generation(uow, goal) };
  }

  private async generation(uow: UnitOfWork, goal: GoalRow): Promise<number> {
    // the goal's latest event sequence: unique per resume, so the job id never repeats
    return this.events.lastSeq(uow.manager, goal.tenant_id, goal.id);
  }
}
