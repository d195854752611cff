import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentRuntime, GoalScope } from '../../agents/agent-runtime.service';
import { inOneStatement } from '../../database/transaction';
import { GoalRuns } from '../goal-runs';
import type { GoalRow } from '../../goal-records/goal.types';
import { Pattern, patternFor } from '../pattern';
import type { Intent } from '../../planning/schemas';
import { GoalTransitions } from './goal-transitions';
import { PlanningRecall } from './planning-recall';

/**
 * RECEIVED and INTENT_ANALYSIS: the intent analyzer sets the goal's complexity and risk,
 * and the complexity picks the pattern (unless the submission asked for one).
 */
@Injectable()
export class AnalyseIntentStep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly agents: AgentRuntime,
    private readonly recall: PlanningRecall,
    private readonly runs: GoalRuns,
    private readonly transitions: GoalTransitions,
  ) {}

  /** RECEIVED: the analysis needs nothing from the transition, so it starts while that is written. */
  receive(goal: GoalRow, scope: GoalScope): Promise<void> {
    void this.start(goal, scope);
    return this.transitions.move(goal, 'INTENT_ANALYSIS');
  }

  /** INTENT_ANALYSIS: the analysis (started on RECEIVED, or now) and TASK_DECOMPOSITION. */
  async run(goal: GoalRow, scope: GoalScope): Promise<void> {
    const intent = await this.start(goal, scope);
    const run = this.runs.get(goal.id);
    if (run) run.analysis = undefined;
    const pattern = (goal.requested_pattern as Pattern | null) ?? patternFor(intent.complexity);
    await inOneStatement(this.dataSource, (uow) =>
      this.transitions.advance(
        uow,
        goal,
        'INTENT_ANALYSIS',
        'TASK_DECOMPOSITION',
        { intent, complexity: intent.complexity, risk: intent.risk, pattern },
        undefined,
        [
          {
            type: 'goal.intent',
            data: {
              objective: intent.objective,
              complexity: intent.complexity,
              risk: intent.risk,
              capabilities: intent.capabilities,
              provider: intent.provider,
            },
          },
        ],
      ),
    );
  }

  /**
   * Starts the intent analysis and, for a first plan, what its recall needs from the goal
   * alone (`PlanningRecall.ahead`) ahead of the steps that await them.
   */
  private start(goal: GoalRow, scope: GoalScope): Promise<Intent> {
    const run = this.runs.get(goal.id) ?? { controller: new AbortController() };
    if (run.analysis) return run.analysis;
    run.analysis = this.agents.analyzeIntent(goal.goal, scope);
    run.analysis.catch(() => undefined); // awaited (and reported) by run()
    this.recall.ahead(goal, run);
    return run.analysis;
  }
}
