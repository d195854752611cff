import {
  sql,
  type RawBuilder,
  type Expression,
  type QueryCreator,
  type UpdateObject,
  type UpdateQueryBuilder,
} from 'kysely';
import { cte } from '../database/recordset';
import { db } from '../database/query-builder';
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

export type { EventItem, EventRow, SeqSource };

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
