import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AgentRuntime,
  GoalScope,
  outputText,
  type ReviewedTask,
} from '../../agents/agent-runtime.service';
import { applyChecks } from '../../agents/critic-checks';
import { inOneStatement } from '../../database/transaction';
import type { NewGoalEvent } from '../../events/goal-event-log.service';
import { GoalRuns } from '../goal-runs';
import type { GoalRow, TaskRow } from '../../goal-records/goal.types';
import type { CriticVerdict } from '../../planning/schemas';
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

  /**
   * Starts the critic on a plan whose every task has answered, while their results and the
   * move to VERIFYING are still being written (it reads only the outputs, which are final):
   * `run` then awaits this verdict instead of asking again. Nothing is stored here; answers
   * whether the critic was asked.
   */
  ahead(
    goal: GoalRow,
    tasks: ReadonlyArray<TaskRow>,
    outputs: ReadonlyMap<string, unknown>,
    scope: GoalScope,
  ): boolean {
    const run = this.runs.get(goal.id);
    if (!run) return false;
    const verdict = this.review(
      goal,
      tasks.map((t) => reviewed(t, 'completed', outputs.get(t.key) ?? t.output)),
      scope,
    );
    verdict.catch(() => undefined); // awaited (and reported) by run()
    run.verdict = { planVersion: goal.plan_version, verdict };
    return true;
  }

  async run(goal: GoalRow, scope: GoalScope): Promise<void> {
    const tasks = await this.runs.planTasksOf(goal);
    const run = this.runs.get(goal.id);
    const ahead = run?.verdict;
    if (run) run.verdict = undefined;
    const modelVerdict = await (ahead && ahead.planVersion === goal.plan_version
      ? ahead.verdict
      : this.review(
          goal,
          tasks.map((t) => reviewed(t, t.status, t.output)),
          scope,
        ));
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

  private review(goal: GoalRow, tasks: ReviewedTask[], scope: GoalScope): Promise<CriticVerdict> {
    return this.agents.verify(goal.goal, tasks, scope);
  }
}

function reviewed(task: TaskRow, status: string, output: unknown): ReviewedTask {
  return {
    key: task.key,
    title: task.title,
    status,
    acceptance_criteria: task.acceptance_criteria,
    output,
  };
}
