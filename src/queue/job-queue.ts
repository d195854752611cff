/** Job execution behind one interface: BullMQ on Redis, or an in-process runner. */
export interface JobOptions {
  /** Jobs with the same id are deduplicated while one is waiting or running. */
  jobId?: string;
  delayMs?: number;
  /**
   * A lane of the queue (`workerLane`, `capabilityLane`): only the processes consuming it
   * take the job. Unset: the shared lane every job-running process consumes.
   */
  lane?: string;
}

export interface JobMeta {
  id: string;
  attempt: number;
}

export type JobHandler<T> = (data: T, meta: JobMeta) => Promise<void>;

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  add<T>(name: string, data: T, options?: JobOptions): Promise<void>;
  /** Starts consuming jobs of `name` in this process (from the shared lane and `consumeLanes`). */
  process<T>(name: string, handler: JobHandler<T>): void;
  /** Also takes jobs from these lanes, with the handlers given to `process`. */
  consumeLanes(lanes: readonly string[]): void;
  /** Moves the jobs waiting in `lane` to the shared lane; answers how many moved. */
  moveWaiting(lane: string): Promise<number>;
  /** Whether the job is still in `lane` or the shared lane (waiting, running or finished). */
  has(jobId: string, lane?: string): Promise<boolean>;
  /** Whether the job waits or runs (not yet finished) in `lane` or the shared lane. */
  isPending(jobId: string, lane?: string): Promise<boolean>;
  /**
   * Removes the job when it was taken in `lane` by a process whose hold on it has lapsed
   * (that process died: nobody else consumes its own lane, so it would stay taken for
   * good); true when removed. A job still held, waiting or finished stays.
   */
  dropAbandoned(jobId: string, lane: string): Promise<boolean>;
  /** `dropAbandoned` for every job taken in `lane` (a worker that is gone); answers how many. */
  dropAbandonedIn(lane: string): Promise<number>;
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

/** A worker's own lane: jobs a dispatch strategy placed on that worker. */
export function workerLane(workerId: string): string {
  return `w.${laneSafe(workerId)}`;
}

/** The lane of jobs that need a routed capability (pull dispatch). */
export function capabilityLane(capability: string): string {
  return `c.${laneSafe(capability)}`;
}

/** Queue names may not hold `:`; lanes keep to letters, digits and `_ - . +`. */
function laneSafe(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_.+-]/g, '_');
}

export const JOB_QUEUE = Symbol('JOB_QUEUE');
export const TASK_QUEUE = Symbol('TASK_QUEUE');
export const RUN_GOAL_JOB = 'run-goal';
export const RUN_TASK_JOB = 'run-task';

export interface RunGoalJob {
  tenantId: string;
  goalId: string;
}
