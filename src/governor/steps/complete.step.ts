import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction, UnitOfWork } from '../../database/transaction';
import { LlmUsageRecorder } from '../../llm/llm-usage.recorder';
import { MemoryLearning } from '../../memory/memory-learning.service';
import { HookManager } from '../../hooks/hook-manager';
import { GoalRuns } from '../goal-runs';
import type { GoalRow } from '../../goal-records/goal.types';
import { usesMemory } from '../pattern';
import type { Complexity } from '../../planning/schemas';
import { GoalTransitions } from './goal-transitions';

type Reflection = Awaited<ReturnType<MemoryLearning['reflection']>>;

/**
 * WRITING_MEMORY and REFLECTING: the goal's memories (lessons, procedures, facts from the
 * verified outcome) and its reflection are written, and the goal completes, in one
 * transaction. REFLECTING alone resumes a goal that stopped between the two.
 */
@Injectable()
export class CompleteStep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly learning: MemoryLearning,
    private readonly usage: LlmUsageRecorder,
    private readonly runs: GoalRuns,
    private readonly transitions: GoalTransitions,
    private readonly hooks: HookManager,
  ) {}

  /** WRITING_MEMORY, then REFLECTING and COMPLETED in the same transaction. */
  async writeMemory(goal: GoalRow): Promise<void> {
    // the goal's token totals are final when it completes: its last calls are stored meanwhile
    const settled = this.usage.settled(goal.id);
    const complexity = (goal.complexity ?? 'SIMPLE') as Complexity;
    const prepared = usesMemory(complexity)
      ? await this.learning.goalMemories(goal, await this.runs.planTasksOf(goal))
      : undefined;
    const reflection = await this.learning.reflection(goal);
    await settled;
    await inTransaction(this.dataSource, async (uow) => {
      const written = prepared
        ? await this.learning.persistGoalMemories(uow, goal.tenant_id, prepared)
        : { ids: [], kinds: [], semanticId: null };
      await this.transitions.advance(uow, goal, 'WRITING_MEMORY', 'REFLECTING', {}, undefined, [
        { type: 'memory.written', data: { memory_ids: written.ids, kinds: written.kinds } },
      ]);
      await this.completeWithin(uow, goal, reflection);
      // last: the graph's shared rows stay locked until commit, and other goals wait on them
      if (prepared)
        await this.learning.linkGoalFacts(uow, goal.tenant_id, prepared, written.semanticId);
    });
    await this.afterComplete(goal);
  }

  /** REFLECTING, for a goal that stopped between writing its memories and completing. */
  async reflect(goal: GoalRow): Promise<void> {
    const reflection = await this.learning.reflection(goal);
    await this.usage.settled(goal.id);
    await inTransaction(this.dataSource, (uow) => this.completeWithin(uow, goal, reflection));
    await this.afterComplete(goal);
  }

  private async afterComplete(goal: GoalRow): Promise<void> {
    if (!this.hooks.has('goal.after_complete')) return;
    await this.hooks.emit('goal.after_complete', goal.tenant_id, {
      goal_id: goal.id,
      title: goal.title,
      goal: goal.goal,
      result: goal.result,
    });
  }

  private async completeWithin(
    uow: UnitOfWork,
    goal: GoalRow,
    { lessons, drafts }: Reflection,
  ): Promise<void> {
    const duration = Date.now() - new Date(goal.started_at ?? goal.created_at).getTime();
    const summary = String((goal.result as { summary?: string } | null)?.summary ?? '');
    const memories = await this.learning.persist(uow, goal.tenant_id, drafts);
    // the reflection, the transition and goal.completed: one statement
    await this.transitions.advance(
      uow,
      goal,
      'REFLECTING',
      'COMPLETED',
      {},
      undefined,
      [{ type: 'reflection.recorded', data: { lessons, memory_ids: memories.map((m) => m.id) } }],
      [{ type: 'goal.completed', data: { summary: summary.slice(0, 500), duration_ms: duration } }],
    );
  }
}
