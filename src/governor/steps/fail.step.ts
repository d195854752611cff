import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import { GoalEventLog, NewGoalEvent } from '../../events/goal-event-log.service';
import { LlmUsageRecorder } from '../../llm/llm-usage.recorder';
import { isTerminal } from '../../goal-records/goal-fsm';
import { GoalStore } from '../goal-store.service';
import { TaskRepository } from '../../goal-records/task.repository';
import { GoalTransitions } from './goal-transitions';

/** What a failure records: its reasons, and events to write before the transition. */
export interface GoalFailure {
  tenantId: string;
  goalId: string;
  reasons: string[];
  precededBy?: NewGoalEvent[];
}

/**
 * FAILED from any working state: the goal's open tasks are cancelled, the transition and
 * goal.failed are written in one transaction. A goal that already finished is left alone.
 */
@Injectable()
export class FailStep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: GoalStore,
    private readonly tasks: TaskRepository,
    private readonly events: GoalEventLog,
    private readonly usage: LlmUsageRecorder,
    private readonly transitions: GoalTransitions,
  ) {}

  async run({ tenantId, goalId, reasons, precededBy = [] }: GoalFailure): Promise<void> {
    await this.usage.settled(goalId);
    await inTransaction(this.dataSource, async (uow) => {
      const goal = await this.store.get(tenantId, goalId, uow.manager);
      if (isTerminal(goal.state)) return;
      if (precededBy.length) await this.events.appendMany(uow, tenantId, goalId, precededBy);
      await this.tasks.cancelOpen(uow.manager, tenantId, goalId);
      await this.transitions.advance(
        uow,
        goal,
        goal.state,
        'FAILED',
        { failure_reasons: reasons },
        reasons.at(-1),
      );
      await this.events.append(uow, tenantId, goalId, 'goal.failed', { reasons });
    });
  }
}
