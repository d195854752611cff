import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { capabilityLane, workerLane } from '../../queue/job-queue';
import {
  WORKER_REGISTRY_STORE,
  type JobPlacement,
  type WorkerRegistryStore,
} from '../worker-entry';
import type { JobKind } from '../worker-load';
import { WorkerRegistry, type WorkerView } from '../worker-registry.service';
import { parseCapabilities } from '../worker-capabilities';
import { capableOf, chooseWorker, type DispatchCandidate } from './dispatch-strategy';
import { capabilitySetName } from './task-requirements';

/** How long a goal's placement is remembered: longer than any goal waits queued. */
const PLACEMENT_TTL_MS = 24 * 3600_000;

/** How long one reading of the registry serves the dispatch decisions after it. */
const SNAPSHOT_MS = 200;

/** The capability a worker needs for each kind of job under a dispatch strategy. */
const KIND_CAPABILITY: Record<JobKind, string> = {
  goal: 'goal_execution',
  task: 'task_execution',
};

/** Where one job goes: a lane of its queue (undefined: the shared one) and the worker chosen. */
export interface Placement {
  lane?: string;
  workerId?: string;
}

/**
 * Chooses the lane of each goal or task job (WORKER_DISPATCH). `pull`: the shared lane, or
 * for a job needing routed capabilities the lane of that set, which only workers holding it
 * consume. A strategy: the chosen live worker's own lane (see `chooseWorker`); when no
 * worker fits, the job waits where any capable worker pulls it. The registry is read at
 * most every 200 ms; placements since are counted as load, so a burst spreads out. Round
 * robin keeps one turn count per kind of job and set of needs, so tasks bound to a few
 * workers do not skew the turns of the others.
 */
@Injectable()
export class WorkDispatcher {
  private readonly routed: string[];
  private snapshot?: { at: number; workers: Promise<WorkerView[]> };
  private readonly placed = new Map<string, number>();
  private readonly remembered = new Set<string>();
  private readonly localTurns = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_REGISTRY_STORE) private readonly store: WorkerRegistryStore,
    private readonly registry: WorkerRegistry,
  ) {
    this.routed = parseCapabilities(config.WORKER_ROUTED_CAPABILITIES);
  }

  get routedCapabilities(): readonly string[] {
    return this.routed;
  }

  /** True when jobs may go to chosen workers (not left to whoever pulls first). */
  get placesJobs(): boolean {
    return this.config.WORKER_DISPATCH !== 'pull' && Boolean(this.config.REDIS_URL);
  }

  async place(kind: JobKind, required: readonly string[]): Promise<Placement> {
    const pulled: Placement = required.length
      ? { lane: capabilityLane(capabilitySetName(required)) }
      : {};
    if (this.config.WORKER_DISPATCH === 'pull' || !this.config.REDIS_URL) return pulled;
    const workers = await this.workers();
    const candidates = workers
      .filter((w) => w.status === 'IDLE' || w.status === 'BUSY')
      .map((w) => this.candidate(kind, w));
    const needs = [KIND_CAPABILITY[kind], ...required];
    const capable = capableOf(candidates, needs);
    const turn =
      this.config.WORKER_DISPATCH === 'round_robin' && capable.length
        ? await this.turn(`${kind}:${capabilitySetName(required)}`)
        : 0;
    const chosen = chooseWorker(this.config.WORKER_DISPATCH, capable, {
      turn,
      random: Math.random,
      routed: this.routed,
      required,
    });
    if (!chosen) return pulled;
    const key = `${kind}:${chosen.id}`;
    this.placed.set(key, (this.placed.get(key) ?? 0) + 1);
    const lane = workerLane(chosen.id);
    if (!this.remembered.has(lane))
      // remembered for the rehoming of its jobs; tried again with the next placement if it fails
      await this.store.rememberLane(lane).then(
        () => this.remembered.add(lane),
        () => undefined,
      );
    return { lane, workerId: chosen.id };
  }

  /**
   * Remembers where a goal's run was placed, so a sweep that finds the goal quiet can tell
   * a run still waiting on that worker (left alone: placing it again would take another
   * turn and run on whichever worker is first) from one that was lost.
   */
  async rememberGoalPlacement(goalId: string, placement: JobPlacement): Promise<void> {
    await this.store.rememberPlacement(goalId, placement, PLACEMENT_TTL_MS).catch(() => undefined);
  }

  async goalPlacement(goalId: string): Promise<JobPlacement | undefined> {
    return this.store.placementOf(goalId).catch(() => undefined);
  }

  /** Whether the lane is the own lane of a worker that takes jobs now (IDLE or BUSY). */
  async laneIsLive(lane: string): Promise<boolean> {
    const workers = await this.workers().catch(() => [] as WorkerView[]);
    return workers.some(
      (w) => (w.status === 'IDLE' || w.status === 'BUSY') && workerLane(w.id) === lane,
    );
  }

  /** The shared turn count; this process's own while Redis does not answer (still a rotation). */
  private async turn(name: string): Promise<number> {
    try {
      return await this.store.nextTurn(name);
    } catch {
      const turn = (this.localTurns.get(name) ?? 0) + 1;
      this.localTurns.set(name, turn);
      return turn;
    }
  }

  /** The registry as of at most 200 ms ago (placements since then start from zero). */
  async workers(): Promise<WorkerView[]> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > SNAPSHOT_MS) {
      const workers = this.registry.list();
      this.snapshot = { at: now, workers };
      workers.then(
        () => this.placed.clear(),
        () => (this.snapshot = undefined),
      );
    }
    return this.snapshot.workers;
  }

  private candidate(kind: JobKind, worker: WorkerView): DispatchCandidate {
    const placed = this.placed.get(`${kind}:${worker.id}`) ?? 0;
    return kind === 'goal'
      ? {
          id: worker.id,
          capabilities: worker.capabilities,
          load: worker.running + placed,
          capacity: worker.concurrency,
        }
      : {
          id: worker.id,
          capabilities: worker.capabilities,
          load: worker.tasks_running + placed,
          capacity: worker.task_concurrency,
        };
  }
}
