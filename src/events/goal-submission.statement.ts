import { sql, type Expression, type QueryCreator, type SqlBool } from 'kysely';
import { db } from '../database/query-builder';
import { recordset, type Columns } from '../database/recordset';
import type { DB } from '../database/schema.generated';
import {
  EVENT_COLUMNS,
  INSERT_COLUMNS,
  items,
  writtenAt,
  type EventItem,
  type EventRow,
  type SeqSource,
} from './goal-event.parts';

/** A goal as a submission stores it (its positions and counters are set by the statement). */
export interface SubmittedGoal {
  id: string;
  tenant_id: string;
  title: string;
  goal: string;
  status: string;
  state: string;
  requested_pattern: string | null;
  priority: number;
  metadata: Record<string, unknown>;
  created_by: string | null;
  idempotency_key: string | null;
}

const SUBMITTED_GOAL_COLUMNS = {
  id: 'uuid',
  tenant_id: 'uuid',
  title: 'text',
  goal: 'text',
  status: 'text',
  state: 'text',
  requested_pattern: 'text',
  priority: 'int',
  metadata: 'jsonb',
  created_by: 'text',
  idempotency_key: 'text',
} as const satisfies { [K in keyof SubmittedGoal]: Columns[string] };

const SUBMITTED_GOAL_NAMES = Object.keys(SUBMITTED_GOAL_COLUMNS) as Array<keyof SubmittedGoal>;

/**
 * The CTEs that admit a submitted goal: `admitted` has a row (the counter after the use)
 * when the goal may be stored; nothing may be used unless `unlessReplay` holds.
 */
export type GoalAdmission = (
  qc: QueryCreator<DB>,
  unlessReplay: Expression<SqlBool>,
) => QueryCreator<DB & { admitted: { used: string; window_start: Date } }>;

/**
 * A submitted goal with its first events at positions 1..n, stored only when `admission`
 * admits it (its `admitted` CTE has a row: the tenant's quota used in this same
 * statement) and, with an idempotency key, only when the tenant has no goal with that
 * key yet (`replay`; then nothing is used or written). One row comes back: the counter
 * after the use (null: refused or a replay) and the stored events (null: none).
 */
export const insertGoalWithEvents = (
  source: SeqSource,
  row: SubmittedGoal,
  events: EventItem[],
  admission: GoalAdmission,
) => {
  const replay =
    row.idempotency_key === null
      ? sql<boolean>`false`
      : sql<boolean>`EXISTS (SELECT 1 FROM goals WHERE tenant_id = ${row.tenant_id}::uuid AND idempotency_key = ${row.idempotency_key})`;
  return admission(db, sql<SqlBool>`NOT ${replay}`)
    .with('g', (qc) =>
      qc
        .insertInto('goals')
        .columns([...SUBMITTED_GOAL_NAMES, 'event_seq'])
        .expression((eb) =>
          eb
            .selectFrom(recordset('r', [row], SUBMITTED_GOAL_COLUMNS))
            .selectAll('r')
            .select(sql<number>`${source === 'log' ? 0 : events.length}::int`.as('event_seq'))
            .where(sql<boolean>`EXISTS (SELECT 1 FROM admitted)`),
        )
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'idempotency_key'])
            .where('idempotency_key', 'is not', null)
            .doNothing(),
        )
        .returning('id'),
    )
    .with('ev', (qc) =>
      qc
        .insertInto('goal_events')
        .columns(INSERT_COLUMNS)
        .expression((eb) =>
          eb
            .selectFrom(['g', items(events)])
            .select([
              sql<string>`${row.tenant_id}::uuid`.as('tenant_id'),
              'g.id',
              'e.ord',
              sql<string>`e.item->>'type'`.as('type'),
              sql<string | null>`NULL`.as('task_id'),
              sql`e.item->'data'`.as('data'),
              writtenAt.as('created_at'),
            ])
            .orderBy('e.ord'),
        )
        .returning(EVENT_COLUMNS),
    )
    .selectNoFrom([
      sql<string | null>`(SELECT used FROM admitted)`.as('admitted'),
      sql<EventRow[] | null>`(SELECT json_agg(ev ORDER BY ev.seq) FROM ev)`.as('events'),
    ]);
};
