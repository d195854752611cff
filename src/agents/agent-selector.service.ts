import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../database/transaction';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { AgentKindRegistry } from './agent-kind-registry';
import { taskTypeOf, TaskRequirements } from './agent-kinds';
import { AgentProfileRow, AgentProfileStore, candidateOf } from './agent-profile.store';
import {
  rankCandidates,
  requirementFit,
  ScoredCandidate,
  selectAgent,
  Selection,
} from './selection';

export interface Recommendation {
  task_type: string;
  capabilities: string[];
  threshold: number;
  would_spawn: boolean;
  candidates: Array<{
    agent_id: string;
    name: string;
    kind: string;
    score: number;
    requirement_fit: number;
    breakdown: ScoredCandidate['breakdown'];
    avg_tokens: number;
  }>;
}

/** Learned selection over a tenant's live executing agents (the seed's score, see selection.ts). */
@Injectable()
export class AgentSelector {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly profiles: AgentProfileStore,
    private readonly kinds: AgentKindRegistry,
  ) {}

  /**
   * Live executing agents, read inside the caller's transaction. An added kind without a
   * live profile in the tenant gets one first (once; later reads find it).
   */
  async candidates(manager: EntityManager, tenantId: string): Promise<AgentProfileRow[]> {
    const rows = await this.profiles.liveIn(manager, tenantId, this.kinds.executingKinds());
    for (const kind of this.kinds.addedKinds()) {
      if (rows.some((r) => r.kind === kind.kind)) continue;
      const placed = await this.profiles.insertOrFind(manager, tenantId, this.kinds.seedOf(kind));
      if (placed.row.kind === kind.kind) rows.push(placed.row);
    }
    return rows;
  }

  select(rows: readonly AgentProfileRow[], task: TaskRequirements): Selection | undefined {
    return selectAgent(rows.map(candidateOf), task, {
      explorationRate: this.config.AGENT_EXPLORATION_RATE,
    });
  }

  async recommend(tenantId: string, task: TaskRequirements): Promise<Recommendation> {
    await this.profiles.ensureDefaults(tenantId);
    const rows = await inTransaction(this.dataSource, (uow) =>
      this.candidates(uow.manager, tenantId),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ranked = rankCandidates(rows.map(candidateOf), task);
    return {
      task_type: taskTypeOf(task),
      capabilities: task.capabilities,
      threshold: this.config.AGENT_SPAWN_THRESHOLD,
      would_spawn:
        !ranked.length ||
        Math.max(...ranked.map((r) => requirementFit(r.breakdown))) <
          this.config.AGENT_SPAWN_THRESHOLD,
      candidates: ranked.map((r) => ({
        agent_id: r.candidate.id,
        name: r.candidate.name,
        kind: byId.get(r.candidate.id)!.kind,
        score: r.score,
        requirement_fit: requirementFit(r.breakdown),
        breakdown: r.breakdown,
        avg_tokens: Math.round(r.candidate.stats.avgTokens),
      })),
    };
  }
}
