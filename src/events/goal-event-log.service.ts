import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UnitOfWork } from '../database/transaction';
import type { GoalEventPayloads, GoalEventRecord, GoalEventType } from './domain-events';
import { EventBus } from './event-bus';

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
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  /**
   * Appends one event. The per-goal sequence is taken from the goal row, which also
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
      `WITH s AS (UPDATE goals SET event_seq = event_seq + 1 WHERE id = $1 AND tenant_id = $2 RETURNING event_seq)
       INSERT INTO goal_events (tenant_id, goal_id, seq, type, task_id, data)
       SELECT $2, $1, s.event_seq, $3, $4, $5 FROM s
       RETURNING id, seq, goal_id, tenant_id, task_id, type, data, created_at`,
      [goalId, tenantId, type, taskId, JSON.stringify(data)],
    );
    const event = toRecord(rows[0]) as GoalEventRecord<T>;
    uow.afterCommit(() => this.bus.publish(event));
    return event;
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
