import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomToken } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { GoalRepository } from '../goal-records/goal.repository';
import type { GoalRow } from '../goal-records/goal.types';

/**
 * A goal is driven by one process at a time: the holder of its lease. A worker that dies
 * stops renewing; once the lease expires any worker may resume the goal.
 */
@Injectable()
export class GoalLeases {
  readonly owner = `${hostname()}:${process.pid}:${randomToken(6)}`;

  constructor(
    private readonly goals: GoalRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Takes the goal's lease; returns the goal row, or undefined when another process holds it. */
  acquire(tenantId: string, goalId: string): Promise<GoalRow | undefined> {
    return this.goals.acquireLease(tenantId, goalId, this.owner, this.config.LEASE_TTL_MS);
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
