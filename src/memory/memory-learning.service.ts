import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction, UnitOfWork } from '../database/transaction';
import type { GoalEventRecord } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import type { NewGoalEvent } from '../events/goal-event-log.service';
import { GraphFact, MemoryService } from './memory.service';
import type { MemoryDraft, MemoryInput } from './memory.types';
import { procedureKey } from './procedure-key';

/** What a goal recalls before planning: lessons, a reusable procedure, past experiences. */
export interface Recall {
  memories: Array<{ id: string; type: string; similarity: number; title: string | null }>;
  lessons: Array<{ memory_id: string; text: string }>;
  procedure?: { memory_id: string; similarity: number; tasks: RecalledTask[] };
  experiences: Array<{ memory_id: string; text: string }>;
  preferred_agents: Array<{ capability: string; agent: string; successes: number }>;
}

export interface RecalledTask {
  key: string;
  title: string;
  description: string;
  depends_on: string[];
  capabilities: string[];
  acceptance_criteria?: string;
}

interface GoalLike {
  id: string;
  tenant_id: string;
  title: string;
  goal: string;
  pattern: string | null;
  complexity: string | null;
  intent: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  failure_reasons: string[];
  replan_count: number;
  plan_version: number;
}

interface TaskLike {
  id: string;
  key: string;
  title: string;
  description: string;
  depends_on: string[];
  capabilities: string[];
  acceptance_criteria: string | null;
  status: string;
  agent_id: string | null;
  agent_kind: string | null;
}

/**
 * The governor's use of memory: recall before planning, the four memory types written at
 * WRITING_MEMORY, lessons at REFLECTING and from critic rejections. Lessons and procedures
 * come only from critic-verified outcomes and carry provenance (goal, task, agent, model).
 */
