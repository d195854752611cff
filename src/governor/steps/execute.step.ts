import { Inject, Injectable } from '@nestjs/common';
import { Semaphore } from '#common';
import type { GoalScope } from '../../agents/agent-runtime.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { ApprovalHolds } from '../../safety/approval-holds.service';
import type { ApprovalPending } from '../../safety/safety-errors';
import { GoalRuns } from '../goal-runs';
import type { GoalRow, TaskRow } from '../../goal-records/goal.types';
import { FailStep } from './fail.step';
import { GoalTransitions } from './goal-transitions';
import { ReplanStep } from './replan.step';
import { TaskAttempts } from './task-attempt';
import { TaskWriteBatches } from './task-write-batches';
import { VerifyStep } from './verify.step';

/**
 * EXECUTING (one task at a time) and PARALLEL_EXECUTING (up to TASK_CONCURRENCY): ready
 * tasks start together as their dependencies complete. Then VERIFYING; a failed task
 * replans; the safety gate fails the goal (a fatal violation) or holds it for approval.
 */
@Injectable()
export class ExecuteStep {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: GoalRuns,
    private readonly attempts: TaskAttempts,
    private readonly writes: TaskWriteBatches,
    private readonly holds: ApprovalHolds,
    private readonly transitions: GoalTransitions,
    private readonly replan: ReplanStep,
    private readonly failure: FailStep,
    private readonly verification: VerifyStep,
  ) {}

  async run(goal: GoalRow, scope: GoalScope): Promise<void> {
    const tasks = await this.runs.planTasksOf(goal);
    const byKey = new Map(tasks.map((t) => [t.key, t]));
    const limit = goal.state === 'EXECUTING' ? 1 : this.config.TASK_CONCURRENCY;
    const semaphore = new Semaphore(limit);
    const inFlight = new Map<string, Promise<void>>();
    let failure: { task: TaskRow; error: string; fatal?: boolean } | undefined;
    // a database fault: no new task starts, the ones in flight settle, then the step throws
    let thrown: { error: unknown } | undefined;
    const held: ApprovalPending[] = []; // safety gate: actions waiting for a human
    const wave = this.writes.wave();
    // once every task has answered and its model calls are stored (the token budget has
    // seen them), the critic starts on the outputs while the results are still being written
    const outputs = new Map<string, unknown>();
    wave.recorded = (items) => {
      for (const { task, output } of items) outputs.set(task.key, output);
      const allAnswered = tasks.every((t) => t.status === 'completed' || outputs.has(t.key));
      if (!allAnswered || failure || thrown || held.length || scope.signal?.aborted) return false;
      return this.verification.ahead(goal, tasks, outputs, scope);
    };

    const ready = () =>
      tasks.filter(
        (t) =>
          (t.status === 'pending' || t.status === 'running') &&
          !inFlight.has(t.key) &&
          t.depends_on.every((d) => byKey.get(d)?.status === 'completed'),
      );
    for (;;) {
      if (!failure && !thrown && !held.length && !scope.signal?.aborted) {
        for (const task of ready()) {
          const work = semaphore
            .run(() => this.attempts.run(goal, task, byKey, scope, wave))
            .then((result) => {
              if (!result.ok && 'hold' in result) held.push(result.hold);
              else if (!result.ok && !failure)
                failure = { task, error: result.error, fatal: 'fatal' in result };
            })
            .catch((error: unknown) => void (thrown ??= { error }))
            .finally(() => inFlight.delete(task.key));
          inFlight.set(task.key, work);
        }
      }
      if (!inFlight.size) break;
      await Promise.race(inFlight.values());
    }
    if (scope.signal?.aborted) return;
    if (thrown) throw thrown.error;
    // --- safety gate: a fatal violation fails the goal; holds await a human ---
    if (failure?.fatal)
      return this.failure.run({
        tenantId: goal.tenant_id,
        goalId: goal.id,
        reasons: [`task ${failure.task.key} (${failure.task.title}): ${failure.error}`],
      });
    if (!failure && held.length)
      return this.holds.suspend(goal, held, (uow, reason) =>
        this.transitions.advance(uow, goal, goal.state, 'AWAITING_APPROVAL', {}, reason),
      );
    // --- end safety gate ---
    if (failure)
      return this.replan.replanOrFail(
        goal,
        `task ${failure.task.key} (${failure.task.title}) failed: ${failure.error}`,
      );
    const unfinished = tasks.filter((t) => t.status !== 'completed');
    if (unfinished.length)
      throw new Error(`tasks ${unfinished.map((t) => t.key).join(', ')} could not run`);
    await this.transitions.move(goal, 'VERIFYING');
  }
}
