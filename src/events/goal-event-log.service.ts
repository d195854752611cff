import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { UnitOfWork } from '../database/transaction';
import type { GoalEventPayloads, GoalEventRecord, GoalEventType } from './domain-events';
import { isEmbedded } from '../database/migration-runner';
import { EventBus } from './event-bus';

/** One event of a batch appended with `appendMany`. */
export type NewGoalEvent = {
  [T in GoalEventType]: { type: T; data: GoalEventPayloads[T]; taskId?: string | null };
}[GoalEventType];

interface EventRow {
  id: string;
  seq: number;
  goal_id: string;
  tenant_id: string;
  task_id: string | null;
  type: GoalEventType;
  data: GoalEventPayloads[GoalEventType];
  created_at: Date;
}

/** The append-only goal event log: ordered ids per goal, appended inside the caller's transaction. */
@Injectable()
export class GoalEventLog {
  /**
   * PGlite runs one statement at a time, so the next per-goal position can be read from
   * the log itself. PostgreSQL serializes appends for a goal through its row instead.
   */
  private readonly nextSeq: (goalParam: string, tenantParam: string, count?: string) => string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {
    this.nextSeq = isEmbedded(dataSource)
      ? (g) =>
          `(SELECT coalesce(max(seq), 0) + 1 AS event_seq FROM goal_events WHERE goal_id = ${g})`
      : (g, t, count = '1') =>
          `(UPDATE goals SET event_seq = event_seq + ${count} WHERE id = ${g} AND tenant_id = ${t} RETURNING event_seq - ${count} + 1 AS event_seq)`;
  }

  /**
   * Appends one event, stamped with the time it is written (clock_timestamp, not the
   * transaction's start), so `created_at` → client is the real delivery latency. The per-goal sequence is taken from the goal row, which also
   * serializes concurrent appends for one goal, so ids rise in commit order per goal.
   */
  async append<T extends GoalEventType>(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    type: T,
    data: GoalEventPayloads[T],
    taskId: string | null = null,
  ): Promise<GoalEventRecord<T>> {
    const rows: EventRow[] = await uow.manager.query(
      `WITH s AS ${this.nextSeq('$1::uuid', '$2')}
       INSERT INTO goal_events (tenant_id, goal_id, seq, type, task_id, data, created_at)
       SELECT $2, $1, s.event_seq, $3, $4, $5, clock_timestamp() FROM s
       RETURNING id, seq, goal_id, tenant_id, task_id, type, data, created_at`,
      [goalId, tenantId, type, taskId, JSON.stringify(data)],
    );
    const event = toRecord(rows[0]) as GoalEventRecord<T>;
    uow.afterCommit(() => this.bus.publish(event));
    return event;
  }

  /**
   * Appends several events of one goal in one statement, in the given order (consecutive
   * positions), inside the caller's transaction; announced in that order after commit.
   */
  async appendMany(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    events: readonly NewGoalEvent[],
  ): Promise<GoalEventRecord[]> {
    if (!events.length) return [];
    const rows: EventRow[] = await uow.manager.query(
      `WITH s AS ${this.nextSeq('$1::uuid', '$2', String(events.length))}
       INSERT INTO goal_events (tenant_id, goal_id, seq, type, task_id, data, created_at)
       SELECT $2, $1, s.event_seq + e.n - 1, e.type, e.task_id, e.data, clock_timestamp()
       FROM s, jsonb_to_recordset($3::jsonb) AS e(n integer, type text, task_id uuid, data jsonb)
       ORDER BY e.n
       RETURNING id, seq, goal_id, tenant_id, task_id, type, data, created_at`,
      [
        goalId,
        tenantId,
        JSON.stringify(
          events.map((e, i) => ({
            n: i + 1,
            type: e.type,
            task_id: e.taskId ?? null,
            data: e.data,
          })),
        ),
      ],
    );
    const records = rows.map(toRecord).sort((a, b) => a.seq - b.seq);
    uow.afterCommit(() => {
      for (const event of records) this.bus.publish(event);
    });
    return records;
  }

  /**
   * One statement, atomic without a transaction: a row change (`change.sql`, a data-modifying
   * statement with RETURNING) plus its event, appended only if the change touched a row.
   * Used on hot paths (task start and finish) to save round trips. With `mergeIntoData`
   * the change's RETURNING columns are merged into the event data.
   */
  async appendWithChange<T extends GoalEventType>(
    executor: EntityManager,
    change: { sql: string; params: unknown[]; mergeIntoData?: boolean },
    tenantId: string,
    goalId: string,
    type: T,
    data: GoalEventPayloads[T],
    taskId: string | null = null,
  ): Promise<{ event: GoalEventRecord<T>; changed: Record<string, unknown> } | undefined> {
    const k = change.params.length;
    const rows: Array<EventRow & { change: Record<string, unknown> }> = await executor.query(
      `WITH change AS (${change.sql}),
       s AS ${this.nextSeq(`$${k + 1}::uuid`, `$${k + 2}`)}
       INSERT INTO goal_events (tenant_id, goal_id, seq, type, task_id, data, created_at)
       SELECT $${k + 2}, $${k + 1}, s.event_seq, $${k + 3}, $${k + 4},
         $${k + 5}::jsonb ${change.mergeIntoData ? '|| (SELECT to_jsonb(change) FROM change LIMIT 1)' : ''}, clock_timestamp() FROM s
       WHERE EXISTS (SELECT 1 FROM change)
       RETURNING id, seq, goal_id, tenant_id, task_id, type, data, created_at, (SELECT row_to_json(change) FROM change LIMIT 1) AS change`,
      [...change.params, goalId, tenantId, type, taskId, JSON.stringify(data)],
    );
    if (!rows.length) return undefined;
    const event = toRecord(rows[0]) as GoalEventRecord<T>;
    this.bus.publish(event);
    return { event, changed: rows[0].change };
  }

  async list(
    tenantId: string,
    goalId: string,
    afterId = 0,
    limit = 1000,
  ): Promise<GoalEventRecord[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT id, seq, goal_id, tenant_id, task_id, type, data, created_at FROM goal_events
       WHERE tenant_id = $1 AND goal_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
      [tenantId, goalId, afterId, limit],
    );
    return rows.map(toRecord);
  }

  /** The per-goal sequence number of the last event of the goal at or before `eventId` (0 if none). */
  async seqAt(tenantId: string, goalId: string, eventId: number): Promise<number> {
    const rows: Array<{ seq: number | null }> = await this.dataSource.query(
      `SELECT max(seq) AS seq FROM goal_events WHERE tenant_id = $1 AND goal_id = $2 AND id <= $3`,
      [tenantId, goalId, eventId],
    );
    return Number(rows[0]?.seq ?? 0);
  }

  async listForTenant(tenantId: string, afterId: number, limit = 1000): Promise<GoalEventRecord[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT id, seq, goal_id, tenant_id, task_id, type, data, created_at FROM goal_events
       WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [tenantId, afterId, limit],
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: EventRow): GoalEventRecord {
  return {
    id: Number(row.id),
    seq: row.seq,
    goal_id: row.goal_id,
    tenant_id: row.tenant_id,
    task_id: row.task_id,
    type: row.type,
    data: row.data,
    created_at: new Date(row.created_at).toISOString(),
  };
}
