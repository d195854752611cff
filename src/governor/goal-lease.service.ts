import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { randomToken } from '../../libs/common/src';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { GoalRow } from './goal.types';

/**
 * A goal is driven by one process at a time: the holder of its lease. A worker that dies
 * stops renewing; once the lease expires any worker may resume the goal.
 */
@Injectable()
export class GoalLeases {
  readonly owner = `${hostname()}:${process.pid}:${randomToken(6)}`;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Takes the goal's lease; returns the goal row, or undefined when another process holds it. */
  async acquire(tenantId: string, goalId: string): Promise<GoalRow | undefined> {
    const [rows]: [GoalRow[], number] = await this.dataSource.query(
      `UPDATE goals SET lease_owner = $3, lease_expires_at = now() + make_interval(secs => $4::double precision / 1000)
       WHERE id = $1 AND tenant_id = $2 AND status IN ('pending', 'running')
         AND (lease_owner IS NULL OR lease_owner = $3 OR lease_expires_at < now())
       RETURNING *`,
      [goalId, tenantId, this.owner, this.config.LEASE_TTL_MS],
    );
    return rows[0];
  }

  /** Renews the lease; false when it was lost or the goal left the running states. */
  async renew(tenantId: string, goalId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE goals SET lease_expires_at = now() + make_interval(secs => $4::double precision / 1000)
       WHERE id = $1 AND tenant_id = $2 AND lease_owner = $3 AND status IN ('pending', 'running')`,
      [goalId, tenantId, this.owner, this.config.LEASE_TTL_MS],
    );
    return affected === 1;
  }

  async release(tenantId: string, goalId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE goals SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND tenant_id = $2 AND lease_owner = $3`,
      [goalId, tenantId, this.owner],
    );
  }
}
