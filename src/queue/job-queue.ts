/** Job execution behind one interface: BullMQ on Redis, or an in-process runner. */
export interface JobOptions {
  /** Jobs with the same id are deduplicated while one is waiting or running. */
  jobId?: string;
  delayMs?: number;
}

export interface JobMeta {
  id: string;
  attempt: number;
}

export type JobHandler<T> = (data: T, meta: JobMeta) => Promise<void>;

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  add<T>(name: string, data: T, options?: JobOptions): Promise<void>;
  /** Starts consuming jobs of `name` in this process. */
  process<T>(name: string, handler: JobHandler<T>): void;
  /** Counts of waiting and active jobs. */
  counts(): Promise<{ waiting: number; active: number; failed: number }>;
  ping(): Promise<void>;
  /**
   * Stops taking jobs in this process (adding still works) and waits, up to the shutdown
   * timeout, for the running ones; true when they all finished in time. For good: a
   * paused queue only closes.
   */
  pause(): Promise<boolean>;
  /** Stops taking jobs and waits (up to the shutdown timeout) for running ones. */
  close(): Promise<void>;
}

export const JOB_QUEUE = Symbol('JOB_QUEUE');
export const RUN_GOAL_JOB = 'run-goal';

export interface RunGoalJob {
  tenantId: string;
  goalId: string;
}
