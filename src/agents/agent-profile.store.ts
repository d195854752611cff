import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { DataSource, EntityManager } from 'typeorm';
import { Conflict, isUuid, NotFound, uuidv7 } from '../../libs/common/src';
import { insertOrFindProfile, insertProfiles } from './agent-profile-inserts';
import type { SqlPart } from '../database/sql-parts';
import { AgentKind, AgentStatus, DEFAULT_PROFILES, ProfileSeed } from './agent-kinds';
import { AgentStats, Candidate, Outcome } from './selection';

export interface AgentProfileRow {
  id: string;
  tenant_id: string;
  kind: AgentKind;
  name: string;
  version: number;
  capabilities: string[];
  specializations: string[];
  system_prompt: string;
  model: string | null;
  status: AgentStatus;
  ephemeral: boolean;
  builtin: boolean;
  spawned_by_goal_id: string | null;
  running: number;
  tasks: number;
  successes: number;
  failures: number;
  success_rate: number;
  task_type_scores: Record<string, { tasks: number; successes: number }>;
  avg_tokens: number;
  avg_duration_ms: number;
  error_kinds: Record<string, number>;
  last_active: Date | null;
  reuse_count: number;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
}

export interface ProfileFilter {
  kind?: string;
  status?: string;
  limit: number;
  offset: number;
}

export interface NewProfile extends ProfileSeed {
  model?: string | null;
  ephemeral?: boolean;
  builtin?: boolean;
  spawnedByGoalId?: string | null;
}

export interface ProfilePatch {
  name?: string;
  capabilities?: string[];
  specializations?: string[];
  systemPrompt?: string;
  model?: string | null;
}

/**
 * Agent profiles per tenant: the defaults are seeded lazily on first use; every query is
 * scoped by tenant. Learned statistics change only through the outcome fold (`outcomesChange`).
 */
@Injectable()
export class AgentProfileStore implements OnApplicationBootstrap {
  private readonly seeded = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  /** Seeds the default tenant at start, so the first goal does not pay for it. */
  async onApplicationBootstrap(): Promise<void> {
    await this.ensureDefaults(DEFAULT_TENANT_ID).catch(() => undefined);
  }

  async ensureDefaults(tenantId: string): Promise<void> {
    if (this.seeded.has(tenantId)) return;
    const [{ n }]: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM agent_profiles WHERE tenant_id = $1 AND builtin`,
      [tenantId],
    );
    if (Number(n) === 0) {
      for (const seed of DEFAULT_PROFILES) {
        await this.dataSource.query(
          `INSERT INTO agent_profiles (id, tenant_id, kind, name, capabilities, specializations, system_prompt, builtin)
           SELECT $1, $2, $3, $4, $5, $6, $7, true
           WHERE NOT EXISTS (SELECT 1 FROM agent_profiles WHERE tenant_id = $2 AND builtin AND kind = $3)
           ON CONFLICT DO NOTHING`,
          [
            uuidv7(),
            tenantId,
            seed.kind,
            seed.name,
            seed.capabilities,
            seed.specializations,
            seed.systemPrompt,
          ],
        );
      }
    }
    this.seeded.add(tenantId);
  }

  async list(
    tenantId: string,
    filter: ProfileFilter,
  ): Promise<{ items: AgentProfileRow[]; total: number }> {
    await this.ensureDefaults(tenantId);
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (filter.kind) {
      params.push(filter.kind);
      where.push(`kind = $${params.length}`);
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    const [{ n }]: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM agent_profiles WHERE ${where.join(' AND ')}`,
      params,
    );
    const items: AgentProfileRow[] = await this.dataSource.query(
      `SELECT * FROM agent_profiles WHERE ${where.join(' AND ')} ORDER BY created_at, name LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    );
    return { items, total: Number(n) };
  }

  async get(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AgentProfileRow> {
    if (!isUuid(id)) throw new NotFound('agent', id);
    const rows: AgentProfileRow[] = await manager.query(
      `SELECT * FROM agent_profiles WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    if (!rows.length) throw new NotFound('agent', id);
    return rows[0];
  }

