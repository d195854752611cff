import { Conflict, everyInterval, NotFound } from '#common';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import {
  capabilityLane,
  JOB_QUEUE,
  TASK_QUEUE,
  workerLane,
  type JobQueue,
} from '../queue/job-queue';
import { SandboxProbe } from '../tools/sandbox.provider';
import { capabilitySets } from './dispatch/task-requirements';
import { parseCapabilities, workerCapabilities } from './worker-capabilities';
import {
  WORKER_REGISTRY_STORE,
  type WorkerEntry,
  type WorkerRegistryStore,
  type WorkerSnapshot,
} from './worker-entry';
import { WorkerIdentity } from './worker-identity';
import { WorkerLoad } from './worker-load';
import { forgetAfterMs, workerStatus, type WorkerStatus } from './worker-status';

/** How soon a change between IDLE and BUSY is written, coalescing the changes meanwhile. */
const BEAT_SOON_MS = 250;

/** One entry as the API and the metrics show it. */
export interface WorkerView extends Omit<WorkerEntry, 'draining'> {
  status: WorkerStatus;
  heartbeat_age_ms: number;
}

/**
 * This process in the worker registry, when it runs jobs: it registers at start, renews its
 * entry every WORKER_HEARTBEAT_MS (id, host, pid, version, role, capabilities, concurrency,
 * running goal jobs, jobs done and failed) and leaves when it has drained. A heartbeat that
 * fails (Redis away) is logged once and tried again on the next tick: jobs run on.
 *
 * Draining (SIGTERM through `src/shutdown.ts`, or a drain request from the API for this
 * process's id): the entry shows DRAINING, the goal queue stops handing this process jobs,
 * the running ones finish (up to SHUTDOWN_TIMEOUT_MS), then the entry is removed and
 * `onDrained` listeners run (a worker process exits; the API keeps serving HTTP).
 */