@Injectable()
export class MemoryLearning implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MemoryLearning');
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly memory: MemoryService,
    private readonly bus: EventBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => {
      if (event.type === 'critic.verdict' || event.type === 'goal.failed')
        void this.onEvent(event).catch((error: Error) =>
          this.logger.warn(
            `could not learn from ${event.type} of goal ${event.goal_id}: ${error.message}`,
          ),
        );
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private get model(): string {
    return `${this.config.llmProvider}:${this.config.llmModel}`;
  }

  /**
   * The searches of a recall: embed the goal, retrieve similar memories and (for a first
   * plan) a procedure, extract lessons and experiences. Reads only, so it can run ahead,
   * while the goal's intent is being analyzed; `recall` completes it.
   */
  async search(
    goal: Pick<GoalLike, 'tenant_id' | 'goal'>,
    allowProcedure: boolean,
  ): Promise<Omit<Recall, 'preferred_agents'>> {
    const vector = await this.memory.embed(goal.goal);
    const min = this.config.MEMORY_RECALL_MIN_SIMILARITY;
    const hits = await this.memory.searchVector(goal.tenant_id, vector, {
      k: this.config.MEMORY_RECALL_K,
      minSimilarity: min,
      touch: false,
    });
    const recall: Omit<Recall, 'preferred_agents'> = { memories: [], lessons: [], experiences: [] };
    const procedures = allowProcedure
      ? await this.memory.searchVector(goal.tenant_id, vector, {
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
   * Memory query before planning: the searches (or their result, when they ran ahead),
   * one access counted for every memory recalled, and the agents that succeeded before
   * with the capabilities the intent names.
   */
  async recall(
    goal: GoalLike,
    allowProcedure: boolean,
    searched?: Omit<Recall, 'preferred_agents'>,
  ): Promise<Recall> {
    const recall: Recall = {
      ...(searched ?? (await this.search(goal, allowProcedure))),
      preferred_agents: [],
    };
    const capabilities = Array.isArray(goal.intent?.capabilities)
      ? (goal.intent.capabilities as string[])
      : [];
    // independent reads and writes: on PostgreSQL they run side by side
    const [, preferred] = await Promise.all([
      recall.memories.length
        ? this.dataSource.query(
            `UPDATE memories SET access_count = access_count + 1, last_accessed_at = now()
             WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
            [goal.tenant_id, recall.memories.map((m) => m.id)],
          )
        : undefined,
      capabilities.length
        ? (this.dataSource.query(
            `SELECT s.name AS capability, t.name AS agent, r.weight FROM memory_relations r
             JOIN memory_entities s ON s.id = r.source_id JOIN memory_entities t ON t.id = r.target_id
             WHERE r.tenant_id = $1 AND r.relation = 'succeeded_with' AND s.type = 'capability' AND s.name = ANY($2::text[])
             ORDER BY r.weight DESC LIMIT 10`,
            [goal.tenant_id, capabilities.map((c) => c.toLowerCase())],
          ) as Promise<Array<{ capability: string; agent: string; weight: number }>>)
        : [],
    ]);
    recall.preferred_agents = preferred.map((r) => ({
      capability: r.capability,
      agent: r.agent,
      successes: Number(r.weight),
    }));
    return recall;
  }

  /** WRITING_MEMORY: episodic, semantic, procedural and strategic memories of a verified goal. */
  async goalMemories(
    goal: GoalLike,
    tasks: TaskLike[],
  ): Promise<{ drafts: MemoryDraft[]; facts: GraphFact[] }> {
    const result = (goal.result ?? {}) as {
      summary?: string;
      verdict?: { score?: number; feedback?: string };
    };
    const score = Number(result.verdict?.score ?? 0);
    const capabilities = Array.isArray(goal.intent?.capabilities)
      ? (goal.intent.capabilities as string[])
      : [];
    const agents = [...new Set(tasks.map((t) => t.agent_id).filter((a): a is string => !!a))];
    const source = { goal_id: goal.id, agent: 'governor', model: this.model };
    const provenance = {
      goal_id: goal.id,
      plan_version: goal.plan_version,
      verified_by: 'critic',
      critic_score: score,
      agents,
      model: this.model,
      task_ids: tasks.map((t) => t.id),
    };
    const summary = String(result.summary ?? '').slice(0, 1500);
    const inputs: MemoryInput[] = [
      {
        type: 'episodic',
        title: `Goal: ${goal.title}`,
        content: `Goal: ${goal.goal}\nOutcome: completed after ${goal.replan_count} replans (critic score ${score}).\nResult: ${summary}`,
        importance: 0.5,
        metadata: {
          outcome: 'completed',
          complexity: goal.complexity,
          pattern: goal.pattern,
          replans: goal.replan_count,
        },
        source,
        provenance,
        verified: true,
        dedupe_key: `episode:${goal.id}`,
      },
      {
        type: 'semantic',
        title: `Fact: ${goal.title}`,
        content: `Goals like "${goal.title}" need ${capabilities.join(', ') || 'general'} capabilities and were achieved with the ${goal.pattern ?? 'single'} pattern in ${tasks.length} tasks.`,
        importance: 0.4,
        metadata: { capabilities, pattern: goal.pattern, tasks: tasks.length },
        source,
        provenance,
        verified: true,
        dedupe_key: `fact:${goal.id}`,
      },
      {
        type: 'procedural',
        // the goal itself is embedded, so a similar goal finds the workflow that achieved it
        content: goal.goal,
        key: procedureKey(goal.goal),
        importance: 0.6,
        metadata: {
          tasks: tasks.map((t) => ({
            key: t.key,
            title: t.title,
            description: t.description,
            depends_on: t.depends_on,
            capabilities: t.capabilities,
            ...(t.acceptance_criteria ? { acceptance_criteria: t.acceptance_criteria } : {}),
          })),
          workflow: tasks.map((t) => t.title),
          critic_score: score,
          pattern: goal.pattern,
        },
        source,
        provenance,
        verified: true,
        dedupe_key: `procedure:${procedureKey(goal.goal)}`,
      },
      {
        type: 'strategic',
        title: `Decision: ${goal.title}`,
        content: `Goal: ${goal.goal}\nDecision: the ${goal.pattern ?? 'single'} pattern with a ${tasks.length}-task plan.\nOutcome: completed (critic score ${score}).`,
        importance: 0.5,
        metadata: {
          decision: `${goal.pattern ?? 'single'} pattern, ${tasks.length} tasks`,
          rationale: `complexity ${goal.complexity ?? 'unknown'}`,
          alternatives: ['single', 'council', 'swarm', 'market'].filter((p) => p !== goal.pattern),
          outcome: 'completed',
          lessons: [],
        },
        source,
        provenance,
        verified: true,
        dedupe_key: `decision:${goal.id}`,
      },
    ];
    const facts: GraphFact[] = [];
    for (const capability of capabilities)
      for (const agent of agents)
        facts.push({
          source: { name: capability, type: 'capability' },
          relation: 'succeeded_with',
          target: { name: agent, type: 'agent' },
        });
    for (const capability of capabilities)
      facts.push({
        source: { name: goal.title, type: 'goal' },
        relation: 'requires',
        target: { name: capability, type: 'capability' },
      });
    if (goal.pattern)
      facts.push({
        source: { name: goal.title, type: 'goal' },
        relation: 'achieved_with',
        target: { name: goal.pattern, type: 'pattern' },
      });
    return { drafts: await this.memory.draft(inputs), facts };
  }

  async persistGoalMemories(
    uow: UnitOfWork,
    tenantId: string,
    prepared: { drafts: MemoryDraft[]; facts: GraphFact[] },
  ): Promise<{ ids: string[]; kinds: string[] }> {
    const rows = await this.memory.persist(uow, tenantId, prepared.drafts);
    const semantic = rows.find((r) => r.kind === 'semantic');
    await this.memory.link(uow, tenantId, prepared.facts, semantic?.id ?? null);
    return { ids: rows.map((r) => r.id), kinds: rows.map((r) => r.kind) };
  }

  persist(uow: UnitOfWork, tenantId: string, drafts: MemoryDraft[]) {
    return this.memory.persist(uow, tenantId, drafts);
  }

  /**
   * REFLECTING: the critic rejections this goal overcame become verified lessons (the goal
   * then passed the critic, so the fix is known to work).
   */
  async reflection(goal: GoalLike): Promise<{ lessons: string[]; drafts: MemoryDraft[] }> {
    const lessons = (goal.failure_reasons ?? []).map((r) => `Avoid: ${r}`);
    if (!lessons.length) return { lessons, drafts: [] };
    const drafts = await this.memory.draft([
      {
        type: 'strategic',
        title: `Lessons: ${goal.title}`,
        content: `Goal: ${goal.goal}\nEarlier attempts failed: ${goal.failure_reasons.join(' | ')}\nIt succeeded after ${goal.replan_count} replans.`,
        importance: 0.7,
        metadata: {
          decision: 'replan after rejection',
          rationale: 'the critic rejected earlier attempts',
          outcome: 'completed',
          lessons,
        },
        source: { goal_id: goal.id, agent: 'critic', model: this.model },
        provenance: {
          goal_id: goal.id,
          verified_by: 'critic',
          plan_version: goal.plan_version,
          model: this.model,
        },
        verified: true,
        dedupe_key: `reflection:${goal.id}`,
      },
    ]);
    return { lessons, drafts };
  }

  private async onEvent(event: GoalEventRecord): Promise<void> {
    if (event.type === 'critic.verdict') {
      const verdict = event.data as {
        passed: boolean;
        score: number;
        feedback: string;
        provider: string;
      };
      if (verdict.passed || !verdict.feedback.trim()) return;
      const goal = await this.goal(event.tenant_id, event.goal_id);
      if (!goal) return;
      const [draft] = await this.memory.draft([
        {
          type: 'strategic',
          title: `Lesson: ${goal.title}`,
          content: `Goal: ${goal.goal}\nThe critic rejected the result (score ${verdict.score}): ${verdict.feedback}`,
          importance: 0.8,
          metadata: {
            decision: `plan version ${goal.plan_version}`,
            rationale: 'the planner chose this decomposition',
            outcome: 'rejected by the critic',
            lessons: [verdict.feedback.trim()],
          },
          source: {
            goal_id: goal.id,
            agent: 'critic',
            model: verdict.provider === 'offline' ? 'offline' : this.model,
          },
          provenance: {
            goal_id: goal.id,
            plan_version: goal.plan_version,
            verified_by: 'critic',
            critic_score: verdict.score,
            event_id: event.id,
          },
          verified: true,
          dedupe_key: `lesson:${goal.id}:${event.id}`,
        },
      ]);
      await inTransaction(this.dataSource, (uow) =>
        this.memory.persist(uow, goal.tenant_id, [draft]),
      );
      return;
    }
    const reasons = (event.data as { reasons: string[] }).reasons ?? [];
    const goal = await this.goal(event.tenant_id, event.goal_id);
    if (!goal) return;
    const [draft] = await this.memory.draft([
      {
        type: 'episodic',
        title: `Failed goal: ${goal.title}`,
        content: `Goal: ${goal.goal}\nOutcome: failed. Reasons: ${reasons.join(' | ')}`.slice(
          0,
          4000,
        ),
        importance: 0.5,
        metadata: {
          outcome: 'failed',
          complexity: goal.complexity,
          pattern: goal.pattern,
          reasons,
        },
        source: { goal_id: goal.id, agent: 'governor', model: this.model },
        provenance: { goal_id: goal.id, event_id: event.id },
        verified: false,
        dedupe_key: `episode:${goal.id}`,
      },
    ]);
    await inTransaction(this.dataSource, (uow) =>
      this.memory.persist(uow, goal.tenant_id, [draft]),
    );
  }

  private async goal(tenantId: string, goalId: string): Promise<GoalLike | undefined> {
    const rows: GoalLike[] = await this.dataSource.query(
      `SELECT id, tenant_id, title, goal, pattern, complexity, intent, result, failure_reasons, replan_count, plan_version
       FROM goals WHERE id = $1 AND tenant_id = $2`,
      [goalId, tenantId],
    );
    return rows[0];
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
