import { isDeepStrictEqual } from 'node:util';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Conflict, isUuid, NotFound, uuidv7 } from '#common';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { DEFAULT_PROFILES, ProfileSeed } from './agent-kinds';
import { foldOf } from './agent-profile-fold';
import { insertOrFindProfile, insertProfiles, nameTaken } from './agent-profile-inserts';
import { AgentProfileRepository, type AgentProfileRow } from './agent-profile.repository';
import { AgentStats, Candidate, Outcome } from './selection';

export type { AgentProfileRow } from './agent-profile.repository';
export { OUTCOME_COLUMNS } from './agent-profile.statements';

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

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AgentProfileRepository,
  ) {}

  /** Seeds the default tenant at start, so the first goal does not pay for it. */
  async onApplicationBootstrap(): Promise<void> {
    await this.ensureDefaults(DEFAULT_TENANT_ID).catch(() => undefined);
  }

  async ensureDefaults(tenantId: string): Promise<void> {
    if (this.seeded.has(tenantId)) return;
    if ((await this.repository.builtinCount(this.dataSource, tenantId)) === 0) {
      for (const seed of DEFAULT_PROFILES) {
        await this.repository.seedBuiltin(this.dataSource, tenantId, {
          id: uuidv7(),
          kind: seed.kind,
          name: seed.name,
          capabilities: seed.capabilities,
          specializations: seed.specializations,
          system_prompt: seed.systemPrompt,
        });
      }
    }
    this.seeded.add(tenantId);
  }

  async list(
    tenantId: string,
    filter: ProfileFilter,
  ): Promise<{ items: AgentProfileRow[]; total: number }> {
    await this.ensureDefaults(tenantId);
    const total = await this.repository.pageCount(this.dataSource, tenantId, filter);
    const items = await this.repository.page(this.dataSource, tenantId, filter);
    return { items, total };
  }

  async get(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AgentProfileRow> {
    if (!isUuid(id)) throw new NotFound('agent', id);
    const row = await this.repository.byId(manager, tenantId, id);
    if (!row) throw new NotFound('agent', id);
    return row;
  }

  async findByName(tenantId: string, name: string): Promise<AgentProfileRow | undefined> {
    await this.ensureDefaults(tenantId);
    return this.repository.liveByName(this.dataSource, tenantId, name);
  }

  /** Live (not retired) profiles of the given kinds; ephemeral workers excluded. */
  async live(tenantId: string, kinds: readonly string[]): Promise<AgentProfileRow[]> {
    await this.ensureDefaults(tenantId);
    return this.repository.liveOfKinds(this.dataSource, tenantId, kinds);
  }

  /** Live executing agents of the given kinds, read inside the caller's transaction. */
  liveIn(
    manager: EntityManager,
    tenantId: string,
    kinds: readonly string[],
  ): Promise<AgentProfileRow[]> {
    return this.repository.liveOfKinds(manager, tenantId, kinds);
  }

  /** Live names equal to `base` or `base-<suffix>`, read inside the caller's transaction. */
  liveNamesLike(manager: EntityManager, tenantId: string, base: string): Promise<string[]> {
    return this.repository.liveNamesLike(manager, tenantId, base);
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
    return insertProfiles(this.repository, manager, tenantId, profiles);
  }

  /** Inserts the profile, or answers the live one already holding its name. */
  insertOrFind(
    manager: EntityManager,
    tenantId: string,
    profile: NewProfile,
  ): Promise<{ row: AgentProfileRow; created: boolean }> {
    return insertOrFindProfile(this.repository, manager, tenantId, profile);
  }

  async update(tenantId: string, id: string, patch: ProfilePatch): Promise<AgentProfileRow> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.get(tenantId, id, manager);
      if (current.status === 'retired')
        throw new Conflict('agent-retired', 'Agent retired', `Agent ${id} is retired.`);
      if (
        patch.name &&
        patch.name !== current.name &&
        (await this.repository.isNameTakenByOther(manager, tenantId, patch.name, id))
      )
        throw nameTaken(patch.name);
      const edit = {
        name: patch.name ?? current.name,
        capabilities: patch.capabilities ?? current.capabilities,
        specializations: patch.specializations ?? current.specializations,
        system_prompt: patch.systemPrompt ?? current.system_prompt,
        model: patch.model === undefined ? current.model : patch.model,
      };
      // a change that changes nothing keeps the version: it counts edits, not requests
      if (
        (Object.keys(edit) as Array<keyof typeof edit>).every((k) =>
          isDeepStrictEqual(edit[k], current[k]),
        )
      )
        return current;
      const row = await this.repository.edit(manager, tenantId, id, edit);
      return row!;
    });
  }

  /** Marks a profile retired; returns false when it already was. */
  retire(manager: EntityManager, tenantId: string, id: string): Promise<boolean> {
    return this.repository.retire(manager, tenantId, id);
  }

  /** Marks one more attempt running on the agent; returns the profile (undefined when unknown). */
  startWork(tenantId: string, id: string): Promise<AgentProfileRow | undefined> {
    return this.repository.startWork(this.dataSource, tenantId, id);
  }

  /**
   * `startWork` for many attempts as a CTE: one running slot per row of the start
   * statement's `change` CTE (rows with an `agent_id` uuid column, null for none), per agent.
   */
  startWorkForStarts(tenantId: string) {
    return this.repository.startWorkForStarts(tenantId);
  }

  finishWork(tenantId: string, id: string): Promise<void> {
    return this.repository.finishWork(this.dataSource, tenantId, id);
  }

  /** The learning step as a data-modifying statement (for a single-statement change + event). */
  outcomeChange(tenantId: string, id: string, outcome: Outcome) {
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
  ) {
    return this.repository.foldOutcomesChange(
      tenantId,
      folds.map((f) => foldOf(f.id, f.outcomes)),
      options.retire ?? false,
    );
  }

  /** The `folds` CTE: the successful outcomes of the stored completions, summed per agent. */
  outcomesOfCompletions() {
    return this.repository.foldsOfCompletions();
  }

  /**
   * The learning step as a CTE folding the rows of the `folds` CTE (one row per agent):
   * used when the outcomes themselves are computed in the same statement.
   */
  outcomesFromRows(tenantId: string) {
    return this.repository.foldFromRows(tenantId);
  }

  /** Folds each worker's outcomes into its stats and retires it, in one statement. */
  async retireWithOutcomes(
    manager: EntityManager,
    tenantId: string,
    workers: ReadonlyArray<{ id: string; outcomes: readonly Outcome[] }>,
  ): Promise<void> {
    if (!workers.length) return;
    await this.repository.foldOutcomes(
      manager,
      tenantId,
      workers.map((w) => foldOf(w.id, w.outcomes)),
      true,
    );
  }

  /** Counts one more reuse of each profile; rows are locked in id order (no deadlock). */
  markReused(manager: EntityManager, tenantId: string, ids: readonly string[]): Promise<void> {
    return this.repository.markReused(manager, tenantId, ids);
  }

  /** Holds the tenant's other spawns until this transaction ends (a quota counted, then used). */
  lockSpawns(manager: EntityManager, tenantId: string): Promise<void> {
    return this.repository.lockSpawns(manager, tenantId);
  }

  countRunning(manager: EntityManager, tenantId: string): Promise<number> {
    return this.repository.countRunning(manager, tenantId);
  }

  countSpawnedForGoal(manager: EntityManager, tenantId: string, goalId: string): Promise<number> {
    return this.repository.countSpawnedForGoal(manager, tenantId, goalId);
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
