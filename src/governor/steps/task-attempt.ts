import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { backoffDelay, sleep } from '#common';
import type { GoalScope } from '../../agents/agent-runtime.service';
import { AgentWorkforce } from '../../agents/agent-workforce.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { DatabaseAvailability } from '../../database/database-availability.service';
import { inTransaction } from '../../database/transaction';
import { GoalEventLog } from '../../events/goal-event-log.service';
import { HookManager } from '../../hooks/hook-manager';
import { LlmUsageRecorder, type DeferredUsage } from '../../llm/llm-usage.recorder';
import { ApprovalHolds, TaskInterruption } from '../../safety/approval-holds.service';
import { GoalRuns } from '../goal-runs';
import { TaskExecutor, type ExecutedAttempt } from '../remote-tasks/task-executor';
import { StateConflict } from '../goal-store.service';
import type { GoalRow, TaskRow } from '../../goal-records/goal.types';
import { TaskRepository } from '../../goal-records/task.repository';
import type { TaskWave } from './task-write-batches';

/** How a task's attempts ended: done, failed for good, or interrupted by the safety gate. */
export type TaskOutcome = { ok: true } | { ok: false; error: string } | TaskInterruption;

/**
 * One task of the execution step, attempt after attempt: each attempt goes running, runs
 * through its agent and is stored (batched with the wave's other tasks); a failed attempt
 * is retried with backoff until the task's attempts are used up. The in-memory row is kept
 * in step with what is written, so dependents see its status.
 */
