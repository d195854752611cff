import { backoffDelay } from '#common';
import { logFor } from '../observability/logger';
import type { JobHandler, JobOptions, JobQueue } from './job-queue';

interface PendingJob {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
}

export interface InProcessQueueOptions {
  concurrency: number;
  attempts: number;
  backoffMs: number;
  shutdownTimeoutMs: number;
}

/**
 * The embedded runner: jobs run in this process with bounded concurrency, retries and
 * backoff. Lanes are ignored: this process is the only one.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly logger = logFor('InProcessQueue');
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly waiting: PendingJob[] = [];
  private readonly known = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private failed = 0;
  private sequence = 0;
  private closing = false;
  private paused = false;
  private pausedAt?: number;

  constructor(private readonly options: InProcessQueueOptions) {}

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<void> {
    if (this.closing) throw new Error('the job queue is shutting down');
    const id = options.jobId ?? `job-${++this.sequence}`;
    if (this.known.has(id)) return;
    this.known.add(id);
    const job = { id, name, data, attempt: 1 };
    if (options.delayMs) this.later(job, options.delayMs);
    else this.waiting.push(job);
    this.pump();
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
    this.pump();
  }

  /** One process takes every lane: a job's lane changes nothing here. */
  consumeLanes(): void {}

  async moveWaiting(): Promise<number> {
    return 0;
  }

  async has(jobId: string): Promise<boolean> {
    return this.known.has(jobId);
  }

  /** Known from its adding until it finished (a retry waiting its backoff included). */
  async isPending(jobId: string): Promise<boolean> {
    return this.known.has(jobId);
  }

  /** Nothing is taken by another process here. */
  async dropAbandoned(): Promise<boolean> {
    return false;
  }

  async dropAbandonedIn(): Promise<number> {
    return 0;
  }

  async counts() {
    return { waiting: this.waiting.length, active: this.running.size, failed: this.failed };
  }

  async ping(): Promise<void> {}

  async pause(): Promise<boolean> {
    this.pausedAt ??= Date.now();
    this.paused = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.shutdownTimeoutMs);
      timer.unref();
    });
    const drained = Promise.allSettled([...this.running]).then(() => true);
    try {
      return await Promise.race([drained, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A drain began with pause(): close() waits only what is left of the shutdown timeout. */
  private closeWaitMs(): number {
    if (this.pausedAt === undefined) return this.options.shutdownTimeoutMs;
    return Math.max(0, this.options.shutdownTimeoutMs - (Date.now() - this.pausedAt));
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    const drained = Promise.allSettled([...this.running]);
    const timeout = new Promise((resolve) => setTimeout(resolve, this.closeWaitMs()).unref());
    await Promise.race([drained, timeout]);
  }

  private later(job: PendingJob, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.waiting.push(job);
      this.pump();
    }, delayMs);
    this.timers.add(timer);
  }

  private pump(): void {
    while (!this.closing && !this.paused && this.running.size < this.options.concurrency) {
      const index = this.waiting.findIndex((j) => this.handlers.has(j.name));
      if (index < 0) return;
      const [job] = this.waiting.splice(index, 1);
      const run = this.execute(job).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async execute(job: PendingJob): Promise<void> {
    try {
      await this.handlers.get(job.name)!(job.data, { id: job.id, attempt: job.attempt });
      this.known.delete(job.id);
    } catch (error) {
      if (job.attempt >= this.options.attempts || this.closing) {
        this.failed++;
        this.known.delete(job.id);
        this.logger.error(
          `job ${job.name} ${job.id} failed after ${job.attempt} attempts: ${(error as Error).message}`,
        );
        return;
      }
      const delay = backoffDelay(job.attempt, this.options.backoffMs, this.options.backoffMs * 64);
      this.logger.warn(
        `job ${job.name} ${job.id} attempt ${job.attempt} failed: ${(error as Error).message}; retrying in ${delay} ms`,
      );
      this.later({ ...job, attempt: job.attempt + 1 }, delay);
    }
  }
}
