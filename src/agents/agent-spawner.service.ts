import { SafetyViolation } from '../safety/safety-errors';
import { SafetyGate } from '../safety/safety-gate.service';
import { QuotaService } from '../quotas/quota.service';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { UnitOfWork } from '../database/transaction';
import { GoalEventLog, NewGoalEvent } from '../events/goal-event-log.service';
import { HookManager } from '../hooks/hook-manager';
import { KIND_SPECS, ProfileSeed } from './agent-kinds';
import { AgentProfileRow, AgentProfileStore } from './agent-profile.store';
import { decideSpawn, decideWorkerSpawns, SpawnLimits } from './spawn-policy';

export interface SpawnRequest {
  tenantId: string;
  goalId: string;
  seed: ProfileSeed;
  ephemeral: boolean;
  /** Best existing score for the task; undefined when the spawn is not about fit (swarm workers). */
  bestScore?: number;
  reason: string;
  taskId?: string;
}

export interface SpawnResult {
  agent: AgentProfileRow;
  /** False when a live profile of the same kind and name was joined instead. */
  created: boolean;
}

/** How many names a spawn tries when each is taken by a profile of another kind. */
const MAX_NAME_ROUNDS = 5;

/**
 * Spawns agents within the safety limits (per goal, running at once). A spawn the limits
 * stop is recorded on the goal as a `safety.violation`.
 */