  async findByName(tenantId: string, name: string): Promise<AgentProfileRow | undefined> {
    await this.ensureDefaults(tenantId);
    const rows: AgentProfileRow[] = await this.dataSource.query(
      `SELECT * FROM agent_profiles WHERE tenant_id = $1 AND name = $2 AND status <> 'retired'`,
      [tenantId, name],
    );
    return rows[0];
  }

  /** Live (not retired) profiles of the given kinds; ephemeral workers excluded. */
  async live(tenantId: string, kinds: readonly AgentKind[]): Promise<AgentProfileRow[]> {
    await this.ensureDefaults(tenantId);
    return this.dataSource.query(
      `SELECT * FROM agent_profiles WHERE tenant_id = $1 AND kind = ANY($2) AND status <> 'retired' AND NOT ephemeral ORDER BY created_at`,
      [tenantId, kinds],
    );
  }

  async insert(manager: EntityManager, tenantId: string, p: NewProfile): Promise<AgentProfileRow> {
    const [row] = await this.insertMany(manager, tenantId, [p]);
    return row;
  }

  /** Inserts profiles in one statement (a swarm's workers); refuses a live name (409). */
  insertMany(
    manager: EntityManager,
    tenantId: string,
    profiles: readonly NewProfile[],
  ): Promise<AgentProfileRow[]> {
    return insertProfiles(manager, tenantId, profiles);
  }

  /** Inserts the profile, or answers the live one already holding its name. */
  insertOrFind(
    manager: EntityManager,
    tenantId: string,
    profile: NewProfile,
  ): Promise<{ row: AgentProfileRow; created: boolean }> {
    return insertOrFindProfile(manager, tenantId, profile);
  }

