import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../../libs/common/src';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
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
  ) {}

  /** Classifies an error from a task run; undefined when it is an ordinary failure. */
  async interrupt(
    task: { id: string; tenant_id: string },
    attempt: number,
    error: unknown,
  ): Promise<TaskInterruption | undefined> {
    if (error instanceof ApprovalPending) {
      await this.dataSource.query(
        `UPDATE tasks SET status = 'pending', attempts = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`,
        [task.id, task.tenant_id, attempt - 1],
      );
      return { ok: false, error: error.message, hold: error };
    }
    if (error instanceof SafetyViolation && error.fatal) {
      await this.dataSource.query(
        `UPDATE tasks SET status = 'failed', error = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`,
        [task.id, task.tenant_id, error.message],
      );
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
        const rows: Array<{ id: string }> = await uow.manager.query(
          `INSERT INTO approvals (id, tenant_id, goal_id, task_id, task_key, plan_version, action_fingerprint, tool, args,
             categories, reason, resume_state, status, expires_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'pending',$13)
           ON CONFLICT (goal_id, action_fingerprint) WHERE status = 'pending' DO NOTHING RETURNING id`,
          [
            id,
            goal.tenant_id,
            goal.id,
            hold.taskId,
            hold.taskKey,
            goal.plan_version,
            hold.fingerprint,
            hold.tool,
            JSON.stringify(hold.args ?? null),
            hold.categories,
            hold.reason,
            goal.state,
            expires,
          ],
        );
        if (!rows.length) continue;
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
