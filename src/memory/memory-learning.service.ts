import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { UnitOfWork } from '../database/transaction';
import type { NewGoalEvent } from '../events/goal-event-log.service';
import { goalFacts, goalMemoryInputs, reflectionInput } from './goal-memory-drafts';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { GraphFact, MemoryGraph } from './memory-graph.service';
import {
  intentCapabilities,
  LearnedGoal,
  LearnedTask,
  Recall,
  RecalledTask,
  RecallSearch,
} from './memory-learning.types';
import { MemorySearch } from './memory-search.service';
import { MemoryStore } from './memory-store.service';
import type { MemoryDraft } from './memory.types';

export type { Recall, RecalledTask } from './memory-learning.types';

/**
 * The governor's use of memory: recall before planning, the four memory types written at
 * WRITING_MEMORY, lessons at REFLECTING (critic rejections are learnt by
 * MemoryLessonListener as they happen).
 */
@Injectable()
export class MemoryLearning {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly embeddings: MemoryEmbeddings,
    private readonly searcher: MemorySearch,
    private readonly store: MemoryStore,
    private readonly graph: MemoryGraph,
  ) {}

  private get model(): string {
    return `${this.config.llmProvider}:${this.config.llmModel}`;
  }

  /**
   * The searches of a recall: embed the goal, retrieve similar memories and (for a first
   * plan) a procedure, extract lessons and experiences. Reads only, so it can run ahead,
   * while the goal's intent is being analyzed; `recall` completes it.
   */
  async search(
    goal: Pick<LearnedGoal, 'tenant_id' | 'goal'>,
    allowProcedure: boolean,
  ): Promise<RecallSearch> {
    const vector = await this.embeddings.embed(goal.goal);
    const hits = await this.searcher.searchVector(goal.tenant_id, vector, {
      k: this.config.MEMORY_RECALL_K,
      minSimilarity: this.config.MEMORY_RECALL_MIN_SIMILARITY,
      touch: false,
    });
    const recall: RecallSearch = { memories: [], lessons: [], experiences: [] };
    const procedures = allowProcedure
      ? await this.searcher.searchVector(goal.tenant_id, vector, {
          types: ['procedural'],
          k: 1,
          minSimilarity: this.config.MEMORY_PROCEDURE_MIN_SIMILARITY,
          touch: false,
        })
      : [];
    const best = procedures[0];
    const tasks = best?.memory.metadata.tasks as RecalledTask[] | undefined;
    if (best && best.memory.verified && Array.isArray(tasks) && tasks.length)
      recall.procedure = { memory_id: best.memory.id, similarity: best.similarity, tasks };
    for (const hit of [...hits, ...procedures]) {
      if (recall.memories.some((m) => m.id === hit.memory.id)) continue;
      recall.memories.push({
        id: hit.memory.id,
        type: hit.memory.type,
        similarity: hit.similarity,
        title: hit.memory.title,
      });
      if (hit.memory.type === 'strategic' && hit.memory.verified) {
        const lessons = hit.memory.metadata.lessons;
        for (const text of Array.isArray(lessons) ? (lessons as string[]) : [])
          if (!recall.lessons.some((l) => l.text === text))
            recall.lessons.push({ memory_id: hit.memory.id, text });
      }
      if (hit.memory.type === 'episodic')
        recall.experiences.push({
          memory_id: hit.memory.id,
          text: hit.memory.content.slice(0, 500),
        });
    }
    return recall;
  }

  /**
   * The rest of a recall once its searches are done (`search`), which the planner does not
   * wait for: one access counted for every memory recalled, and the agents that succeeded
   * before with the capabilities the intent names.
   */
  async recall(goal: LearnedGoal, searched: RecallSearch): Promise<Recall> {
    const recall: Recall = { ...searched, preferred_agents: [] };
    const capabilities = intentCapabilities(goal);
    // independent reads and writes: on PostgreSQL they run side by side
    const [, preferred] = await Promise.all([
      recall.memories.length
        ? this.store.countAccess(
            goal.tenant_id,
            recall.memories.map((m) => m.id),
          )
        : undefined,
      capabilities.length ? this.graph.preferredAgents(goal.tenant_id, capabilities) : [],
    ]);
    recall.preferred_agents = preferred;
    return recall;
  }

  /** WRITING_MEMORY: episodic, semantic, procedural and strategic memories of a verified goal. */
  async goalMemories(
    goal: LearnedGoal,
    tasks: LearnedTask[],
  ): Promise<{ drafts: MemoryDraft[]; facts: GraphFact[] }> {
    const drafts = await this.embeddings.draft(goalMemoryInputs(goal, tasks, this.model));
    return { drafts, facts: goalFacts(goal, tasks) };
  }

  /** The goal's memories (from `goalMemories`), inside the caller's transaction. */
  async persistGoalMemories(
    uow: UnitOfWork,
    tenantId: string,
    prepared: { drafts: MemoryDraft[] },
  ): Promise<{ ids: string[]; kinds: string[]; semanticId: string | null }> {
    const rows = await this.store.persist(uow, tenantId, prepared.drafts);
    const semantic = rows.find((r) => r.kind === 'semantic');
    return {
      ids: rows.map((r) => r.id),
      kinds: rows.map((r) => r.kind),
      semanticId: semantic?.id ?? null,
    };
  }

  /**
   * The goal's graph facts (from `goalMemories`), cited by its semantic memory. Entities
   * such as a capability or an agent are shared by every goal of the tenant: their rows
   * stay locked until the caller's transaction commits, so the caller links last.
   */
  linkGoalFacts(
    uow: UnitOfWork,
    tenantId: string,
    prepared: { facts: GraphFact[] },
    semanticId: string | null,
  ): Promise<void> {
    return this.graph.link(uow, tenantId, prepared.facts, semanticId);
  }

  persist(uow: UnitOfWork, tenantId: string, drafts: MemoryDraft[]) {
    return this.store.persist(uow, tenantId, drafts);
  }

  /**
   * REFLECTING: the critic rejections this goal overcame become verified lessons (the goal
   * then passed the critic, so the fix is known to work).
   */
  async reflection(goal: LearnedGoal): Promise<{ lessons: string[]; drafts: MemoryDraft[] }> {
    const lessons = (goal.failure_reasons ?? []).map((r) => `Avoid: ${r}`);
    if (!lessons.length) return { lessons, drafts: [] };
    const drafts = await this.embeddings.draft([reflectionInput(goal, lessons, this.model)]);
    return { lessons, drafts };
  }

  /** The memory.retrieved event of a recall, for the caller to store with its plan. */
  retrievedEvent(recall: Recall): NewGoalEvent {
    return {
      type: 'memory.retrieved',
      data: {
        memory_ids: recall.memories.map((m) => m.id),
        memories: recall.memories,
        lessons: recall.lessons.map((l) => l.text),
        procedure_id: recall.procedure?.memory_id ?? null,
        preferred_agents: recall.preferred_agents,
      },
    };
  }
}
