import { Injectable, Logger } from '@nestjs/common';
import type { PlanningMemory } from '../../agents/agent-runtime.service';
import { Evolver } from '../../evolution/evolver.service';
import { MemoryLearning, Recall } from '../../memory/memory-learning.service';
import { GoalRun, GoalRuns } from '../goal-runs';
import type { GoalRow } from '../../goal-records/goal.types';
import { usesMemory } from '../pattern';
import type { Complexity } from '../../planning/schemas';

/**
 * What the planner is given, with the evolver's variant for the events and what was
 * recalled: `recall` settles (never rejects) while the planner works, and is awaited before
 * the plan is stored.
 */
export interface PlanningInput {
  recall: Promise<Recall | undefined>;
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
    private readonly learning: MemoryLearning,
    private readonly evolver: Evolver,
    private readonly runs: GoalRuns,
  ) {}

  /**
   * What a first plan's recall needs from the goal's text alone (the memory search, and
   * whether the evolver has variants live), started while the intent is being analyzed.
   */
  ahead(goal: GoalRow, run: GoalRun): void {
    if (goal.plan_version !== 0 || goal.feedback) return;
    run.search = this.learning.search(goal, true).catch(() => undefined);
    run.variants = this.evolver.hasLive(goal.tenant_id).catch(() => undefined);
  }

  async forPlanning(goal: GoalRow): Promise<PlanningInput> {
    const planning: PlanningMemory = { lessons: [], guidance: [] };
    const run = this.runs.get(goal.id);
    const searchedAhead = run?.search;
    const variantsAhead = run?.variants;
    if (run) run.search = run.variants = undefined;
    const none = Promise.resolve(undefined);
    if (!usesMemory((goal.complexity ?? 'SIMPLE') as Complexity)) return { planning, recall: none };
    try {
      const firstPlan = !goal.feedback && goal.plan_version === 0;
      // the searches (run ahead for a first plan) and the evolver's arm: what the planner needs
      const [searched, assignment] = await Promise.all([
        Promise.resolve(firstPlan ? searchedAhead : undefined).then(
          (ahead) => ahead ?? this.learning.search(goal, firstPlan),
        ),
        this.evolver.assignGoal(goal.tenant_id, goal.id, firstPlan ? variantsAhead : undefined),
      ]);
      planning.lessons = searched.lessons.map((l) => l.text);
      if (searched.procedure)
        planning.procedure = {
          memory_id: searched.procedure.memory_id,
          tasks: searched.procedure.tasks,
        };
      planning.guidance = assignment.guidance;
      const variant =
        assignment.variants.map((v) => `${v.target}:${v.name}`).join(', ') || undefined;
      // the rest of the recall (access counts, preferred agents) while the planner works
      const recall = this.learning.recall(goal, searched).catch((error: Error) => {
        this.logger.warn(`goal ${goal.id}: recall incomplete: ${error.message}`);
        return { ...searched, preferred_agents: [] };
      });
      return { recall, planning, variant };
    } catch (error) {
      this.logger.warn(`goal ${goal.id}: planning without memory: ${(error as Error).message}`);
      return { planning: { lessons: [], guidance: [] }, recall: none };
    }
  }
}
