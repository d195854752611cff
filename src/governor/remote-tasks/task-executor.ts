import { Inject, Injectable } from '@nestjs/common';
import type { GoalScope, TaskOutput } from '../../agents/agent-runtime.service';
import type { AgentProfileRow } from '../../agents/agent-profile.row';
import { AgentWorkforce } from '../../agents/agent-workforce.service';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { TaskRow, GoalRow } from '../../goal-records/goal.types';
import { logFor } from '../../observability/logger';
import { RUN_TASK_JOB, TASK_QUEUE, type JobQueue } from '../../queue/job-queue';
import { WorkDispatcher, type Placement } from '../../workers/dispatch/work-dispatcher';
import { requiredCapabilities } from '../../workers/dispatch/task-requirements';
import { WorkerRegistry } from '../../workers/worker-registry.service';
import { decodeError, type RunTaskJob, type TaskJobResult } from './remote-task-job';
import { TaskResultChannel } from './task-result-channel';

/** Between reads of a task job's result when no announcement came. */
const POLL_MS = 1000;

/** Why the driver stopped waiting for a task job and placed the attempt again. */
type LostJob = 'worker_offline' | 'taken_by_offline_worker' | 'job_vanished';

/** One attempt's answer and the worker that ran it. */
export interface ExecutedAttempt {
  output: TaskOutput;
  workerId: string;
}

/**
 * Where an attempt of a task runs. Here, through the agent, when jobs are pulled and this
 * process has what the task needs (the embedded mode always). Otherwise as a task job: on
 * the worker the dispatch strategy chose, or in the lane of the routed capabilities it
 * needs. The driver waits for the result; when the worker that started the job goes
 * OFFLINE (or the job is gone from the queue) it places the attempt again, and a late
 * answer of the first job is ignored (side effects are guarded by the effect journal).
 */
