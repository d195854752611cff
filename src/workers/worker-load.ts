import { Injectable } from '@nestjs/common';

/** The goal jobs this process runs: counted where the queue hands them to their handler. */
@Injectable()
export class WorkerLoad {
  private runningJobs = 0;
  private doneJobs = 0;
  private failedJobs = 0;

  get running(): number {
    return this.runningJobs;
  }

  get done(): number {
    return this.doneJobs;
  }

  get failed(): number {
    return this.failedJobs;
  }

  /** Runs one job, counting it as running, then done or failed (it threw). */
  async track<T>(job: () => Promise<T>): Promise<T> {
    this.runningJobs++;
    try {
      const result = await job();
      this.doneJobs++;
      return result;
    } catch (error) {
      this.failedJobs++;
      throw error;
    } finally {
      this.runningJobs--;
    }
  }
}
