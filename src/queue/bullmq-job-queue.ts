import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import type { JobHandler, JobOptions, JobQueue } from './job-queue';

/**
 * BullMQ on Redis: any number of `npm run worker` processes consume the same queue.
 * Retries use exponential backoff; a job whose worker died is detected as stalled and
 * handed to another worker; close() drains running jobs (graceful shutdown on SIGTERM).
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly logger = new Logger('BullMQ');
  private readonly workers: Worker[] = [];
  private pausedAt?: number;

  constructor(
    private readonly queue: Queue,
    private readonly config: AppConfig,
    private readonly concurrency: number = config.JOB_CONCURRENCY,
  ) {}

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<void> {
    const retentionSeconds = this.config.RETENTION_DAYS * 86400;
    await this.queue.add(name, data, {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: this.config.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.JOB_BACKOFF_MS },
      removeOnComplete: { age: retentionSeconds, count: 10000 },
      removeOnFail: { age: retentionSeconds },
    });
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    const worker = new Worker(
      this.queue.name,
      async (job) => {
        if (job.name !== name) throw new Error(`no handler for job ${job.name}`);
        await handler(job.data as T, { id: job.id ?? '', attempt: job.attemptsMade + 1 });
      },
      {
        connection: this.queue.opts.connection,
        prefix: this.queue.opts.prefix,
        concurrency: this.concurrency,
        stalledInterval: this.config.QUEUE_STALLED_INTERVAL_MS,
        lockDuration: this.config.QUEUE_STALLED_INTERVAL_MS,
        maxStalledCount: 3,
      },
    );
    worker.on('failed', (job, error) =>
      this.logger.warn(
        `job ${job?.name} ${job?.id} attempt ${job?.attemptsMade} failed: ${error.message}`,
      ),
    );
    worker.on('error', (error) => this.logger.error(`worker error: ${error.message}`));
    this.workers.push(worker);
  }

  async counts() {
    const c = await this.queue.getJobCounts(
      'waiting',
      'active',
      'failed',
      'delayed',
      'prioritized',
    );
    return {
      waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async ping(): Promise<void> {
    await this.queue.waitUntilReady();
    await this.queue.getJobCounts('active');
  }

  async pause(): Promise<boolean> {
    this.pausedAt ??= Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.SHUTDOWN_TIMEOUT_MS);
      timer.unref();
    });
    // Worker.pause() stops fetching at once and resolves when its active jobs are done.
    const paused = Promise.all(this.workers.map((w) => w.pause())).then(() => true);
    try {
      return await Promise.race([paused, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A drain began with pause(): close() waits only what is left of the shutdown timeout. */
  private closeWaitMs(): number {
    if (this.pausedAt === undefined) return this.config.SHUTDOWN_TIMEOUT_MS;
    return Math.max(0, this.config.SHUTDOWN_TIMEOUT_MS - (Date.now() - this.pausedAt));
  }

  async close(): Promise<void> {
    const timeout = new Promise((resolve) => setTimeout(resolve, this.closeWaitMs()).unref());
    await Promise.race([Promise.all(this.workers.map((w) => w.close())), timeout]);
    await this.queue.close();
  }
}
