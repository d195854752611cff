import { Injectable } from '@nestjs/common';
import type { QueryCreator } from 'kysely';
import type { DB } from '../database/schema.generated';
import { DataSource, EntityManager } from 'typeorm';
import type { UnitOfWork } from '../database/transaction';
import type { SqlExecutor } from '../database/query-builder';
import type { GoalEventPayloads, GoalEventRecord, GoalEventType } from './domain-events';
import { isEmbedded } from '../database/migration-runner';
import { EventBus } from './event-bus';
import {
  EventItem,
  EventRow,
  EventSourceRow,
  GoalEventRepository,
  GoalUpdate,
  GoalAdmission,
  SubmittedGoal,
  RowChange,
  SeqSource,
} from './goal-event.repository';

/** An event to append with `appendMany`. */
export type NewGoalEvent = {
  [T in GoalEventType]: { type: T; data: GoalEventPayloads[T]; taskId?: string | null };
}[GoalEventType];

/** The append-only goal event log: ordered ids per goal, appended inside the caller's transaction. */
@Injectable()
export class GoalEventLog {
  private readonly seqSource: SeqSource;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly repository: GoalEventRepository,
  ) {
    // PGlite runs one statement at a time: the next positions can be read from the log
    this.seqSource = isEmbedded(dataSource) ? 'log' : 'goal-row';
  }

  /**
   * Appends one event at the goal's next position, inside the caller's unit of work; it is
   * announced once the unit of work has committed.
   */
  async append<T extends GoalEventType>(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    type: T,
    data: GoalEventPayloads[T],
    taskId: string | null = null,
  ): Promise<GoalEventRecord<T>> {
    const row = await this.repository.append(uow.manager, this.seqSource, tenantId, goalId, {
      type,
      task_id: taskId,
      data,
      merge: false,
    });
    const event = toRecord(row) as GoalEventRecord<T>;
    uow.afterCommit(() => this.bus.publish(event));
    return event;
  }

  /**
   * A submitted goal with its first events, in one statement that also uses the tenant's
   * quota (`admission`): see `insertGoalWithEvents`. The events are announced once the
   * statement has returned; `stored` is false for a refusal or a replay.
   */
  async appendWithGoalSubmission(
    uow: UnitOfWork,
    row: SubmittedGoal,
    events: readonly NewGoalEvent[],
    admission: GoalAdmission,
  ): Promise<{ stored: boolean; admitted: boolean }> {
    const outcome = await this.repository.insertGoalWithEvents(
      uow.manager,
      this.seqSource,
      row,
      events.map(itemOf),
      admission,
    );
    const records = (outcome.events ?? []).map(toRecord).sort((a, b) => a.seq - b.seq);
    uow.afterCommit(() => records.forEach((event) => this.bus.publish(event)));
    return {
      stored: records.length > 0,
      admitted: outcome.admitted !== null,
    };
  }

  /**
   * An update of the goal row (while it is in `update.where.state`) and events of the goal
   * (in order, at consecutive positions), in one statement inside the caller's unit of
   * work; the events are announced after commit. Returns the updated row, or undefined
   * when no row matched (then nothing is written).
   */
  async appendWithGoalUpdate(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    update: GoalUpdate,
    events: readonly NewGoalEvent[],
  ): Promise<Record<string, unknown> | undefined> {
    const row = await this.repository.updateGoalWithEvents(
      uow.manager,
      this.seqSource,
      tenantId,
      goalId,
      update,
      events.map(itemOf),
    );
    if (!row) return undefined;
    const { appended_events: appended, ...goal } = row;
    // json_agg of no rows is null: a goal update that writes no events
    const records = (
      (appended ?? []) as Array<Omit<EventRow, 'goal_id' | 'tenant_id' | 'task_id'>>
    ).map((e) => toRecord({ ...e, goal_id: goalId, tenant_id: tenantId, task_id: null }));
    uow.afterCommit(() => records.forEach((event) => this.bus.publish(event)));
    return goal;
  }

  /**
   * Appends several events of one goal in one statement, in the given order (consecutive
   * positions), inside the caller's transaction; announced after commit like `append`.
   */
  async appendMany(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    events: readonly NewGoalEvent[],
  ): Promise<GoalEventRecord[]> {
    if (!events.length) return [];
    const rows = await this.repository.appendMany(
      uow.manager,
      this.seqSource,
      tenantId,
      goalId,
      events.map(itemOf),
    );
    const records = rows.map(toRecord).sort((a, b) => a.seq - b.seq);
    uow.afterCommit(() => records.forEach((event) => this.bus.publish(event)));
    return records;
  }

  /**
   * A row change (an update with RETURNING, built by the repository of its table) and its
   * event in one statement, inside the caller's transaction: the event is appended only if
   * the change touched a row, and announced once the transaction has committed.
   */
  async appendWithChange<T extends GoalEventType, R extends object>(
    uow: UnitOfWork,
    change: RowChange<R>,
    tenantId: string,
    goalId: string,
    type: T,
    data: GoalEventPayloads[T],
    taskId: string | null = null,
  ): Promise<{ event: GoalEventRecord<T>; changed: R } | undefined> {
    const rows = await this.repository.appendAfterChange(
      uow.manager,
      this.seqSource,
      change,
      tenantId,
      goalId,
      [{ type, task_id: taskId, data, merge: false }],
    );
    if (!rows.length) return undefined;
    const { change: changed, ...row } = rows[0];
    const record = toRecord(row) as GoalEventRecord<T>;
    uow.afterCommit(() => this.bus.publish(record));
    return { event: record, changed };
  }

  /**
   * One statement whose CTEs (`withs`, composed from the repositories' CTEs) end in
   * `events`, appending one event per row of it in `ord` order at consecutive positions.
   * Each event comes back with its row of `events`; events are announced right away (the
   * statement is its own transaction).
   */
  async appendFromRows<Q extends DB & { events: EventSourceRow }>(
    executor: EntityManager,
    tenantId: string,
    goalId: string,
    withs: (qc: QueryCreator<DB>) => QueryCreator<Q>,
  ): Promise<Array<{ event: GoalEventRecord; row: Record<string, unknown> }>> {
    const rows = await this.repository.appendFromRows(
      executor,
      this.seqSource,
      tenantId,
      goalId,
      withs,
    );
    const results = rows.map(({ source, ...row }) => ({ event: toRecord(row), row: source ?? {} }));
    for (const { event } of results) this.bus.publish(event);
    return results;
  }

  async list(
    tenantId: string,
    goalId: string,
    afterId = 0,
    limit = 1000,
  ): Promise<GoalEventRecord[]> {
    const rows = await this.repository.list(this.dataSource, tenantId, goalId, afterId, limit);
    return rows.map(toRecord);
  }

  /** The per-goal sequence number of the last event of the goal at or before `eventId` (0 if none). */
  seqAt(tenantId: string, goalId: string, eventId: number): Promise<number> {
    return this.repository.seqAt(this.dataSource, tenantId, goalId, eventId);
  }

  /** The goal's latest position (0 before its first event), read on the executor given. */
  lastSeq(executor: SqlExecutor, tenantId: string, goalId: string): Promise<number> {
    return this.repository.lastSeq(executor, tenantId, goalId);
  }

  async listForTenant(tenantId: string, afterId: number, limit = 1000): Promise<GoalEventRecord[]> {
    const rows = await this.repository.listForTenant(this.dataSource, tenantId, afterId, limit);
    return rows.map(toRecord);
  }
}

function itemOf(event: NewGoalEvent): EventItem {
  return { type: event.type, task_id: event.taskId ?? null, data: event.data, merge: false };
}

function toRecord(row: EventRow): GoalEventRecord {
  return {
    id: Number(row.id),
    seq: row.seq,
    goal_id: row.goal_id,
    tenant_id: row.tenant_id,
    task_id: row.task_id,
    type: row.type as GoalEventType,
    data: row.data as GoalEventPayloads[GoalEventType],
    created_at: new Date(row.created_at).toISOString(),
  };
}
