import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { DataSource, EntityManager } from 'typeorm';
import { Conflict, isUuid, NotFound, uuidv7 } from '../../libs/common/src';
import type { UnitOfWork } from '../database/transaction';
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
 * scoped by tenant. Learned statistics change only through `recordOutcome`.
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
    const taken: unknown[] = await manager.query(
      `SELECT 1 FROM agent_profiles WHERE tenant_id = $1 AND name = $2 AND status <> 'retired'`,
      [tenantId, p.name],
    );
    if (taken.length)
      throw new Conflict(
        'agent-name-taken',
        'Agent name taken',
        `An active agent named ${p.name} already exists.`,
        { errors: [{ field: 'name', message: 'is already used by an active agent' }] },
      );
    const rows: AgentProfileRow[] = await manager.query(
      `INSERT INTO agent_profiles (id, tenant_id, kind, name, capabilities, specializations, system_prompt, model, ephemeral, builtin, spawned_by_goal_id, status, running)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING *`,
      [
        uuidv7(),
        tenantId,
        p.kind,
        p.name,
        p.capabilities,
        p.specializations,
        p.systemPrompt,
        p.model ?? null,
        p.ephemeral ?? false,
        p.builtin ?? false,
        p.spawnedByGoalId ?? null,
        p.ephemeral ? 'busy' : 'idle',
        p.ephemeral ? 1 : 0,
      ],
    );
    return rows[0];
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

  /** `startWork` as a statement; as a CTE, `sibling` names the CTE whose row it requires. */
  startWorkChange(tenantId: string, id: string, sibling?: string): SqlPart {
    const requires = sibling ? `EXISTS (SELECT 1 FROM ${sibling}) AND ` : '';
    return {
      sql: `UPDATE agent_profiles SET running = running + 1, status = CASE WHEN status = 'retired' THEN status ELSE 'busy' END, updated_at = now()
       WHERE ${requires}id = $1 AND tenant_id = $2 RETURNING *`,
      params: [id, tenantId],
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

  /**
   * The learning step as a data-modifying statement (for a single-statement change + event):
   * folds the outcome into the stats and frees one running slot. As a CTE of a larger
   * statement, `sibling` names the CTE it depends on: the row changes only if that CTE
   * returned a row, and the tokens are read from its `tokens` column.
   */
  outcomeChange(tenantId: string, id: string, outcome: Outcome, sibling?: string): SqlPart {
    const tokens = sibling
      ? `coalesce((SELECT tokens FROM ${sibling} LIMIT 1)::real, $4::real)`
      : '$4::real';
    const requires = sibling ? `EXISTS (SELECT 1 FROM ${sibling}) AND ` : '';
    // the same fold as applyOutcome() (selection.ts); right-hand sides see the old row
    return {
      sql: `UPDATE agent_profiles SET
         tasks = tasks + 1,
         successes = successes + $3::int,
         failures = failures + (1 - $3::int),
         success_rate = (successes + $3::int)::real / (tasks + 1),
         avg_tokens = avg_tokens + (${tokens} - avg_tokens) / (tasks + 1),
         avg_duration_ms = avg_duration_ms + ($5::real - avg_duration_ms) / (tasks + 1),
         task_type_scores = task_type_scores || jsonb_build_object($6::text, jsonb_build_object(
           'tasks', coalesce((task_type_scores -> $6::text ->> 'tasks')::int, 0) + 1,
           'successes', coalesce((task_type_scores -> $6::text ->> 'successes')::int, 0) + $3::int)),
         error_kinds = CASE WHEN $7::text IS NULL THEN error_kinds
           ELSE error_kinds || jsonb_build_object($7::text, coalesce((error_kinds ->> $7::text)::int, 0) + 1) END,
         last_active = $8,
         running = greatest(running - 1, 0),
         status = CASE WHEN status = 'retired' THEN status WHEN running - 1 > 0 THEN 'busy' ELSE 'idle' END,
         updated_at = now()
       WHERE ${requires}id = $1 AND tenant_id = $2 RETURNING id`,
      params: [
        id,
        tenantId,
        outcome.success ? 1 : 0,
        outcome.tokens,
        outcome.durationMs,
        outcome.taskType,
        outcome.success ? null : (outcome.errorKind ?? 'other'),
        outcome.at,
      ],
    };
  }

  async recordOutcome(
    uow: UnitOfWork,
    tenantId: string,
    id: string,
    outcome: Outcome,
  ): Promise<boolean> {
    const change = this.outcomeChange(tenantId, id, outcome);
    const [rows]: [Array<{ id: string }>] = await uow.manager.query(change.sql, change.params);
    return rows.length === 1;
  }

  async markReused(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await manager.query(
      `UPDATE agent_profiles SET reuse_count = reuse_count + 1, updated_at = now() WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
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
