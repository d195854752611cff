import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { GoalRunner } from './goal-runner';
import { GoalsService } from './goals.service';

/**
 * A suspended tenant's goals wait (status `paused`, state kept) and go on at activation.
 * Pausing ends each goal's lease, so the process driving it stops at its next lease renewal
 * (this one at once) and its next transition is refused; nothing it committed is lost.
 */
@Injectable()
export class GoalPauses {
  constructor(
    private readonly dataSource: DataSource,
    private readonly goals: GoalRepository,
    private readonly events: GoalEventLog,
    private readonly runner: GoalRunner,
    private readonly service: GoalsService,
  ) {}

  /**
   * Pauses every unfinished goal of the tenant; answers how many. Inside an open transaction
   * (the tenant's move) it joins it, and the runs stop once it has committed.
   */
  async pauseTenant(tenantId: string, reason: string): Promise<number> {
    return inTransaction(this.dataSource, async (uow) => {
      const ids = await this.goals.pauseAllOf(uow.manager, tenantId);
      for (const id of ids) await this.events.append(uow, tenantId, id, 'goal.paused', { reason });
      uow.afterCommit(() => {
        for (const id of ids) this.runner.abort(id);
      });
      return ids.length;
    });
  }

  /** Resumes the tenant's paused goals where they waited (queued once committed); answers how many. */
  async resumeTenant(tenantId: string): Promise<number> {
    return inTransaction(this.dataSource, async (uow) => {
      const rows = await this.goals.resumeAllOf(uow.manager, tenantId);
      for (const row of rows)
        await this.events.append(uow, tenantId, row.id, 'goal.resumed', { status: row.status });
      // enqueue answers no error: a goal it could not queue is the sweeper's
      uow.afterCommit(() => void this.enqueueAll(tenantId, rows));
      return rows.length;
    });
  }

  private async enqueueAll(
    tenantId: string,
    rows: ReadonlyArray<{ id: string; status: string }>,
  ): Promise<void> {
    for (const row of rows)
      if (row.status !== 'awaiting_approval')
        await this.service.enqueue(tenantId, row.id, Date.now());
  }
}
