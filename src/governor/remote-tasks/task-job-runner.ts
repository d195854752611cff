import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { runWithContext, SYSTEM_PRINCIPAL } from '../../common/request-context';
import { AgentWorkforce } from '../../agents/agent-workforce.service';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DatabaseAvailability } from '../../database/database-availability.service';
import type { DeferredUsage } from '../../llm/llm-usage.recorder';
import { RUN_TASK_JOB, TASK_QUEUE, type JobMeta, type JobQueue } from '../../queue/job-queue';
import { WorkerIdentity } from '../../workers/worker-identity';
import { WorkerLoad } from '../../workers/worker-load';
import {
  encodeError,
  type RemoteUsage,
  type RunTaskJob,
  type TaskJobResult,
} from './remote-task-job';
import { TaskResultChannel } from './task-result-channel';

/**
 * In job-running processes with Redis: runs task jobs, attempts of tasks whose goal another
 * process drives. The attempt runs through the agent as it would in the driver, and its
 * result (output or error, model calls, ledger turns) goes back on the result channel; the
 * driver stores it. A database or Redis fault fails the job, which BullMQ retries; the last
 * retry answers the fault as the attempt's error rather than leaving the driver waiting.
 * A job whose result is already stored (a retry after the answer) does nothing.
 */
@Injectable()
export class TaskJobRunner implements OnApplicationBootstrap {
  private readonly running = new Map<string, AbortController>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TASK_QUEUE) private readonly queue: JobQueue,
    private readonly workforce: AgentWorkforce,
    private readonly channel: TaskResultChannel,
    private readonly identity: WorkerIdentity,
    private readonly load: WorkerLoad,
    private readonly database: DatabaseAvailability,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.PROCESS_JOBS || !this.config.REDIS_URL) return;
    await this.channel.onCancel((jobId) => this.running.get(jobId)?.abort(new Error('cancelled')));
    this.queue.process<RunTaskJob>(RUN_TASK_JOB, (job, meta) =>
      this.load.track(
        () =>
          runWithContext(
            {
              requestId: `job-${meta.id}`,
              tenantId: job.goal.tenant_id,
              principal: SYSTEM_PRINCIPAL,
              goalId: job.goal.id,
            },
            () => this.run(job, meta),
          ),
        'task',
      ),
    );
  }

  private async run(job: RunTaskJob, meta: JobMeta): Promise<void> {
    if (await this.channel.result(job.jobId)) return;
    await this.channel.markStarted(job.jobId, this.identity.id);
    const controller = new AbortController();
    this.running.set(job.jobId, controller);
    const usage: DeferredUsage = [];
    const scope = {
      tenantId: job.goal.tenant_id,
      goalId: job.goal.id,
      signal: controller.signal,
      deferredUsage: usage,
    };
    let result: TaskJobResult;
    try {
      const output = await this.workforce.execute(
        job.goal,
        job.task,
        job.dependencies,
        scope,
        job.plan,
        job.agent,
      );
      result = { ok: true, output, ...this.leftovers(job, usage) };
    } catch (error) {
      const lastTry = meta.attempt >= this.config.JOB_ATTEMPTS;
      if (!controller.signal.aborted && this.database.isTransient(error) && !lastTry) {
        this.workforce.handOffAttempt(job.task);
        throw error; // BullMQ runs the job again after its backoff
      }
      result = { ok: false, error: encodeError(error), ...this.leftovers(job, usage) };
    } finally {
      this.running.delete(job.jobId);
    }
    if (controller.signal.aborted) return; // the driver stopped waiting
    await this.channel.publish(job.jobId, result);
  }

  private leftovers(job: RunTaskJob, usage: DeferredUsage) {
    const { turns, durationMs } = this.workforce.handOffAttempt(job.task);
    const calls: RemoteUsage[] = usage.map(({ scope, call }) => ({
      scope: {
        tenantId: scope.tenantId,
        goalId: scope.goalId,
        taskId: scope.taskId,
        agent: scope.agent,
        purpose: scope.purpose,
      },
      call,
    }));
    return { workerId: this.identity.id, usage: calls, turns, durationMs };
  }
}
