import { Injectable } from '@nestjs/common';

/** What a process runs: goal jobs (it drives the goal) or task jobs (a task of a goal driven elsewhere). */
export type JobKind = 'goal' | 'task';

interface Counts {
  running: number;
  done: number;
  failed: number;
}

/** The jobs this process runs, by kind: counted where the queues hand them to their handlers. */
@Injectable()
export class WorkerLoad {
  private readonly counts: Record<JobKind, Counts> = {
    goal: { running: 0, done: 0, failed: 0 },
    task: { running: 0, done: 0, failed: 0 },
  };
  private readonly listeners: Array<() => void> = [];

  /** Goal jobs running now. */
  get running(): number {
    return this.counts.goal.running;
  }

  get done(): number {
    return this.counts.goal.done;
  }

  get failed(): number {
    return this.counts.goal.failed;
  }

  /** Task jobs: running now, finished and failed since the start. */
  get tasks(): Readonly<Counts> {
    return this.counts.task;
  }

  /** Jobs of both kinds running now. */
  get busy(): number {
    return this.counts.goal.running + this.counts.task.running;
  }

  /** Called when the process goes from no running job to one, or back. */
  onIdleChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Runs one job, counting it as running, then done or failed (it threw). */
  async track<T>(job: () => Promise<T>, kind: JobKind = 'goal'): Promise<T> {
    const counts = this.counts[kind];
    counts.running++;
    if (this.busy === 1) this.changed();
    try {
      const result = await job();
      counts.done++;
      return result;
    } catch (error) {
      counts.failed++;
      throw error;
    } finally {
      counts.running--;
      if (this.busy === 0) this.changed();
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
