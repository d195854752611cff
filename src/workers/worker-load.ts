import { Injectable } from '@nestjs/common';

/** The goal jobs this process runs: counted where the queue hands them to their handler. */
@Injectable()
export class WorkerLoad {
  private runningJobs = 0;
  private doneJobs = 0;
  private failedJobs = 0;
  private readonly listeners: Array<() => void> = [];

  get running(): number {
    return this.runningJobs;
  }

  get done(): number {
    return this.doneJobs;
  }

  get failed(): number {
    return this.failedJobs;
  }

  /** Called when the process goes from no running job to one, or back. */
  onIdleChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Runs one job, counting it as running, then done or failed (it threw). */
  async track<T>(job: () => Promise<T>): Promise<T> {
    if (this.runningJobs++ === 0) this.changed();
    try {
      const result = await job();
      this.doneJobs++;
      return result;
    } catch (error) {
      this.failedJobs++;
      throw error;
    } finally {
      if (--this.runningJobs === 0) this.changed();
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