@Injectable()
export class TaskAttempts {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly events: GoalEventLog,
    private readonly workforce: AgentWorkforce,
    private readonly holds: ApprovalHolds,
    private readonly database: DatabaseAvailability,
    private readonly tasks: TaskRepository,
    private readonly usage: LlmUsageRecorder,
    private readonly runs: GoalRuns,
    private readonly executor: TaskExecutor,
    private readonly hooks: HookManager,
  ) {}

  async run(
    goal: GoalRow,
    task: TaskRow,
    byKey: Map<string, TaskRow>,
    scope: GoalScope,
    wave: TaskWave,
  ): Promise<TaskOutcome> {
    const dependencies = task.depends_on
      .map((k) => byKey.get(k)!)
      .map((d) => ({ key: d.key, title: d.title, output: d.output }));
    // the attempt's model calls are stored with its result (one statement for the wave)
    // instead of one by one as they answer; a swarm keeps its own
    const usage: DeferredUsage = scope.deferredUsage ?? [];
    const taskScope = scope.deferredUsage ? scope : { ...scope, deferredUsage: usage };
    for (;;) {
      const attempt = task.attempts + 1;
      // the task goes running and its agent takes a slot: one statement for all tasks starting
      // together. When this run assigned the agent, the attempt's first model call goes out
      // while that is written, and its answer waits for it (`GoalScope.ready`).
      const assigned = this.runs.assignedAgent(task);
      const starting = wave.starts.add({ task, attempt }).then((started) => {
        if (started === undefined) throw new StateConflict(goal.id, goal.state);
        return started;
      });
      starting.catch(() => undefined); // awaited below
      const started = assigned ?? (await starting);
      task.attempts = attempt;
      task.status = 'running';
      try {
        wave.executing++;
        let executed: ExecutedAttempt;
        try {
          const planned = await this.beforeExecute(goal, task, attempt);
          executed = await this.executor.execute(
            goal,
            planned,
            attempt,
            dependencies,
            assigned ? { ...taskScope, ready: starting } : taskScope,
            [...byKey.values()],
            started ?? undefined,
          );
        } finally {
          wave.executing--;
          wave.finishes.recheck();
        }
        await starting;
        // the result, its events, the learning step and the ledger: one statement for the
        // tasks that finish together
        const { output, workerId } = executed;
        const stored = await wave.finishes.add({
          task,
          attempt,
          output,
          usage: usage.splice(0),
          workerId,
        });
        // the task was no longer running (cancelled, or taken over): only free the agent
        if (!stored) await this.workforce.release(task);
        task.status = 'completed';
        task.output = output as unknown as Record<string, unknown>;
        await this.afterExecute(goal, task, attempt, { ok: true, output });
        return { ok: true };
      } catch (error) {
        // an attempt that could not start fails as such, whatever its call did
        await starting.catch((notStarted: unknown) => {
          this.storeInBackground(usage.splice(0));
          throw notStarted;
        });
        if (scope.signal?.aborted || this.database.isTransient(error)) {
          this.storeInBackground(usage.splice(0));
          throw error;
        }
        await this.usage.recordAll(usage.splice(0));
        const interrupted = await this.holds.interrupt(task, attempt, error); // safety gate
        if (interrupted) {
          task.status = 'hold' in interrupted ? 'pending' : 'failed';
          task.attempts = 'hold' in interrupted ? attempt - 1 : attempt;
          return interrupted;
        }
        const message = (error as Error).message;
        // a loop stopped by the progress ledger replans at once instead of retrying
        const final =
          attempt >= task.max_attempts ||
          this.workforce.isStall(error) ||
          error instanceof TaskRefusedByPlugin;
        const delay = final
          ? 0
          : backoffDelay(
              attempt,
              this.config.TASK_RETRY_BASE_MS,
              this.config.TASK_RETRY_BASE_MS * 16,
            );
        await this.recordFailure(goal, task, attempt, message, final, delay);
        task.status = final ? 'failed' : 'pending';
        task.error = message;
        await this.afterExecute(goal, task, attempt, { ok: false, error: message, final });
        if (final) return { ok: false, error: message };
        await sleep(delay, scope.signal);
      }
    }
  }

  /**
   * The task as plugins' `task.before_execute` handlers leave it (title and description may
   * change for this attempt); a cancel fails the task with the plugin's reason.
   */
  private async beforeExecute(goal: GoalRow, task: TaskRow, attempt: number): Promise<TaskRow> {
    if (!this.hooks.has('task.before_execute')) return task;
    const outcome = await this.hooks.emit('task.before_execute', goal.tenant_id, {
      goal_id: goal.id,
      task_id: task.id,
      task_key: task.key,
      attempt,
      title: task.title,
      description: task.description,
      capabilities: task.capabilities,
    });
    if (outcome.cancelled)
      throw new TaskRefusedByPlugin(outcome.cancelled.plugin, outcome.cancelled.reason);
    const { title, description } = outcome.payload;
    return title === task.title && description === task.description
      ? task
      : { ...task, title, description };
  }

  private async afterExecute(
    goal: GoalRow,
    task: TaskRow,
    attempt: number,
    result: { ok: boolean; output?: unknown; error?: string; final?: boolean },
  ): Promise<void> {
    if (!this.hooks.has('task.after_execute')) return;
    await this.hooks.emit('task.after_execute', goal.tenant_id, {
      goal_id: goal.id,
      task_id: task.id,
      task_key: task.key,
      title: task.title,
      attempt,
      ...result,
    });
  }

  /** Calls of an attempt cut short (the goal stops or waits for the database) are still stored. */
  private storeInBackground(usage: DeferredUsage): void {
    for (const { scope, call } of usage) this.usage.recordInBackground(scope, call);
  }

  /** The failed attempt, its task.failed or task.retrying event and the agent's outcome: one transaction. */
  private async recordFailure(
    goal: GoalRow,
    task: TaskRow,
    attempt: number,
    message: string,
    final: boolean,
    delay: number,
  ): Promise<void> {
    const change = this.tasks.attemptFailedChange(
      task.tenant_id,
      task.id,
      final ? 'failed' : 'pending',
      message,
      { attempt, error: message, at: new Date().toISOString() },
    );
    await inTransaction(this.dataSource, async (uow) => {
      if (final)
        await this.events.appendWithChange(
          uow,
          change,
          task.tenant_id,
          task.goal_id,
          'task.failed',
          { task_key: task.key, attempt, error: message, final },
          task.id,
        );
      else
        await this.events.appendWithChange(
          uow,
          change,
          task.tenant_id,
          task.goal_id,
          'task.retrying',
          { task_key: task.key, attempt, error: message, delay_ms: delay },
          task.id,
        );
      await this.workforce.recordOutcome(uow, goal, task, {
        ok: false,
        final,
        error: message,
        tokens: 0,
      });
    });
  }
}

/** A plugin's `task.before_execute` handler refused the task: it fails at once, not retried. */
export class TaskRefusedByPlugin extends Error {
  constructor(plugin: string, reason: string) {
    super(`refused by plugin ${plugin}: ${reason}`);
  }
}
