import { everyInterval } from '#common';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runWithContext, SYSTEM_PRINCIPAL } from '../common/request-context';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { logFor } from '../observability/logger';
import { JOB_QUEUE, JobQueue, RUN_GOAL_JOB, RunGoalJob } from '../queue/job-queue';
import { GoalRunner } from './goal-runner';
import { GoalLeases } from './goal-lease.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { GoalEventRepository } from '../events/goal-event.repository';
import { EffectJournalRepository } from '../tools/effect-journal.repository';
import { GoalsService } from './goals.service';
import { WorkerLoad } from '../workers/worker-load';

/**
 * In job-processing processes: consumes goal jobs, and periodically finds goals whose
 * worker died (lease expired, or never queued) and queues them again, so nobody has to
 * resubmit. It also applies retention to finished goals' event logs.
 */
@Injectable()
export class GoalSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = logFor('GoalSweeper');
  private stopTimer?: () => void;
  private sweeping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly dataSource: DataSource,
    private readonly runner: GoalRunner,
    private readonly leases: GoalLeases,
    private readonly goals: GoalRepository,
    private readonly service: GoalsService,
    private readonly events: GoalEventRepository,
    private readonly journal: EffectJournalRepository,
    private readonly load: WorkerLoad,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.PROCESS_JOBS) return;
    // counted as this worker's load in the registry while it runs
    this.queue.process<RunGoalJob>(RUN_GOAL_JOB, (job, meta) =>
      this.load.track(() =>
        runWithContext(
          {
            requestId: `job-${meta.id}`,
            tenantId: job.tenantId,
            principal: SYSTEM_PRINCIPAL,
            goalId: job.goalId,
          },
          () => this.runner.run(job.tenantId, job.goalId),
        ),
      ),
    );
    if (this.config.mode === 'embedded') {
      // PGlite belongs to this process alone: any lease on record is from a previous run.
      await this.leases.releaseAll();
    }
    await this.sweep();
    // sweep() logs its own failures and skips a tick while one is going
    this.stopTimer = everyInterval(
      this.config.SWEEPER_INTERVAL_MS,
      () => this.sweep(),
      () => undefined,
    );
  }

  onApplicationShutdown(): void {
    this.stopTimer?.();
  }

  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const orphans = await this.goals.orphans(
        Math.min(this.config.SWEEPER_INTERVAL_MS, this.config.LEASE_TTL_MS),
        500,
      );
      let resumed = 0;
      for (const goal of orphans)
        if (await this.service.requeue(goal.tenant_id, goal.id, goal.event_seq)) resumed++;
      if (resumed) this.log.info(`resumed ${resumed} goal(s) without a live worker`);
      await this.applyRetention();
      return resumed;
    } catch (error) {
      this.log.warn(`sweep failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  private async applyRetention(): Promise<void> {
    await this.events.deleteOfEndedGoals(this.dataSource, this.config.RETENTION_DAYS);
    await this.journal.deleteOfEndedGoals(this.dataSource, this.config.RETENTION_DAYS);
  }
}
