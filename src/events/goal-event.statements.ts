import {
  sql,
  type RawBuilder,
  type Expression,
  type QueryCreator,
  type SqlBool,
  type UpdateObject,
  type UpdateQueryBuilder,
} from 'kysely';
import { cte, recordset, type Columns } from '../database/recordset';
import { db } from '../database/query-builder';
import type { DB } from '../database/schema.generated';

/**
 * Where the next per-goal positions come from. PostgreSQL takes them from the goal row
 * (`event_seq`), which also serializes concurrent appends for one goal, so ids rise in
 * commit order per goal. PGlite runs one statement at a time: it reads them from the log.
 */
export type SeqSource = 'goal-row' | 'log';

/** A stored event as the log's statements return it. */
export interface EventRow {
  id: string;
  seq: number;
  goal_id: string;
  tenant_id: string;
  task_id: string | null;
  type: string;
  data: unknown;
  created_at: Date;
}

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
 * A change of the goal row, made only while the goal is in `where.state` (and, with
 * `notPaused`, only while its tenant's suspension has not paused it).
 */
export interface GoalUpdate {
  set: UpdateObject<DB, 'goals'>;
  where: { state: string; notPaused?: boolean };
}

/** A row of the `events` CTE of a composed statement: one event per row, appended in `ord` order. */
export interface EventSourceRow {
  ord: number | null;
  type: string;
  task_id: string | null;
  data: unknown;
}

/** An event to append in a batch: `merge` merges the change's row into its data. */
export interface EventItem {
  type: string;
  task_id: string | null;
  data: unknown;
  merge: boolean;
}

const EVENT_COLUMNS = [
  'id',
  'seq',
  'goal_id',
  'tenant_id',
  'task_id',
  'type',
  'data',
  'created_at',
] as const;

const INSERT_COLUMNS = [
  'tenant_id',
  'goal_id',
  'seq',
  'type',
  'task_id',
  'data',
  'created_at',
] as const;

/** The time an event is written (not the transaction's start): `created_at` → client is the real latency. */
const writtenAt = sql<Date>`clock_timestamp()`;
const uuid = (value: string | null) => sql<string>`${value}::uuid`;

/**
 * The last of `count` positions reserved for the goal's next events (`event_seq`), as the
 * first CTE of a statement that appends them.
 */
function reserve(source: SeqSource, tenantId: string, goalId: string, count: Expression<number>) {
  return cte()((qc) =>
    source === 'log'
      ? qc
          .selectFrom('goal_events')
          .select(sql<number>`coalesce(max(seq), 0) + ${count}`.as('event_seq'))
          .where('goal_id', '=', uuid(goalId))
      : qc
          .updateTable('goals')
          .set((eb) => ({ event_seq: eb('event_seq', '+', count) }))
          .where('id', '=', uuid(goalId))
          .where('tenant_id', '=', tenantId)
          .returning('event_seq'),
  );
}

/** Events sent as one JSON array parameter, with their position in it. */
/** The columns of `count` event items (`e`) appended after the reserved positions (`s`). */
function itemColumns(tenantId: string, goalId: string, count: number, data: RawBuilder<unknown>) {
  return [
    sql<string>`${tenantId}::uuid`.as('tenant_id'),
    uuid(goalId).as('goal_id'),
    sql<number>`s.event_seq - ${count}::int + e.ord`.as('seq'),
    sql<string>`e.item->>'type'`.as('type'),
    sql<string>`(e.item->>'task_id')::uuid`.as('task_id'),
    data.as('data'),
    writtenAt.as('created_at'),
  ];
}

function items(events: readonly EventItem[]) {
  return sql<{
    item: { type: string; task_id: string | null; data: unknown; merge: boolean };
    ord: number;
  }>`jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality`.as<'e'>(
    sql`e(item, ord)`,
  );
}

/**
 * A data-modifying statement with RETURNING whose row an event is appended after: an update
 * built by the repository of the table it changes (which tables it reads is its business).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the change's tables are the owning repository's business
export type RowChange<R extends object> = UpdateQueryBuilder<any, any, any, R>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
type AnyChange = UpdateQueryBuilder<DB, any, any, Record<string, unknown>>;

/** Every statement on `goal_events`; each takes the tenant's id. */
export const statements = {
  /** One event at the goal's next position. */
  append: (source: SeqSource, tenantId: string, goalId: string, event: EventItem) =>
    db
      .with('s', reserve(source, tenantId, goalId, sql.lit(1)))
      .insertInto('goal_events')
      .columns(INSERT_COLUMNS)
      .expression((eb) =>
        eb
          .selectFrom('s')
          .select([
            sql<string>`${tenantId}::uuid`.as('tenant_id'),
            uuid(goalId).as('goal_id'),
            's.event_seq',
            sql<string>`${event.type}`.as('type'),
            uuid(event.task_id).as('task_id'),
            sql`${JSON.stringify(event.data)}::jsonb`.as('data'),
            writtenAt.as('created_at'),
          ]),
      )
      .returning(EVENT_COLUMNS),
  /** Events in the given order at consecutive positions. */
  appendMany: (source: SeqSource, tenantId: string, goalId: string, events: EventItem[]) =>
    db
      .with('s', reserve(source, tenantId, goalId, sql<number>`${events.length}::int`))
      .insertInto('goal_events')
      .columns(INSERT_COLUMNS)
      .expression((eb) =>
        eb
          .selectFrom(['s', items(events)])
          .select(itemColumns(tenantId, goalId, events.length, sql`e.item->'data'`))
          .orderBy('e.ord'),
      )
      .returning(EVENT_COLUMNS),
  /**
   * A row change and its events in one statement: the events are appended only if the
   * change touched a row; events marked `merge` get the change's row merged into their data.
   */
  appendAfterChange: <R extends object>(
    source: SeqSource,
    change: RowChange<R>,
    tenantId: string,
    goalId: string,
    events: EventItem[],
  ) =>
    db
      .with('change', () => change as unknown as AnyChange)
      .with('s', reserve(source, tenantId, goalId, sql<number>`${events.length}::int`))
      .insertInto('goal_events')
      .columns(INSERT_COLUMNS)
      .expression((eb) =>
        eb
          .selectFrom(['s', items(events)])
          .select(
            itemColumns(
              tenantId,
              goalId,
              events.length,
              sql`e.item->'data' || CASE WHEN (e.item->>'merge')::boolean
                THEN coalesce((SELECT to_jsonb(change) FROM change LIMIT 1), '{}'::jsonb)
                ELSE '{}'::jsonb END`,
            ),
          )
          .where(sql<boolean>`EXISTS (SELECT 1 FROM change)`)
          .orderBy('e.ord'),
      )
      .returning([
        ...EVENT_COLUMNS,
        sql<R>`(SELECT row_to_json(change) FROM change LIMIT 1)`.as('change'),
      ]),
  /**
   * A statement whose CTEs (`withs`, composed from other repositories' CTEs) end in
   * `events`: one event per row of it, in `ord` order at consecutive positions. Each stored
   * event comes back with its row of `events` (`source`).
   */
  appendFromRows: <Q extends DB & { events: EventSourceRow }>(
    source: SeqSource,
    tenantId: string,
    goalId: string,
    withs: (qc: QueryCreator<DB>) => QueryCreator<Q>,
  ) => {
    const count = sql<number>`(SELECT count(*)::int FROM events)`;
    return (withs(db) as unknown as QueryCreator<DB & { events: EventSourceRow }>)
      .with('s', reserve(source, tenantId, goalId, count))
      .with('ev', (qc) =>
        qc
          .insertInto('goal_events')
          .columns(INSERT_COLUMNS)
          .expression((eb) =>
            eb
              .selectFrom(['s', 'events as e'])
              .select([
                sql<string>`${tenantId}::uuid`.as('tenant_id'),
                uuid(goalId).as('goal_id'),
                sql<number>`s.event_seq - ${count} + row_number() OVER (ORDER BY e.ord)`.as('seq'),
                'e.type',
                'e.task_id',
                sql`e.data`.as('data'),
                writtenAt.as('created_at'),
              ])
              .orderBy('e.ord'),
          )
          .returning(EVENT_COLUMNS),
      )
      .selectFrom('ev')
      .selectAll('ev')
      .select((eb) =>
        eb
          .selectFrom('events as x')
          .select(sql<Record<string, unknown>>`to_jsonb(x)`.as('source'))
          .where(sql<boolean>`x.task_id IS NOT DISTINCT FROM ev.task_id`)
          .whereRef('x.type', '=', 'ev.type')
          .limit(1)
          .as('source'),
      )
      .orderBy('ev.seq');
  },
  /**
   * A submitted goal with its first events at positions 1..n, stored only when `admission`
   * admits it (its `admitted` CTE has a row: the tenant's quota used in this same
   * statement) and, with an idempotency key, only when the tenant has no goal with that
   * key yet (`replay`; then nothing is used or written). One row comes back: the counter
   * after the use (null: refused or a replay), `replay`, and the stored events (null: none).
   */
  insertGoalWithEvents: (
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
        replay.as('replay'),
        sql<EventRow[] | null>`(SELECT json_agg(ev ORDER BY ev.seq) FROM ev)`.as('events'),
      ]);
  },
  /**
   * An update of the goal row (only while it is in `where.state`) and its events at the
   * next positions, in order; the row comes back with the stored events (`appended_events`).
   */
  updateGoalWithEvents: (
    source: SeqSource,
    tenantId: string,
    goalId: string,
    update: GoalUpdate,
    events: EventItem[],
  ) =>
    db
      .with('g', (qc) =>
        qc
          .updateTable('goals')
          .set((eb) => ({
            ...update.set,
            ...(source === 'log'
              ? {}
              : { event_seq: eb('event_seq', '+', sql<number>`${events.length}::int`) }),
          }))
          .where('id', '=', goalId)
          .where('tenant_id', '=', tenantId)
          .where('state', '=', update.where.state)
          .$if(update.where.notPaused === true, (q) => q.where('status', '<>', sql.lit('paused')))
          .returningAll(),
      )
      .with('ev', (qc) =>
        qc
          .insertInto('goal_events')
          .columns(INSERT_COLUMNS)
          .expression((eb) =>
            eb
              .selectFrom(['g', items(events)])
              .select((sb) => [
                sql<string>`${tenantId}::uuid`.as('tenant_id'),
                uuid(goalId).as('goal_id'),
                (source === 'log'
                  ? sql<number>`(SELECT coalesce(max(seq), 0) FROM goal_events WHERE goal_id = ${uuid(goalId)}) + e.ord`
                  : sql<number>`${sb.ref('g.event_seq')} - ${events.length}::int + e.ord`
                ).as('seq'),
                sql<string>`e.item->>'type'`.as('type'),
                sql<string | null>`NULL`.as('task_id'),
                sql`e.item->'data'`.as('data'),
                writtenAt.as('created_at'),
              ])
              .orderBy('e.ord'),
          )
          .returning(['id', 'seq', 'type', 'data', 'created_at']),
      )
      .selectFrom('g')
      .selectAll('g')
      .select(
        sql<unknown[] | null>`(SELECT json_agg(ev ORDER BY ev.seq) FROM ev)`.as('appended_events'),
      ),
  list: (tenantId: string, goalId: string, afterId: number, limit: number) =>
    db
      .selectFrom('goal_events')
      .select(EVENT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('id', '>', String(afterId))
      .orderBy('id')
      .limit(limit),
  /** The per-goal position of the goal's last event at or before `eventId`. */
  seqAt: (tenantId: string, goalId: string, eventId: number) =>
    db
      .selectFrom('goal_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .where('id', '<=', String(eventId)),
  /** The goal's last position (0 before its first event). */
  lastSeq: (tenantId: string, goalId: string) =>
    db
      .selectFrom('goal_events')
      .select(sql<number>`coalesce(max(seq), 0)::int`.as('seq'))
      .where('goal_id', '=', goalId)
      .where('tenant_id', '=', tenantId),
  listForTenant: (tenantId: string, afterId: number, limit: number) =>
    db
      .selectFrom('goal_events')
      .select(EVENT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', '>', String(afterId))
      .orderBy('id')
      .limit(limit),
  /** Retention, across tenants: the events of goals that ended more than `days` ago. */
  deleteOfEndedGoals: (days: number) =>
    db
      .deleteFrom('goal_events as e')
      .using('goals as g')
      .whereRef('e.goal_id', '=', 'g.id')
      .where('g.status', 'in', [sql.lit('completed'), sql.lit('failed'), sql.lit('cancelled')])
      .where('g.completed_at', '<', sql<Date>`now() - make_interval(days => ${days})`),
};