@Injectable()
export class WorkerRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = logFor('WorkerRegistry');
  private capabilities: string[] = [];
  private stopHeartbeat?: () => void;
  private registered = false;
  private draining?: Promise<void>;
  private failing = false;
  private soon?: NodeJS.Timeout;
  private readonly drainedListeners: Array<() => void> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_REGISTRY_STORE) private readonly store: WorkerRegistryStore,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(TASK_QUEUE) private readonly tasks: JobQueue,
    private readonly identity: WorkerIdentity,
    private readonly load: WorkerLoad,
    private readonly sandbox: SandboxProbe,
  ) {}

  get id(): string {
    return this.identity.id;
  }

  /** What this process can do (empty until it registered). */
  get capabilitiesHeld(): readonly string[] {
    return this.capabilities;
  }

  /** True from the moment this process starts draining. */
  get isDraining(): boolean {
    return this.draining !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.PROCESS_JOBS) return;
    this.store.onDrainRequest((id) => {
      if (id === this.identity.id) void this.drain('a drain request');
    });
    const sandbox = await this.sandbox.status().catch(() => ({ available: false }));
    this.capabilities = workerCapabilities(this.config.WORKER_CAPABILITIES, {
      codeSandbox: sandbox.available,
      llmProvider: this.config.llmProvider,
      llmModel: this.config.llmModel,
    });
    // its own lane (jobs a dispatch strategy placed here) and, for tasks, the lanes of the
    // routed capabilities it has
    const own = workerLane(this.identity.id);
    this.queue.consumeLanes([own]);
    const routed = parseCapabilities(this.config.WORKER_ROUTED_CAPABILITIES);
    this.tasks.consumeLanes([
      own,
      ...capabilitySets(this.capabilities, routed).map((set) => capabilityLane(set)),
    ]);
    this.registered = true;
    // IDLE ⇄ BUSY shows within a moment rather than at the next heartbeat
    this.load.onIdleChange(() => this.beatSoon());
    await this.beat();
    this.stopHeartbeat = everyInterval(
      this.config.WORKER_HEARTBEAT_MS,
      () => this.beat(),
      () => undefined,
    );
    this.log.info('registered as a worker', {
      worker_id: this.identity.id,
      capabilities: this.capabilities,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopHeartbeat?.();
    clearTimeout(this.soon);
    await this.deregister();
    await this.store.close();
  }

  /** Called once this process has drained and left the registry. */
  onDrained(listener: () => void): void {
    this.drainedListeners.push(listener);
  }

  /**
   * Stops taking goal jobs, lets the running ones finish (up to SHUTDOWN_TIMEOUT_MS) and
   * leaves the registry. Idempotent: a second call waits for the first.
   */
  drain(reason: string): Promise<void> {
    if (!this.config.PROCESS_JOBS) return Promise.resolve();
    this.draining ??= (async () => {
      this.log.info(`draining (${reason}): no new goal jobs`, {
        worker_id: this.identity.id,
        running: this.load.running,
      });
      await this.beat();
      const pausing = [this.queue, this.tasks].map((queue) =>
        queue.pause().catch((error: Error) => {
          this.log.warn('could not pause a job queue', { error: error.message });
          return false;
        }),
      );
      // what waits in its own lane goes to the shared one at once, for the others to take
      const own = workerLane(this.identity.id);
      await Promise.all([this.queue.moveWaiting(own), this.tasks.moveWaiting(own)]).catch(
        (error: Error) =>
          this.log.warn('could not hand back the jobs waiting for this worker', {
            error: error.message,
          }),
      );
      const finished = (await Promise.all(pausing)).every(Boolean);
      if (!finished)
        this.log.warn(
          `jobs still running after SHUTDOWN_TIMEOUT_MS: goals' leases expire and the sweeper resumes them elsewhere; their drivers run unfinished tasks again`,
          { running: this.load.running },
        );
      this.stopHeartbeat?.();
      await this.deregister();
      this.log.info('drained and left the worker registry', {
        worker_id: this.identity.id,
        done: this.load.done,
        failed: this.load.failed,
      });
      for (const listener of this.drainedListeners) listener();
    })();
    return this.draining;
  }

  /** Every entry of the registry (the offline ones until they are forgotten), oldest first. */
  async list(): Promise<WorkerView[]> {
    const snapshot = await this.store.list(forgetAfterMs(this.config.WORKER_OFFLINE_AFTER_MS));
    return views(snapshot, this.config.WORKER_OFFLINE_AFTER_MS).sort(
      (a, b) => a.started_at - b.started_at || a.id.localeCompare(b.id),
    );
  }

  async get(id: string): Promise<WorkerView> {
    const found = (await this.list()).find((worker) => worker.id === id);
    if (!found) throw new NotFound('worker', id);
    return found;
  }

  /**
   * Tells the worker `id` to drain; answers its entry as DRAINING. Already draining: the
   * same answer (idempotent). OFFLINE: 409, it cannot be reached (its goals' leases expire
   * and the sweeper resumes them).
   */
  async requestDrain(id: string): Promise<WorkerView> {
    const worker = await this.get(id);
    if (worker.status === 'OFFLINE')
      throw new Conflict(
        'worker-offline',
        'Worker offline',
        `Worker ${id} has not sent a heartbeat for ${worker.heartbeat_age_ms} ms; its goals are resumed by other workers.`,
      );
    if (worker.status !== 'DRAINING' && !(await this.store.requestDrain(id)))
      throw new NotFound('worker', id);
    return { ...worker, status: 'DRAINING' };
  }

  private entry(): Omit<WorkerEntry, 'heartbeat_at'> {
    return {
      id: this.identity.id,
      host: this.identity.host,
      pid: this.identity.pid,
      version: this.identity.version,
      role: this.identity.role,
      capabilities: this.capabilities,
      concurrency: this.config.JOB_CONCURRENCY,
      running: this.load.running,
      done: this.load.done,
      failed: this.load.failed,
      task_concurrency: this.config.WORKER_TASK_CONCURRENCY,
      tasks_running: this.load.tasks.running,
      tasks_done: this.load.tasks.done,
      tasks_failed: this.load.tasks.failed,
      draining: this.isDraining,
      started_at: this.identity.startedAt,
    };
  }

  /** One extra heartbeat shortly (at most one pending), for a change worth showing now. */
  private beatSoon(): void {
    if (this.soon || !this.registered) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.beat();
    }, BEAT_SOON_MS);
    this.soon.unref();
  }

  private async beat(): Promise<void> {
    if (!this.registered) return;
    try {
      const { drain } = await this.store.beat(
        this.entry(),
        forgetAfterMs(this.config.WORKER_OFFLINE_AFTER_MS),
      );
      if (this.failing) this.log.info('worker registry reachable again');
      this.failing = false;
      if (drain && !this.isDraining) void this.drain('a drain request');
    } catch (error) {
      if (!this.failing)
        this.log.warn('worker heartbeat failed; retrying every heartbeat, jobs run on', {
          error: (error as Error).message,
        });
      this.failing = true;
    }
  }

  private async deregister(): Promise<void> {
    if (!this.registered) return;
    this.registered = false;
    await this.store.remove(this.identity.id).catch((error: Error) =>
      this.log.warn('could not leave the worker registry; the entry expires on its own', {
        error: error.message,
      }),
    );
  }
}

function views(snapshot: WorkerSnapshot, offlineAfterMs: number): WorkerView[] {
  return snapshot.entries.map(({ draining, ...entry }) => {
    const age = Math.max(0, snapshot.now - entry.heartbeat_at);
    return {
      ...entry,
      heartbeat_age_ms: age,
      status: workerStatus({
        running: entry.running + entry.tasks_running,
        draining,
        heartbeatAgeMs: age,
        offlineAfterMs,
      }),
    };
  });
}
