import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { inTransaction } from '../../database/transaction';
import { GoalEventLog, NewGoalEvent } from '../../events/goal-event-log.service';
import type { GoalRow } from '../../goal-records/goal.types';
import { TaskRepository } from '../../goal-records/task.repository';
import { FailStep } from './fail.step';
import { GoalTransitions } from './goal-transitions';

/**
 * A rejected result or a failed task: REPLANNING with the reason as feedback for the
 * planner (the old plan's unfinished tasks superseded), or FAILED once the goal has used
 * its replans. REPLANNING itself goes straight on to TASK_DECOMPOSITION.
 */
@Injectable()
export class ReplanStep {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly tasks: TaskRepository,
    private readonly events: GoalEventLog,
    private readonly transitions: GoalTransitions,
    private readonly failure: FailStep,
  ) {}

  /** REPLANNING: the next plan. */
  run(goal: GoalRow): Promise<void> {
    return this.transitions.move(goal, 'TASK_DECOMPOSITION');
  }

  /** `precededBy` commits with the replan (or the failure) it causes. */
  async replanOrFail(
    goal: GoalRow,
    reason: string,
    precededBy: NewGoalEvent[] = [],
  ): Promise<void> {
    if (goal.replan_count >= this.config.MAX_REPLANS) {
      return this.failure.run({
        tenantId: goal.tenant_id,
        goalId: goal.id,
        reasons: [
          ...(goal.failure_reasons ?? []),
          reason,
          `gave up after ${goal.replan_count} replans`,
        ],
        precededBy,
      });
    }
    await inTransaction(this.dataSource, async (uow) => {
      if (precededBy.length) await this.events.appendMany(uow, goal.tenant_id, goal.id, precededBy);
      await this.tasks.supersedeUnfinished(uow.manager, goal.tenant_id, goal.id, goal.plan_version);
      await this.events.append(uow, goal.tenant_id, goal.id, 'goal.replanning', {
        replan: goal.replan_count + 1,
        reason,
      });
      await this.transitions.advance(
        uow,
        goal,
        goal.state,
        'REPLANNING',
        {
          replan_count: goal.replan_count + 1,
          feedback: reason,
          failure_reasons: [...(goal.failure_reasons ?? []), reason],
        },
        reason,
      );
    });
  }
}
