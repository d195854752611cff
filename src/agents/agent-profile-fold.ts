import { sql, type RawBuilder } from 'kysely';
import type { Outcome } from './selection';

/** One agent's outcomes summed, as a row the learning step folds into its profile. */
export interface OutcomeFold {
  id: string;
  tasks: number;
  successes: number;
  tokens: number;
  duration_ms: number;
  types: Record<string, { tasks: number; successes: number }>;
  errors: Record<string, number>;
  last_active: Date | null;
}

/** The column list of a fold row, for `jsonb_to_recordset(...) AS o(<columns>)`. */
export const FOLD_COLUMNS =
  sql.raw(`id uuid, tasks integer, successes integer, tokens real, duration_ms real,
  types jsonb, errors jsonb, last_active timestamptz`);

/**
 * The SET list folding a row `o` (the sum of o.tasks outcomes) into profile `p`, the same
 * fold as applyOutcome() (selection.ts) outcome by outcome; right-hand sides see the old row,
 * and averages fold a sum of n outcomes: avg + (sum - n·avg) / total. With `retire` the
 * agent is retired by the same change (a swarm's finished workers).
 */
export function foldSet(retire: boolean): Record<string, RawBuilder<unknown>> {
  return {
    tasks: sql`p.tasks + o.tasks`,
    successes: sql`p.successes + o.successes`,
    failures: sql`p.failures + o.tasks - o.successes`,
    success_rate: sql`(p.successes + o.successes)::real / greatest(p.tasks + o.tasks, 1)`,
    avg_tokens: sql`p.avg_tokens + (o.tokens - p.avg_tokens * o.tasks) / greatest(p.tasks + o.tasks, 1)`,
    avg_duration_ms: sql`p.avg_duration_ms + (o.duration_ms - p.avg_duration_ms * o.tasks) / greatest(p.tasks + o.tasks, 1)`,
    task_type_scores: sql`p.task_type_scores || coalesce((SELECT jsonb_object_agg(t.key, jsonb_build_object(
           'tasks', coalesce((p.task_type_scores -> t.key ->> 'tasks')::int, 0) + (t.value ->> 'tasks')::int,
           'successes', coalesce((p.task_type_scores -> t.key ->> 'successes')::int, 0) + (t.value ->> 'successes')::int))
           FROM jsonb_each(o.types) AS t), '{}'::jsonb)`,
    error_kinds: sql`p.error_kinds || coalesce((SELECT jsonb_object_agg(e.key, coalesce((p.error_kinds ->> e.key)::int, 0) + e.value::int)
           FROM jsonb_each_text(o.errors) AS e), '{}'::jsonb)`,
    last_active: sql`coalesce(o.last_active, p.last_active)`,
    running: retire ? sql`0` : sql`greatest(p.running - o.tasks, 0)`,
    status: retire
      ? sql`'retired'`
      : sql`CASE WHEN p.status = 'retired' THEN p.status WHEN p.running - o.tasks > 0 THEN 'busy' ELSE 'idle' END`,
    ...(retire ? { retired_at: sql`coalesce(p.retired_at, now())` } : {}),
    updated_at: sql`now()`,
  };
}

/** Outcomes of one agent summed for one fold (failures without a kind count as `other`). */
export function foldOf(id: string, outcomes: readonly Outcome[]): OutcomeFold {
  const types: Record<string, { tasks: number; successes: number }> = {};
  const errors: Record<string, number> = {};
  let successes = 0;
  let tokens = 0;
  let durationMs = 0;
  let lastActive: Date | null = null;
  for (const o of outcomes) {
    const type = (types[o.taskType] ??= { tasks: 0, successes: 0 });
    type.tasks++;
    if (o.success) {
      successes++;
      type.successes++;
    } else {
      const kind = o.errorKind ?? 'other';
      errors[kind] = (errors[kind] ?? 0) + 1;
    }
    tokens += o.tokens;
    durationMs += o.durationMs;
    if (!lastActive || o.at > lastActive) lastActive = o.at;
  }
  return {
    id,
    tasks: outcomes.length,
    successes,
    tokens,
    duration_ms: durationMs,
    types,
    errors,
    last_active: lastActive,
  };
}
