import { Injectable } from '@nestjs/common';
import { NotFound } from '#common';
import { sql } from 'kysely';
import type { SqlExecutor } from '../database/query-builder';
import type { UnitOfWork } from '../database/transaction';
import type { GoalUpdate } from '../events/goal-event.repository';
import { GoalEventLog, NewGoalEvent } from '../events/goal-event-log.service';
import { assertTransition, GoalState, statusOf } from '../goal-records/goal-fsm';
import { GoalPatch, GoalRepository, JSON_COLUMNS } from '../goal-records/goal.repository';
import type { GoalRow, TaskRow } from '../goal-records/goal.types';
import { TaskRepository } from '../goal-records/task.repository';

export type { GoalPatch } from '../goal-records/goal.repository';

export class StateConflict extends Error {
  constructor(goalId: string, expected: GoalState) {
    super(`goal ${goalId} is no longer in state ${expected}`);
    this.name = 'StateConflict';
  }
}

/**
 * Goals and their tasks as the FSM sees them. Every read is scoped by tenant; every state
 * change appends its event in the same statement.
 */
@Injectable()
export class GoalStore {
  constructor(
    private readonly goals: GoalRepository,
    private readonly taskRows: TaskRepository,
    private readonly events: GoalEventLog,
  ) {}

  async get(tenantId: string, goalId: string, executor?: SqlExecutor): Promise<GoalRow> {
    const goal = await this.goals.byId(tenantId, goalId, executor);
    if (!goal) throw new NotFound('goal', goalId);
    return goal;
  }

  /**
   * Moves the goal from `from` to `to` (checked against the FSM), with its goal.status event
   * (after the `precededBy` events), in one statement; returns the row as it left it.
   */
  transition(
    uow: UnitOfWork,
    goal: Pick<GoalRow, 'id' | 'tenant_id'>,
    from: GoalState,
    to: GoalState,
    patch: GoalPatch = {},
    reason?: string,
    precededBy: readonly NewGoalEvent[] = [],
    followedBy: readonly NewGoalEvent[] = [],
  ): Promise<GoalRow> {
    return this.move(uow, goal, from, to, patch, [
      ...precededBy,
      statusEvent(from, to, reason),
      ...followedBy,
    ]);
  }

  /**
   * Moves the goal like `transition`, but writes none of its events: they are returned,
   * `precededBy` then the goal.status event, for a later statement of the same unit of work.
   */
  async transitionHeld(
    uow: UnitOfWork,
    goal: Pick<GoalRow, 'id' | 'tenant_id'>,
    from: GoalState,
    to: GoalState,
    patch: GoalPatch = {},
    precededBy: readonly NewGoalEvent[] = [],
  ): Promise<NewGoalEvent[]> {
    await this.move(uow, goal, from, to, patch, []);
    return [...precededBy, statusEvent(from, to)];
  }

  /** The goal row's move and the given events, in one statement. */
  private async move(
    uow: UnitOfWork,
    goal: Pick<GoalRow, 'id' | 'tenant_id'>,
    from: GoalState,
    to: GoalState,
    patch: GoalPatch,
    events: readonly NewGoalEvent[],
  ): Promise<GoalRow> {
    assertTransition(from, to);
    const status = statusOf(to);
    const set: GoalUpdate['set'] = { state: to, status, updated_at: sql`now()` };
    if (from === 'RECEIVED') set.started_at = sql`coalesce(started_at, now())`;
    if (status === 'completed' || status === 'failed' || status === 'cancelled')
      Object.assign(set, { completed_at: sql`now()`, lease_owner: null, lease_expires_at: null });
    for (const [column, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      Object.assign(set, { [column]: JSON_COLUMNS.has(column) ? JSON.stringify(value) : value });
    }
    const row = await this.events.appendWithGoalUpdate(
      uow,
      goal.tenant_id,
      goal.id,
      // a paused goal only ends (cancelled or failed); it does not move on
      { set, where: { state: from, notPaused: status !== 'cancelled' && status !== 'failed' } },
      events,
    );
    if (!row) throw new StateConflict(goal.id, from);
    return row as unknown as GoalRow;
  }

  tasks(
    tenantId: string,
    goalId: string,
    planVersion?: number,
    executor?: SqlExecutor,
  ): Promise<TaskRow[]> {
    return this.taskRows.ofGoal(tenantId, goalId, planVersion, executor);
  }
}

function statusEvent(from: GoalState, to: GoalState, reason?: string): NewGoalEvent {
  return {
    type: 'goal.status',
    data: { from, to, status: statusOf(to), ...(reason ? { reason } : {}) },
  };
}
