import type { ProcessRole } from '../config/config.module';

/** One process in the registry, as it last described itself. Times are epoch milliseconds. */
export interface WorkerEntry {
  id: string;
  host: string;
  pid: number;
  version: string;
  role: ProcessRole;
  capabilities: string[];
  /** Goal jobs it runs at once (JOB_CONCURRENCY). */
  concurrency: number;
  /** Goal jobs running as of the heartbeat. */
  running: number;
  done: number;
  failed: number;
  /** Task jobs it runs at once (WORKER_TASK_CONCURRENCY), running now, finished, failed. */
  task_concurrency: number;
  tasks_running: number;
  tasks_done: number;
  tasks_failed: number;
  /** It drains, or was told to. */
  draining: boolean;
  started_at: number;
  /** Stamped by the store's clock (Redis's in production), not the process's. */
  heartbeat_at: number;
}

/** What the store answers a listing with: the entries and its clock at that moment. */
export interface WorkerSnapshot {
  now: number;
  entries: WorkerEntry[];
}

export const WORKER_REGISTRY_STORE = Symbol('WORKER_REGISTRY_STORE');

/** Where the entries live: Redis with REDIS_URL, this process's memory otherwise. */
export interface WorkerRegistryStore {
  /**
   * Writes the entry with a fresh heartbeat; its keys expire after `ttlMs`. Answers whether
   * a drain was requested for it meanwhile.
   */
  beat(entry: Omit<WorkerEntry, 'heartbeat_at'>, ttlMs: number): Promise<{ drain: boolean }>;
  remove(id: string): Promise<void>;
  /** Every entry, removing those whose heartbeat is older than `forgetAfterMs`. */
  list(forgetAfterMs: number): Promise<WorkerSnapshot>;
  /** Marks the entry as told to drain and tells its process; false when there is no entry. */
  requestDrain(id: string): Promise<boolean>;
  /** Called with the id of every drain request, in every process. */
  onDrainRequest(handler: (id: string) => void): void;
  /** The next turn of a round-robin count shared by every process (one per `name`). */
  nextTurn(name: string): Promise<number>;
  /** Remembers a lane jobs were placed on, so its jobs can be moved if its worker leaves. */
  rememberLane(lane: string): Promise<void>;
  lanes(): Promise<string[]>;
  forgetLane(lane: string): Promise<void>;
  /** Remembers (for `ttlMs`) the job and lane a goal's run was last placed on. */
  rememberPlacement(goalId: string, placement: JobPlacement, ttlMs: number): Promise<void>;
  placementOf(goalId: string): Promise<JobPlacement | undefined>;
  close(): Promise<void>;
}

/** Where one job was placed: its id and lane. */
export interface JobPlacement {
  jobId: string;
  lane: string;
}