@Injectable()
export class AgentSpawner {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly profiles: AgentProfileStore,
    private readonly events: GoalEventLog,
    private readonly gate: SafetyGate,
    private readonly quotas: QuotaService,
    private readonly hooks: HookManager,
  ) {}

  get limits(): SpawnLimits {
    return {
      threshold: this.config.AGENT_SPAWN_THRESHOLD,
      perGoal: this.config.AGENT_SPAWN_LIMIT_PER_GOAL,
      running: this.config.AGENT_MAX_RUNNING,
    };
  }

  /**
   * The limits for a spawn in this tenant: its agents quota caps the agents running at once.
   * With a quota, the tenant's spawns wait for each other to the end of their transactions,
   * so two concurrent spawns cannot both take the last place.
   */
  private async limitsFor(uow: UnitOfWork, tenantId: string): Promise<SpawnLimits> {
    const quota = await this.quotas.limitOf(tenantId, 'agents', uow.manager);
    if (quota === null) return this.limits;
    await this.profiles.lockSpawns(uow.manager, tenantId);
    return { ...this.limits, running: Math.min(this.limits.running, quota) };
  }

  /** Whether a task whose best agent scores `bestScore` needs a new one. */
  needsSpawn(bestScore: number | undefined): boolean {
    return bestScore === undefined || bestScore < this.config.AGENT_SPAWN_THRESHOLD;
  }

  /**
   * Spawns one agent, or joins the live profile of the same kind already holding its name
   * (`created: false`, no agent.spawned event); undefined when the limits or the gate refuse.
   */
  async spawn(uow: UnitOfWork, request: SpawnRequest): Promise<SpawnResult | undefined> {
    const { tenantId, goalId } = request;
    const limits = await this.limitsFor(uow, tenantId);
    const spawned = await this.profiles.countSpawnedForGoal(uow.manager, tenantId, goalId);
    const running = await this.profiles.countRunning(uow.manager, tenantId);
    const decision = decideSpawn(request.bestScore, spawned, running, limits);
    if ('blocked' in decision) {
      await this.events.append(
        uow,
        tenantId,
        goalId,
        'safety.violation',
        {
          check: decision.check,
          detail: `spawn of ${request.seed.name} stopped: ${decision.reason}`,
          ...(request.taskId ? { task_id: request.taskId } : {}),
        },
        request.taskId ?? null,
      );
      return undefined;
    }
    if (!decision.spawn) return undefined;
    // the safety gate sees every spawn (agents spawned per goal, depth, budgets); a refusal is
    // recorded on the goal and task with its event, and the task falls back to an existing agent
    try {
      await this.gate.checkAgentSpawn(
        { tenantId, goalId, taskId: request.taskId },
        { name: request.seed.name, depth: 1 },
        uow,
      );
    } catch (error) {
      if (error instanceof SafetyViolation) return undefined;
      throw error;
    }
    const placed = await this.place(uow, request, spawned);
    if (!placed.created) return { agent: placed.row, created: false };
    const row = placed.row;
    await this.events.append(
      uow,
      tenantId,
      goalId,
      'agent.spawned',
      {
        agent_id: row.id,
        agent_kind: row.kind,
        name: row.name,
        capabilities: row.capabilities,
        reason: `${request.reason} (${decision.reason})`,
        ephemeral: request.ephemeral,
        ...(request.taskId ? { task_id: request.taskId } : {}),
      },
      request.taskId ?? null,
    );
    this.afterSpawn(uow, tenantId, goalId, request.taskId ?? null, [row]);
    return { agent: row, created: true };
  }

  /**
   * Find-or-create of the spawned profile. A live profile of the same kind already under
   * the chosen name (an earlier attempt of this step, or another goal spawning the same
   * specialist at the same moment) is joined instead of failing on the unique name; a name
   * taken by another kind moves on to the next free name.
   */
  private async place(
    uow: UnitOfWork,
    request: SpawnRequest,
    spawned: number,
  ): Promise<{ row: AgentProfileRow; created: boolean }> {
    const { tenantId, goalId, seed } = request;
    for (let round = 1; ; round++) {
      const name = request.ephemeral
        ? `${seed.name}-${goalId.slice(-12)}-${spawned + round}`
        : await this.freeName(tenantId, seed.name, uow);
      const placed = await this.profiles.insertOrFind(uow.manager, tenantId, {
        ...seed,
        name,
        ephemeral: request.ephemeral,
        spawnedByGoalId: goalId,
      });
      if (placed.created) return placed;
      const joinable = placed.row.kind === seed.kind && placed.row.ephemeral === request.ephemeral;
      if (joinable || round >= MAX_NAME_ROUNDS) return placed;
    }
  }

  /**
   * Ephemeral swarm workers for one task, as many as the limits allow up to `count`, spawned
   * together: one limit check, one gate check, one insert and one event statement, with
   * the same checks, counts and events as spawning them one by one.
   */
  async spawnWorkers(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    taskId: string,
    count: number,
  ): Promise<AgentProfileRow[]> {
    const spec = KIND_SPECS.swarm_worker;
    const limits = await this.limitsFor(uow, tenantId);
    const spawned = await this.profiles.countSpawnedForGoal(uow.manager, tenantId, goalId);
    const running = await this.profiles.countRunning(uow.manager, tenantId);
    const limited = decideWorkerSpawns(count, spawned, running, limits);
    const gated = await this.gate.checkAgentSpawns(
      { tenantId, goalId, taskId },
      { name: 'swarm-worker', depth: 1 },
      limited.allowed,
      uow,
    );
    const rows = await this.profiles.insertMany(
      uow.manager,
      tenantId,
      Array.from({ length: gated.allowed }, (_, i) => ({
        kind: 'swarm_worker' as const,
        name: `swarm-worker-${goalId.slice(-12)}-${spawned + i + 1}`,
        capabilities: spec.capabilities,
        specializations: [],
        systemPrompt: spec.systemPrompt,
        ephemeral: true,
        spawnedByGoalId: goalId,
      })),
    );
    const events: NewGoalEvent[] = rows.map((row) => ({
      type: 'agent.spawned',
      data: {
        agent_id: row.id,
        agent_kind: row.kind,
        name: row.name,
        capabilities: row.capabilities,
        reason: `swarm worker for a unit of parallel work (${limited.spawnReason})`,
        ephemeral: true,
        task_id: taskId,
      },
      taskId,
    }));
    // the limits stopped the rest (a refusal by the gate is recorded by the gate)
    if (limited.blocked && !gated.refusal)
      events.push({
        type: 'safety.violation',
        data: {
          check: limited.blocked.check,
          detail: `spawn of swarm-worker stopped: ${limited.blocked.reason}`,
          task_id: taskId,
        },
        taskId,
      });
    await this.events.appendMany(uow, tenantId, goalId, events);
    this.afterSpawn(uow, tenantId, goalId, taskId, rows);
    return rows;
  }

  /** Plugins' `agent.after_spawn` handlers see each new agent once its spawn has committed. */
  private afterSpawn(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    taskId: string | null,
    rows: AgentProfileRow[],
  ): void {
    if (!rows.length || !this.hooks.has('agent.after_spawn')) return;
    uow.afterCommit(() => {
      (async () => {
        for (const row of rows)
          await this.hooks.emit('agent.after_spawn', tenantId, {
            goal_id: goalId,
            task_id: taskId,
            agent_id: row.id,
            agent_kind: row.kind,
            name: row.name,
            capabilities: row.capabilities,
            ephemeral: row.ephemeral,
          });
      })().catch(() => undefined);
    });
  }

  private async freeName(tenantId: string, base: string, uow: UnitOfWork): Promise<string> {
    const taken = new Set(await this.profiles.liveNamesLike(uow.manager, tenantId, base));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }
}
