import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { EXECUTING_KINDS, taskTypeOf, TaskRequirements } from './agent-kinds';
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
    private readonly profiles: AgentProfileStore,
  ) {}

  /** Live executing agents, read inside the caller's transaction. */
  candidates(manager: EntityManager, tenantId: string): Promise<AgentProfileRow[]> {
    return this.profiles.liveIn(manager, tenantId, EXECUTING_KINDS);
  }

  select(rows: readonly AgentProfileRow[], task: TaskRequirements): Selection | undefined {
    return selectAgent(rows.map(candidateOf), task, {
      explorationRate: this.config.AGENT_EXPLORATION_RATE,
    });
  }

  async recommend(tenantId: string, task: TaskRequirements): Promise<Recommendation> {
    const rows = await this.profiles.live(tenantId, EXECUTING_KINDS);
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
