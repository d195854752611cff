import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentRuntime, GoalScope, outputText } from '../../agents/agent-runtime.service';
import { applyChecks } from '../../agents/critic-checks';
import { inOneStatement } from '../../database/transaction';
import type { NewGoalEvent } from '../../events/goal-event-log.service';
import { GoalRuns } from '../goal-runs';
import type { GoalRow } from '../../goal-records/goal.types';
import { GoalTransitions } from './goal-transitions';
import { ReplanStep } from './replan.step';

/**
 * VERIFYING: the critic's verdict on the tasks' outputs, with the deterministic checks
 * (output schema, criteria, tool evidence) applied over it. A pass stores the result and
 * moves to WRITING_MEMORY; a rejection replans or fails the goal.
 */
@Injectable()
export class VerifyStep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly agents: AgentRuntime,
    private readonly runs: GoalRuns,
    private readonly transitions: GoalTransitions,
    private readonly replan: ReplanStep,
  ) {}

  async run(goal: GoalRow, scope: GoalScope): Promise<void> {
    const tasks = await this.runs.planTasksOf(goal);
    const modelVerdict = await this.agents.verify(
      goal.goal,
      tasks.map((t) => ({
        key: t.key,
        title: t.title,
        status: t.status,
        acceptance_criteria: t.acceptance_criteria,
        output: t.output,
      })),
      scope,
    );
    const verdict = { ...modelVerdict, ...applyChecks(modelVerdict, tasks) };
    // the critic may name tasks this plan does not have: they are ignored, and recorded
    const named = new Set(tasks.map((t) => t.key));
    const unknownFailed = modelVerdict.failed_tasks.filter((k) => !named.has(k));
    const verdictEvent: NewGoalEvent = {
      type: 'critic.verdict',
      data: {
        passed: verdict.passed,
        score: verdict.score,
        feedback: verdict.feedback,
        provider: verdict.provider,
        failed_tasks: modelVerdict.failed_tasks.filter((k) => named.has(k)),
        ...(unknownFailed.length ? { ignored_failed_tasks: unknownFailed } : {}),
      },
    };
    if (verdict.passed) {
      const sinks = tasks.filter((t) => !tasks.some((o) => o.depends_on.includes(t.key)));
      const result = {
        summary: sinks.map((t) => outputText(t.output)).join('\n\n'),
        outputs: Object.fromEntries(tasks.map((t) => [t.key, outputText(t.output)])),
        verdict: { score: verdict.score, feedback: verdict.feedback },
        provider: verdict.provider,
      };
      await inOneStatement(this.dataSource, (uow) =>
        this.transitions.advance(uow, goal, 'VERIFYING', 'WRITING_MEMORY', { result }, undefined, [
          verdictEvent,
        ]),
      );
    } else
      // the verdict and the replan (or failure) it causes commit together: a re-run of the
      // step after a crash does not record the verdict twice
      await this.replan.replanOrFail(
        goal,
        `the critic rejected the result (score ${verdict.score}): ${verdict.feedback}`,
        [verdictEvent],
      );
  }
}
