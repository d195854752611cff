import { sql } from 'kysely';

// What the goal-event log's statements share: the rows they take and return, and the pieces
// every append is written with.

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

/** An event to append in a batch: `merge` merges the change's row into its data. */
export interface EventItem {
  type: string;
  task_id: string | null;
  data: unknown;
  merge: boolean;
}

export const EVENT_COLUMNS = [
  'id',
  'seq',
  'goal_id',
  'tenant_id',
  'task_id',
  'type',
  'data',
  'created_at',
] as const;

export const INSERT_COLUMNS = [
  'tenant_id',
  'goal_id',
  'seq',
  'type',
  'task_id',
  'data',
  'created_at',
] as const;

/** The time an event is written (not the transaction's start): `created_at` → client is the real latency. */
export const writtenAt = sql<Date>`clock_timestamp()`;

/** Events sent as one JSON array parameter, with their position in it (`e(item, ord)`). */
export function items(events: readonly EventItem[]) {
  return sql<{
    item: { type: string; task_id: string | null; data: unknown; merge: boolean };
    ord: number;
  }>`jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality`.as<'e'>(
    sql`e(item, ord)`,
  );
}
