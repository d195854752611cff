import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { TaskRepository } from '../goal-records/task.repository';
import { ApprovalRepository } from './approval.repository';
import { ApprovalPending, SafetyViolation } from './safety-errors';

export type TaskInterruption =
  | { ok: false; error: string; hold: ApprovalPending }
  | { ok: false; error: string; fatal: SafetyViolation };

/**
 * What the goal runner calls when the safety gate interrupts a task: an approval hold puts
 * the task back to pending (the wait costs no attempt) and later the goal into
 * AWAITING_APPROVAL with one approval request per held action; a fatal violation fails the
 * task at once (no retries: the budget will not come back).
 */
@Injectable()
export class ApprovalHolds {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly events: GoalEventLog,
    private readonly approvals: ApprovalRepository,
    private readonly tasks: TaskRepository,
  ) {}

  /** Classifies an error from a task run; undefined when it is an ordinary failure. */
  async interrupt(
    task: { id: string; tenant_id: string },
    attempt: number,
    error: unknown,
  ): Promise<TaskInterruption | undefined> {
    if (error instanceof ApprovalPending) {
      await this.tasks.holdForApproval(this.dataSource, task.tenant_id, task.id, attempt - 1);
      return { ok: false, error: error.message, hold: error };
    }
    if (error instanceof SafetyViolation && error.fatal) {
      await this.tasks.failFatally(this.dataSource, task.tenant_id, task.id, error.message);
      return { ok: false, error: error.message, fatal: error };
    }
    return undefined;
  }

  /**
   * Records the approval requests and, in the same transaction, moves the goal to
   * AWAITING_APPROVAL (through `transition`).
   */
  async suspend(
    goal: { id: string; tenant_id: string; plan_version: number; state: string },
    holds: ApprovalPending[],
    transition: (uow: UnitOfWork, reason: string) => Promise<void>,
  ): Promise<void> {
    await inTransaction(this.dataSource, async (uow) => {
      for (const hold of holds) {
        const id = uuidv7();
        const expires = new Date(Date.now() + this.config.APPROVAL_TTL_MS).toISOString();
        const inserted = await this.approvals.insertPending(uow.manager, {
          id,
          tenant_id: goal.tenant_id,
          goal_id: goal.id,
          task_id: hold.taskId,
          task_key: hold.taskKey,
          plan_version: goal.plan_version,
          action_fingerprint: hold.fingerprint,
          tool: hold.tool,
          args: JSON.stringify(hold.args ?? null),
          categories: hold.categories,
          reason: hold.reason,
          resume_state: goal.state,
          expires_at: expires,
        });
        if (!inserted) continue;
        await this.events.append(
          uow,
          goal.tenant_id,
          goal.id,
          'approval.required',
          {
            task_id: hold.taskId,
            action: hold.tool,
            reason: hold.reason,
            approval_id: id,
            task_key: hold.taskKey,
            args: hold.args,
            categories: hold.categories,
            expires_at: expires,
          },
          hold.taskId,
        );
      }
      await transition(uow, holds.map((h) => h.reason).join('; '));
    });
  }
}