@Injectable()
export class TaskExecutor {
  private readonly log = logFor('TaskExecutor');
  private readonly warned = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TASK_QUEUE) private readonly queue: JobQueue,
    private readonly workforce: AgentWorkforce,
    private readonly dispatcher: WorkDispatcher,
    private readonly registry: WorkerRegistry,
    private readonly channel: TaskResultChannel,
  ) {}

  async execute(
    goal: GoalRow,
    task: TaskRow,
    attempt: number,
    dependencies: Array<{ key: string; title: string; output: unknown }>,
    scope: GoalScope,
    plan: TaskRow[],
    started: AgentProfileRow | undefined,
  ): Promise<ExecutedAttempt> {
    const required = requiredCapabilities(task.capabilities, this.dispatcher.routedCapabilities);
    if (this.runsHere(required) || !(await this.someoneHas(required))) {
      const output = await this.workforce.execute(goal, task, dependencies, scope, plan, started);
      return { output, workerId: this.registry.id };
    }
    // the job carries the attempt's agent slot: it goes out once the start is written
    await scope.ready;
    for (let placing = 1; ; placing++) {
      const jobId = `task-${task.id}-${attempt}-${placing}`;
      const job: RunTaskJob = {
        jobId,
        goal: {
          id: goal.id,
          tenant_id: goal.tenant_id,
          goal: goal.goal,
          pattern: goal.pattern,
          plan_version: goal.plan_version,
        },
        task: {
          id: task.id,
          tenant_id: task.tenant_id,
          goal_id: task.goal_id,
          plan_version: task.plan_version,
          key: task.key,
          title: task.title,
          description: task.description,
          capabilities: task.capabilities,
          acceptance_criteria: task.acceptance_criteria,
          agent_id: task.agent_id,
          agent_kind: task.agent_kind,
        },
        attempt,
        agent: started,
        dependencies,
        plan: plan.map((t) => ({ key: t.key, depends_on: t.depends_on })),
        driver: this.registry.id,
      };
      const result = await this.runJob(job, required, scope.signal);
      if (!result) continue; // lost with its worker: placed again
      this.workforce.adoptAttempt(task, result.turns, result.durationMs);
      scope.deferredUsage?.push(...result.usage);
      if (!result.ok) throw decodeError(result.error);
      return { output: result.output, workerId: result.workerId };
    }
  }

  /** Pulled jobs and every capability at hand: no reason to send the attempt anywhere. */
  private runsHere(required: string[]): boolean {
    if (this.queue.kind !== 'bullmq') return true;
    if (this.dispatcher.placesJobs) return false;
    return required.every((name) => this.registry.capabilitiesHeld.includes(name));
  }

  /** The job's result; undefined when its worker went away with it. */
  private async runJob(
    job: RunTaskJob,
    required: string[],
    signal: AbortSignal | undefined,
  ): Promise<TaskJobResult | undefined> {
    const listener = await this.channel.listen(job.jobId);
    const aborted = new Promise<void>((resolve) =>
      signal?.addEventListener('abort', () => resolve(), { once: true }),
    );
    try {
      const placement = await this.dispatcher.place('task', required);
      await this.queue.add(RUN_TASK_JOB, job, { jobId: job.jobId, lane: placement.lane });
      for (;;) {
        if (signal?.aborted) {
          await this.channel.cancel(job.jobId).catch(() => undefined);
          throw signal.reason ?? new Error('aborted');
        }
        const result = await this.channel.result(job.jobId);
        if (result) return result;
        if (!placement.workerId) await this.requireCapableWorker(required);
        const lost = await this.lost(job.jobId, placement);
        if (lost) {
          this.log.warn('the worker running a task went away; placing it again', {
            job_id: job.jobId,
            task_id: job.task.id,
            reason: lost,
          });
          return undefined;
        }
        await Promise.race([listener.next(POLL_MS), aborted]);
      }
    } finally {
      listener.end();
    }
  }

  /**
   * Whether a live worker has what the task needs. When none has, the attempt runs here as
   * it would without routing (its tools refuse what this process cannot do, e.g. code
   * without a sandbox) rather than wait for a worker that may never come; said once per need.
   */
  private async someoneHas(required: string[]): Promise<boolean> {
    if (!required.length) return true;
    if (await this.capableWorkerLive(required)) return true;
    const key = required.join('+');
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.log.warn('no live worker has what a task needs; it runs where its goal runs', {
        needs: required,
      });
    }
    return false;
  }

  private async capableWorkerLive(required: string[]): Promise<boolean> {
    const workers = await this.dispatcher.workers();
    return workers.some(
      (w) =>
        (w.status === 'IDLE' || w.status === 'BUSY' || w.status === 'DRAINING') &&
        required.every((name) => w.capabilities.includes(name)),
    );
  }

  /** A job waiting for capable workers when the last of them left: it cannot run. */
  private async requireCapableWorker(required: string[]): Promise<void> {
    if (required.length && !(await this.capableWorkerLive(required)))
      throw new Error(
        `no live worker has ${required.join(', ')} (WORKER_ROUTED_CAPABILITIES) any more: the task cannot run`,
      );
  }

  /**
   * The worker that started the job is OFFLINE or gone; or the job vanished unstarted; or
   * the worker it was placed on took it and died before marking it started (its own lane
   * has no other consumer, so the job would stay taken for good).
   */
  private async lost(jobId: string, placement: Placement): Promise<LostJob | undefined> {
    const startedBy = await this.channel.startedBy(jobId);
    const workers = await this.dispatcher.workers();
    const away = (id: string) => {
      const worker = workers.find((w) => w.id === id);
      return !worker || worker.status === 'OFFLINE';
    };
    if (startedBy) return away(startedBy) ? 'worker_offline' : undefined;
    if (
      placement.workerId &&
      placement.lane &&
      away(placement.workerId) &&
      (await this.queue.dropAbandoned(jobId, placement.lane))
    )
      return 'taken_by_offline_worker';
    return (await this.queue.has(jobId, placement.lane)) ? undefined : 'job_vanished';
  }
}
