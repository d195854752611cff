import { everyInterval } from '#common';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { logFor } from '../../observability/logger';
import { JOB_QUEUE, TASK_QUEUE, workerLane, type JobQueue } from '../../queue/job-queue';
import { WORKER_REGISTRY_STORE, type WorkerRegistryStore } from '../worker-entry';
import { WorkerRegistry } from '../worker-registry.service';

/**
 * In job-running processes, every heartbeat: jobs waiting in the own lane of a worker that
 * is DRAINING, OFFLINE or gone move back to the shared lane, where any worker takes them
 * (a job a worker has started stays with it; if that worker died, the goal's lease or the
 * task's waiter brings the work back). A gone worker's lane is forgotten once empty, after
 * the jobs it had taken and whose hold lapsed are removed.
 */
@Injectable()
export class LaneRehomer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = logFor('LaneRehomer');
  private stop?: () => void;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_REGISTRY_STORE) private readonly store: WorkerRegistryStore,
    @Inject(JOB_QUEUE) private readonly goals: JobQueue,
    @Inject(TASK_QUEUE) private readonly tasks: JobQueue,
    private readonly registry: WorkerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESS_JOBS || !this.config.REDIS_URL) return;
    this.stop = everyInterval(
      this.config.WORKER_HEARTBEAT_MS,
      () => this.rehome(),
      () => undefined,
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** One pass; answers how many jobs moved. */
  async rehome(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const [lanes, workers] = await Promise.all([this.store.lanes(), this.registry.list()]);
      const live = new Set(
        workers
          .filter((w) => w.status === 'IDLE' || w.status === 'BUSY')
          .map((w) => workerLane(w.id)),
      );
      const listed = new Set(workers.map((w) => workerLane(w.id)));
      let moved = 0;
      for (const lane of lanes) {
        if (live.has(lane)) continue;
        const count = (await this.goals.moveWaiting(lane)) + (await this.tasks.moveWaiting(lane));
        if (count)
          this.log.info(`moved ${count} waiting job(s) of a worker that left to the shared queue`, {
            lane,
          });
        else if (!listed.has(lane)) {
          // what it had taken when it died: its goals were resumed from their leases and
          // its tasks placed again long since; only the queue's record of them is left
          const dropped =
            (await this.goals.dropAbandonedIn(lane)) + (await this.tasks.dropAbandonedIn(lane));
          if (dropped)
            this.log.info(`removed ${dropped} job(s) a worker that is gone had taken`, { lane });
          await this.store.forgetLane(lane);
        }
        moved += count;
      }
      return moved;
    } catch (error) {
      this.log.warn('could not move the jobs of workers that left', {
        error: (error as Error).message,
      });
      return 0;
    } finally {
      this.running = false;
    }
  }
}
