import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PlanningMemory } from '../../agents/agent-runtime.service';
import { inTransaction } from '../../database/transaction';
import { Evolver } from '../../evolution/evolver.service';
import { MemoryLearning, Recall } from '../../memory/memory-learning.service';
import { GoalRuns } from '../goal-runs';
import type { GoalRow } from '../../goal-records/goal.types';
import { usesMemory } from '../pattern';
import type { Complexity } from '../../planning/schemas';

/** What the planner is given, with what was recalled and the evolver's variant for the events. */
export interface PlanningInput {
  recall?: Recall;
  planning: PlanningMemory;
  variant?: string;
}

/**
 * The memory query before a decomposition: recalled lessons, a reusable procedure (first
 * plan only) and the evolver's variant guidance. TRIVIAL goals run without memory; a
 * memory failure is logged and planning goes on without it.
 */
@Injectable()
export class PlanningRecall {
  private readonly logger = new Logger('GoalRunner');

  constructor(
    private readonly dataSource: DataSource,
    private readonly learning: MemoryLearning,
    private readonly evolver: Evolver,
    private readonly runs: GoalRuns,
  ) {}

  async forPlanning(goal: GoalRow): Promise<PlanningInput> {
    const planning: PlanningMemory = { lessons: [], guidance: [] };
    const run = this.runs.get(goal.id);
    const searchedAhead = run?.search;
    if (run) run.search = undefined;
    if (!usesMemory((goal.complexity ?? 'SIMPLE') as Complexity)) return { planning };
    let recall: Recall | undefined;
    let variant: string | undefined;
    try {
      const firstPlan = !goal.feedback && goal.plan_version === 0;
      const searched = firstPlan ? await searchedAhead : undefined;
      let assignment: Awaited<ReturnType<Evolver['assign']>>;
      [recall, assignment] = await Promise.all([
        this.learning.recall(goal, firstPlan, searched),
        inTransaction(this.dataSource, (uow) => this.evolver.assign(uow, goal.tenant_id, goal.id)),
      ]);
      planning.lessons = recall.lessons.map((l) => l.text);
      if (recall.procedure)
        planning.procedure = {
          memory_id: recall.procedure.memory_id,
          tasks: recall.procedure.tasks,
        };
      planning.guidance = assignment.guidance;
      variant = assignment.variants.map((v) => `${v.target}:${v.name}`).join(', ') || undefined;
    } catch (error) {
      this.logger.warn(`goal ${goal.id}: planning without memory: ${(error as Error).message}`);
    }
    return { recall, planning, variant };
  }
}
