import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inOneStatement } from '../../database/transaction';
import type { GoalState } from '../../goal-records/goal-fsm';
import { GoalRuns } from '../goal-runs';
import { GoalStore } from '../goal-store.service';
import type { GoalRow } from '../../goal-records/goal.types';

/** The transitions the steps make: once committed, a transition's row is where the next step starts. */
@Injectable()
export class GoalTransitions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: GoalStore,
    private readonly runs: GoalRuns,
  ) {}

  /** A transition inside the caller's unit of work (`GoalStore.transition`). */
  async advance(...transition: Parameters<GoalStore['transition']>): Promise<void> {
    const [uow, goal] = transition;
    const row = await this.store.transition(...transition);
    const run = this.runs.get(goal.id);
    if (run) uow.afterCommit(() => (run.latest = row));
  }

  /** A transition without a patch or other events: one statement (the row and its goal.status event). */
  move(goal: GoalRow, to: GoalState): Promise<void> {
    return inOneStatement(this.dataSource, (uow) => this.advance(uow, goal, goal.state, to));
  }
}