  async update(tenantId: string, id: string, patch: ProfilePatch): Promise<AgentProfileRow> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.get(tenantId, id, manager);
      if (current.status === 'retired')
        throw new Conflict('agent-retired', 'Agent retired', `Agent ${id} is retired.`);
      if (patch.name && patch.name !== current.name) {
        const taken: unknown[] = await manager.query(
          `SELECT 1 FROM agent_profiles WHERE tenant_id = $1 AND name = $2 AND status <> 'retired' AND id <> $3`,
          [tenantId, patch.name, id],
        );
        if (taken.length)
          throw new Conflict(
            'agent-name-taken',
            'Agent name taken',
            `An active agent named ${patch.name} already exists.`,
            { errors: [{ field: 'name', message: 'is already used by an active agent' }] },
          );
      }
      const rows: AgentProfileRow[] = await manager
        .query(
          `UPDATE agent_profiles SET name = $3, capabilities = $4, specializations = $5, system_prompt = $6, model = $7,
           version = version + 1, updated_at = now() WHERE id = $1 AND tenant_id = $2 RETURNING *`,
          [
            id,
            tenantId,
            patch.name ?? current.name,
            patch.capabilities ?? current.capabilities,
            patch.specializations ?? current.specializations,
            patch.systemPrompt ?? current.system_prompt,
            patch.model === undefined ? current.model : patch.model,
          ],
        )
        .then(([r]: [AgentProfileRow[]]) => r);
      return rows[0];
    });
  }

  /** Marks a profile retired; returns false when it already was. */
  async retire(manager: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE agent_profiles SET status = 'retired', running = 0, retired_at = now(), updated_at = now()
       WHERE id = $1 AND tenant_id = $2 AND status <> 'retired'`,
      [id, tenantId],
    );
    return affected === 1;
  }

  /** Marks one more attempt running on the agent; returns the profile (undefined when unknown). */
  async startWork(tenantId: string, id: string): Promise<AgentProfileRow | undefined> {
    const change = this.startWorkChange(tenantId, id);
    const [rows]: [AgentProfileRow[]] = await this.dataSource.query(change.sql, change.params);
    return rows[0];
  }

  /** `startWork` as a statement. */
  startWorkChange(tenantId: string, id: string): SqlPart {
    return {
      sql: `UPDATE agent_profiles SET running = running + 1, status = CASE WHEN status = 'retired' THEN status ELSE 'busy' END, updated_at = now()
       WHERE id = $1 AND tenant_id = $2 RETURNING *`,
      params: [id, tenantId],
    };
  }

  /**
   * `startWork` for many attempts as a CTE: one running slot per row of the `sibling` CTE
   * (rows with an `agent_id` uuid column, null for none), grouped per agent.
   */
  startWorkForRows(tenantId: string, sibling: string): SqlPart {
    return {
      sql: `UPDATE agent_profiles p SET running = p.running + s.n,
         status = CASE WHEN p.status = 'retired' THEN p.status ELSE 'busy' END, updated_at = now()
       FROM (SELECT agent_id, count(*)::int AS n FROM ${sibling} WHERE agent_id IS NOT NULL GROUP BY agent_id) s,
         ${lockedInIdOrder(`SELECT agent_id FROM ${sibling}`)} l
       WHERE p.id = s.agent_id AND p.id = l.id AND p.tenant_id = $1 RETURNING p.*`,
      params: [tenantId],
    };
  }

  async finishWork(tenantId: string, id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE agent_profiles SET running = greatest(running - 1, 0),
         status = CASE WHEN status = 'retired' THEN status WHEN running - 1 > 0 THEN 'busy' ELSE 'idle' END, updated_at = now()
       WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
  }

  /** The learning step as a data-modifying statement (for a single-statement change + event). */
  outcomeChange(tenantId: string, id: string, outcome: Outcome): SqlPart {
    return this.outcomesChange(tenantId, [{ id, outcomes: [outcome] }]);
  }

  /**
   * The learning step for several agents at once, as one data-modifying statement: the
   * same fold as applyOutcome() (selection.ts) outcome by outcome, freeing one running slot
   * per outcome. With `retire` the agents are retired by the same statement (a swarm's
   * finished workers).
   */
  outcomesChange(
    tenantId: string,
    folds: ReadonlyArray<{ id: string; outcomes: readonly Outcome[] }>,
    options: { retire?: boolean } = {},
  ): SqlPart {
    return {
      sql: `UPDATE agent_profiles p SET ${foldSet('o.tokens', options.retire ?? false)}
       FROM jsonb_to_recordset($2::jsonb) AS o(${FOLD_COLUMNS})
       WHERE p.id = o.id AND p.tenant_id = $1 RETURNING p.id`,
      params: [tenantId, JSON.stringify(folds.map((f) => foldOf(f.id, f.outcomes)))],
    };
  }

  /**
   * The learning step as a CTE folding the rows of the `folds` CTE, which has the columns of
   * a fold (`id, tasks, successes, tokens, duration_ms, types, errors, last_active`), one row
   * per agent: used when the outcomes themselves are computed in the same statement.
   */
  outcomesFromRows(tenantId: string, folds: string): SqlPart {
    return {
      sql: `UPDATE agent_profiles p SET ${foldSet('o.tokens', false)}
       FROM ${folds} o, ${lockedInIdOrder(`SELECT id FROM ${folds}`)} l
       WHERE p.id = o.id AND p.id = l.id AND p.tenant_id = $1 RETURNING p.id`,
      params: [tenantId],
    };
  }

  /** Folds each worker's outcomes into its stats and retires it, in one statement. */
  async retireWithOutcomes(
    manager: EntityManager,
    tenantId: string,
    workers: ReadonlyArray<{ id: string; outcomes: readonly Outcome[] }>,
  ): Promise<void> {
    if (!workers.length) return;
    const change = this.outcomesChange(tenantId, workers, { retire: true });
    await manager.query(change.sql, change.params);
  }

  /** Counts one more reuse of each profile; rows are locked in id order (no deadlock). */
  async markReused(
    manager: EntityManager,
    tenantId: string,
    ids: readonly string[],
  ): Promise<void> {
    if (!ids.length) return;
    await manager.query(
      `WITH locked AS MATERIALIZED (
         SELECT id FROM agent_profiles WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE)
       UPDATE agent_profiles p SET reuse_count = p.reuse_count + 1, updated_at = now()
       FROM locked WHERE p.id = locked.id AND p.tenant_id = $1`,
      [tenantId, [...ids]],
    );
  }

  async countRunning(manager: EntityManager, tenantId: string): Promise<number> {
    const [{ n }]: Array<{ n: string }> = await manager.query(
      `SELECT count(*) AS n FROM agent_profiles WHERE tenant_id = $1 AND running > 0 AND status <> 'retired' AND NOT builtin`,
      [tenantId],
    );
    return Number(n);
  }

  async countSpawnedForGoal(
    manager: EntityManager,
    tenantId: string,
    goalId: string,
  ): Promise<number> {
    const [{ n }]: Array<{ n: string }> = await manager.query(
      `SELECT count(*) AS n FROM agent_profiles WHERE tenant_id = $1 AND spawned_by_goal_id = $2`,
      [tenantId, goalId],
    );
    return Number(n);
  }
}

/**
 * The tenant's profiles whose ids `ids` (a sub-select) lists, locked in id order, as a FROM
 * item for a statement updating several profiles. Profiles are shared by concurrent goals:
 * every such statement takes their locks in the same order, so none deadlocks another.
 */
function lockedInIdOrder(ids: string): string {
  return `(SELECT id FROM agent_profiles WHERE tenant_id = $1 AND id IN (${ids}) ORDER BY id FOR UPDATE)`;
}

const FOLD_COLUMNS = `id uuid, tasks integer, successes integer, tokens real, duration_ms real,
  types jsonb, errors jsonb, last_active timestamptz`;

/**
 * The SET list folding a row `o` (the sum of o.tasks outcomes) into profile `p`; right-hand
 * sides see the old row, and averages fold a sum of n outcomes: avg + (sum - n·avg) / total.
 */
function foldSet(tokens: string, retire: boolean): string {
  const running = retire ? '0' : 'greatest(p.running - o.tasks, 0)';
  const status = retire
    ? `'retired', retired_at = coalesce(p.retired_at, now())`
    : `CASE WHEN p.status = 'retired' THEN p.status WHEN p.running - o.tasks > 0 THEN 'busy' ELSE 'idle' END`;
  return `tasks = p.tasks + o.tasks,
         successes = p.successes + o.successes,
         failures = p.failures + o.tasks - o.successes,
         success_rate = (p.successes + o.successes)::real / greatest(p.tasks + o.tasks, 1),
         avg_tokens = p.avg_tokens + (${tokens} - p.avg_tokens * o.tasks) / greatest(p.tasks + o.tasks, 1),
         avg_duration_ms = p.avg_duration_ms + (o.duration_ms - p.avg_duration_ms * o.tasks) / greatest(p.tasks + o.tasks, 1),
         task_type_scores = p.task_type_scores || coalesce((SELECT jsonb_object_agg(t.key, jsonb_build_object(
           'tasks', coalesce((p.task_type_scores -> t.key ->> 'tasks')::int, 0) + (t.value ->> 'tasks')::int,
           'successes', coalesce((p.task_type_scores -> t.key ->> 'successes')::int, 0) + (t.value ->> 'successes')::int))
           FROM jsonb_each(o.types) AS t), '{}'::jsonb),
         error_kinds = p.error_kinds || coalesce((SELECT jsonb_object_agg(e.key, coalesce((p.error_kinds ->> e.key)::int, 0) + e.value::int)
           FROM jsonb_each_text(o.errors) AS e), '{}'::jsonb),
         last_active = coalesce(o.last_active, p.last_active),
         running = ${running},
         status = ${status},
         updated_at = now()`;
}

/** Outcomes of one agent summed for one fold (failures without a kind count as `other`). */
function foldOf(id: string, outcomes: readonly Outcome[]) {
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

export function statsOf(row: AgentProfileRow): AgentStats {
  return {
    tasks: row.tasks,
    successes: row.successes,
    failures: row.failures,
    avgTokens: Number(row.avg_tokens),
    avgDurationMs: Number(row.avg_duration_ms),
    taskTypeScores: row.task_type_scores ?? {},
    errorKinds: row.error_kinds ?? {},
    lastActive: row.last_active ? new Date(row.last_active) : null,
  };
}

export function candidateOf(row: AgentProfileRow): Candidate {
  return {
    id: row.id,
    name: row.name,
    capabilities: row.capabilities,
    specializations: row.specializations,
    stats: statsOf(row),
  };
}
