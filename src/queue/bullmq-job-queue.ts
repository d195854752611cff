import { Queue, Worker, type Job } from 'bullmq';
import { Semaphore } from '#common';
import type { AppConfig } from '../config/app-config';
import { logFor } from '../observability/logger';
import type { JobHandler, JobOptions, JobQueue } from './job-queue';

/** The shared lane's key in the maps below. */
const SHARED = '';

/** A job's states before it finished (a retry waits `delayed`). */
const PENDING_STATES = new Set<string>(['waiting', 'prioritized', 'delayed', 'active']);

/** How many waiting jobs one `moveWaiting` call moves at most. */
const MOVE_BATCH = 1000;

/**
 * BullMQ on Redis: any number of `npm run worker` processes consume the same queue.
 * Retries use exponential backoff; a job whose worker died is detected as stalled and
 * handed to another worker; close() drains running jobs (graceful shutdown on SIGTERM).
 *
 * Lanes are further BullMQ queues named `<name>.<lane>` (a worker's own, a capability's):
 * a process consumes the shared queue and the lanes it was given, and runs at most its
 * concurrency of jobs across all of them.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly log = logFor('BullMQ');
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly consumed = new Set<string>([SHARED]);
  private readonly slots: Semaphore;
  private pausedAt?: number;

  constructor(
    private readonly queue: Queue,
    private readonly config: AppConfig,
    private readonly concurrency: number = config.JOB_CONCURRENCY,
  ) {
    this.queues.set(SHARED, queue);
    this.slots = new Semaphore(concurrency);
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<void> {
    const retentionSeconds = this.config.RETENTION_DAYS * 86400;
    await this.laneQueue(options.lane ?? SHARED).add(name, data, {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: this.config.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.JOB_BACKOFF_MS },
      removeOnComplete: { age: retentionSeconds, count: 10000 },
      removeOnFail: { age: retentionSeconds },
    });
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
    for (const lane of this.consumed) this.consume(lane);
  }

  consumeLanes(lanes: readonly string[]): void {
    for (const lane of lanes) {
      this.consumed.add(lane);
      if (this.handlers.size) this.consume(lane);
    }
  }

  async moveWaiting(lane: string): Promise<number> {
    if (lane === SHARED) return 0;
    const from = this.laneQueue(lane);
    const jobs = await from.getJobs(['waiting', 'delayed', 'prioritized'], 0, MOVE_BATCH - 1);
    let moved = 0;
    for (const job of jobs) {
      // removed first: a job its worker took meanwhile is locked and stays where it is
      if (!(await removeUnlessHeld(job))) continue;
      await this.add(job.name, job.data, { jobId: job.id });
      moved++;
    }
    return moved;
  }

  async has(jobId: string, lane?: string): Promise<boolean> {
    for (const name of lane ? [lane, SHARED] : [SHARED])
      if (await this.laneQueue(name).getJob(jobId)) return true;
    return false;
  }

  async isPending(jobId: string, lane?: string): Promise<boolean> {
    for (const name of lane ? [lane, SHARED] : [SHARED]) {
      const state = await this.laneQueue(name).getJobState(jobId);
      if (PENDING_STATES.has(state)) return true;
    }
    return false;
  }

  async dropAbandoned(jobId: string, lane: string): Promise<boolean> {
    const job = await this.laneQueue(lane).getJob(jobId);
    if (!job || (await job.getState()) !== 'active') return false;
    return removeUnlessHeld(job);
  }

  async dropAbandonedIn(lane: string): Promise<number> {
    if (lane === SHARED) return 0; // its consumers' stalled-job checks hand these on
    const jobs = await this.laneQueue(lane).getJobs(['active'], 0, MOVE_BATCH - 1);
    let dropped = 0;
    for (const job of jobs) if (await removeUnlessHeld(job)) dropped++;
    return dropped;
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
    const paused = Promise.all([...this.workers.values()].map((w) => w.pause())).then(() => true);
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
    await Promise.race([Promise.all([...this.workers.values()].map((w) => w.close())), timeout]);
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  private laneQueue(lane: string): Queue {
    let queue = this.queues.get(lane);
    if (!queue) {
      queue = new Queue(`${this.queue.name}.${lane}`, {
        connection: this.queue.opts.connection,
        prefix: this.queue.opts.prefix,
      });
      this.queues.set(lane, queue);
    }
    return queue;
  }

  private consume(lane: string): void {
    if (this.workers.has(lane)) return;
    const worker = new Worker(
      this.laneQueue(lane).name,
      (job: Job) => this.slots.run(() => this.handle(job)),
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
      this.log.warn(`job ${job?.name} ${job?.id} attempt ${job?.attemptsMade} failed`, {
        error: error.message,
      }),
    );
    worker.on('error', (error) => this.log.error('worker error', { error: error.message }));
    this.workers.set(lane, worker);
  }

  private async handle(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    await handler(job.data, { id: job.id ?? '', attempt: job.attemptsMade + 1 });
  }
}

/** BullMQ refuses to remove a job whose lock is held: only a job whose hold lapsed goes. */
function removeUnlessHeld(job: Job): Promise<boolean> {
  return job.remove().then(
    () => true,
    () => false,
  );
}
