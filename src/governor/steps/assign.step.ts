import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentWorkforce } from '../../agents/agent-workforce.service';
import { inTransaction, UnitOfWork } from '../../database/transaction';
import type { NewGoalEvent } from '../../events/goal-event-log.service';
import { GoalRuns } from '../goal-runs';
import { GoalStore } from '../goal-store.service';
import type { GoalRow, TaskRow } from '../../goal-records/goal.types';
import { isSequential, Pattern } from '../pattern';
import { hasParallelism } from '../../planning/schemas';
import { GoalTransitions } from './goal-transitions';

/**
 * AGENT_ASSIGNMENT: an agent for each task of the plan (selection, spawning and auctions
 * live in AgentWorkforce), then EXECUTING, or PARALLEL_EXECUTING when the pattern and the
 * task graph allow tasks side by side.
 */
@Injectable()
export class AssignStep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workforce: AgentWorkforce,
    private readonly store: GoalStore,
    private readonly runs: GoalRuns,
    private readonly transitions: GoalTransitions,
  ) {}

  /** For a goal that stopped between its plan and the assignment. */
  async run(goal: GoalRow): Promise<void> {
    await this.workforce.prepare(goal.tenant_id);
    await inTransaction(this.dataSource, async (uow) =>
      this.within(
        uow,
        goal,
        await this.store.tasks(goal.tenant_id, goal.id, goal.plan_version, uow.manager),
      ),
    );
  }

  /** The assignment inside the plan's unit of work; `held` events are written with its last statement. */
  async within(
    uow: UnitOfWork,
    goal: GoalRow,
    tasks: TaskRow[],
    held: NewGoalEvent[] = [],
  ): Promise<void> {
    const parallel = !isSequential((goal.pattern ?? 'single') as Pattern) && hasParallelism(tasks);
    const { events, agents } = await this.workforce.assign(uow, goal, tasks, held);
    await this.transitions.advance(
      uow,
      goal,
      'AGENT_ASSIGNMENT',
      parallel ? 'PARALLEL_EXECUTING' : 'EXECUTING',
      {},
      undefined,
      events,
    );
    uow.afterCommit(() => this.runs.keepTasks(goal, tasks, agents));
  }
}
