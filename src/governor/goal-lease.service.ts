import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction';
import { GoalRepository } from '../goal-records/goal.repository';
import { QuotaService } from '../quotas/quota.service';
import type { GoalRow } from '../goal-records/goal.types';
import { WorkerIdentity } from '../workers/worker-identity';

/**
 * A goal is driven by one process at a time: the holder of its lease. A worker that dies
 * stops renewing; once the lease expires any worker may resume the goal.
 */
@Injectable()
export class GoalLeases {
  /** This process's worker id: a running goal's `lease_owner` names the worker driving it. */
  readonly owner: string;

  constructor(
    private readonly goals: GoalRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly quotas: QuotaService,
    private readonly dataSource: DataSource,
    identity: WorkerIdentity,
  ) {
    this.owner = identity.id;
  }

  /**
   * Takes the goal's lease; returns the goal row, or undefined when another process holds it
   * or the tenant's workers quota is in use (the goal then waits: `wakeNextWaiting` or the
   * sweeper queues it again). With a quota, the tenant's takers wait for each other to the
   * end of the transaction, so two processes cannot both take the last worker.
   */
  async acquire(tenantId: string, goalId: string): Promise<GoalRow | undefined> {
    const workers = await this.quotas.limitOf(tenantId, 'workers');
    if (workers === null)
      return this.goals.acquireLease(tenantId, goalId, this.owner, this.config.LEASE_TTL_MS);
    return inTransaction(this.dataSource, async ({ manager }) => {
      await this.goals.lockWorkers(manager, tenantId);
      if ((await this.goals.countDriven(tenantId, goalId, manager)) >= workers) return undefined;
      return this.goals.acquireLease(
        tenantId,
        goalId,
        this.owner,
        this.config.LEASE_TTL_MS,
        manager,
      );
    });
  }

  /** After a run ends: the tenant's goal waiting longest for a worker, when the tenant has a workers quota. */
  async nextWaiting(tenantId: string): Promise<{ id: string; event_seq: number } | undefined> {
    if ((await this.quotas.limitOf(tenantId, 'workers')) === null) return undefined;
    return this.goals.nextWaiting(tenantId);
  }

  /** Renews the lease; false when it was lost or the goal left the running states. */
  renew(tenantId: string, goalId: string): Promise<boolean> {
    return this.goals.renewLease(tenantId, goalId, this.owner, this.config.LEASE_TTL_MS);
  }

  release(tenantId: string, goalId: string): Promise<void> {
    return this.goals.releaseLease(tenantId, goalId, this.owner);
  }

  /** Embedded mode at start: PGlite belongs to this process, so any lease is from a previous run. */
  releaseAll(): Promise<void> {
    return this.goals.releaseAllLeases();
  }
}
